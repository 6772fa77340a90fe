/**
 * The one list of product ids and the one place workflow ids are made: API routes, workflow ids
 * and the `Product` search attribute use it. `satisfaction-call-back` is the companion workflow a
 * solved case starts (R-003-5); contracts and official days are entities beside the cases.
 */
export const PRODUCTS = ['hotline', 'remote', 'on-site', 'health-check', 'data-migration', 'custom-development', 'training'] as const;
export type ProductId = (typeof PRODUCTS)[number];
export const CALL_BACK = 'satisfaction-call-back';
export const CONTRACT = 'contract';

/** A workflow id's prefix where it is not the product id (`onsite-<caseId>`). */
const WORKFLOW_ID_PREFIXES: Partial<Record<ProductId, string>> = { 'on-site': 'onsite' };

export function caseWorkflowId(product: ProductId, caseId: string): string {
  return `${WORKFLOW_ID_PREFIXES[product] ?? product}-${caseId}`;
}

/** The case id inside a case's workflow id. */
export function caseIdOf(product: ProductId, workflowId: string): string {
  const prefix = `${WORKFLOW_ID_PREFIXES[product] ?? product}-`;
  return workflowId.startsWith(prefix) ? workflowId.slice(prefix.length) : workflowId;
}

export function callBackWorkflowId(caseId: string, solutionNumber: number): string {
  return `${CALL_BACK}-${caseId}-${solutionNumber}`;
}

export function contractWorkflowId(contractId: string): string {
  return `${CONTRACT}-${contractId}`;
}

export function contractIdOf(workflowId: string): string {
  return workflowId.startsWith(`${CONTRACT}-`) ? workflowId.slice(CONTRACT.length + 1) : workflowId;
}

export function officialDaysWorkflowId(region: string): string {
  return `official-days-${region}`;
}
