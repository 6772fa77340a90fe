/** GET /cases: cases found through their search attributes, a page at a time. */
import type { Client } from '@temporalio/client';
import { PRODUCTS, type ProductId, caseIdOf } from '../../domain/products';
import { BREACHED, CASE_STATUS, CUSTOMER_ID, ESCALATION_TIER, NEXT_DUE_AT, PRODUCT, SEVERITY } from '../../workflows/search-attributes';
import type { Principal } from '../access/keys';
import { type Clause, type Execution, type PageTokens, executionPage } from '../visibility';
import type { CaseSearchQuery } from './schemas';

export interface CaseSummary {
  caseId: string;
  product: ProductId;
  customerId: string | null;
  status: string | null;
  severity: string | null;
  breached: boolean;
  escalationTier: number | null;
  nextDueAt: string | null;
  openedAt: string;
  /** When the case's workflow ended (closed for good, or terminated); null while it runs. */
  endedAt: string | null;
}

/** The filters as clauses; a customer's search is its own cases (another customer's id was a 404 in access/middleware.ts). */
export function searchClauses(query: CaseSearchQuery, principal: Principal): Clause[] {
  const customer = principal.role === 'customer' ? principal.customerId : query.customer;
  return [
    query.product ? { attribute: PRODUCT, operator: '=', value: query.product } : { attribute: PRODUCT, operator: 'IN', values: PRODUCTS },
    ...(customer !== undefined ? [{ attribute: CUSTOMER_ID, operator: '=', value: customer } as const] : []),
    ...(query.status !== undefined ? [{ attribute: CASE_STATUS, operator: '=', value: query.status } as const] : []),
    ...(query.breached !== undefined ? [{ attribute: BREACHED, operator: '=', value: query.breached } as const] : []),
    ...(query.dueBefore !== undefined ? [{ attribute: NEXT_DUE_AT, operator: '<', value: new Date(query.dueBefore) } as const] : []),
  ];
}

function summaryOf(execution: Execution): CaseSummary {
  const attributes = execution.typedSearchAttributes;
  const product = attributes.get(PRODUCT) as ProductId;
  return {
    caseId: caseIdOf(product, execution.workflowId),
    product,
    customerId: attributes.get(CUSTOMER_ID) ?? null,
    status: attributes.get(CASE_STATUS) ?? null,
    severity: attributes.get(SEVERITY) ?? null,
    breached: attributes.get(BREACHED) ?? false,
    escalationTier: attributes.get(ESCALATION_TIER) ?? null,
    nextDueAt: attributes.get(NEXT_DUE_AT)?.toISOString() ?? null,
    openedAt: execution.startTime.toISOString(),
    endedAt: execution.closeTime?.toISOString() ?? null,
  };
}

export async function searchCases(client: Client, tokens: PageTokens, query: CaseSearchQuery, principal: Principal): Promise<{ cases: CaseSummary[]; nextPage: string | null }> {
  const { executions, nextPage } = await executionPage(client, tokens, searchClauses(query, principal), query.limit, query.page);
  return { cases: executions.map(summaryOf), nextPage };
}
