/**
 * Typed search attributes ops filter on in the Web UI (e.g. `Breached = true AND Product = "hotline"`).
 * The dev server registers them at start (scripts/start.sh); tests register them on the test server.
 * No personal data here: search attributes are not encrypted.
 */
import { type SearchAttributePair, type SearchAttributeUpdatePair, defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { isBreached, nextWindowDueMs } from '../domain/case/clock';
import type { CaseCore } from '../domain/case/core';

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

/** What a case's search attributes say now (`NextDueAt` null once nothing is running). */
export function caseSearchAttributeUpdates(state: CaseCore, status: string): SearchAttributeUpdatePair[] {
  const due = nextWindowDueMs(state);
  return [
    { key: PRODUCT, value: state.product },
    { key: CUSTOMER_ID, value: state.customer.id },
    { key: SEVERITY, value: state.severity },
    { key: CASE_STATUS, value: state.paused ? 'paused' : status },
    { key: BREACHED, value: isBreached(state) },
    { key: ESCALATION_TIER, value: state.tier },
    { key: NEXT_DUE_AT, value: due === null ? null : new Date(due) },
    // Only cases under a contract carry it, so runs recorded before contracts replay unchanged.
    ...(state.contract ? [{ key: CONTRACT_ID, value: state.contract.id }] : []),
  ];
}

/** The same, to start a case with (set at start, the case's first task has nothing to write). */
export function caseSearchAttributes(state: CaseCore, status: string): SearchAttributePair[] {
  return caseSearchAttributeUpdates(state, status).filter((pair): pair is SearchAttributePair => pair.value !== null);
}
