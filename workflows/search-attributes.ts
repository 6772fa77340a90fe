/**
 * Typed search attributes ops filter on in the Web UI (e.g. `Breached = true AND Product = "hotline"`).
 * The dev server registers them at start (scripts/start.sh); tests register them on the test server.
 * No personal data here: search attributes are not encrypted.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const PRODUCT = defineSearchAttributeKey('Product', SearchAttributeType.KEYWORD);
export const CUSTOMER_ID = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const SEVERITY = defineSearchAttributeKey('Severity', SearchAttributeType.KEYWORD);
export const CASE_STATUS = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
export const BREACHED = defineSearchAttributeKey('Breached', SearchAttributeType.BOOL);
export const ESCALATION_TIER = defineSearchAttributeKey('EscalationTier', SearchAttributeType.INT);
export const NEXT_DUE_AT = defineSearchAttributeKey('NextDueAt', SearchAttributeType.DATETIME);
/** On a contract and on every case started under it: "which open cases does this amendment concern?" */
export const CONTRACT_ID = defineSearchAttributeKey('ContractId', SearchAttributeType.KEYWORD);

/** Every key, for registering on a server (`--search-attribute Name=Type`, operator API). */
export const SEARCH_ATTRIBUTE_KEYS = [PRODUCT, CUSTOMER_ID, SEVERITY, CASE_STATUS, BREACHED, ESCALATION_TIER, NEXT_DUE_AT, CONTRACT_ID];
