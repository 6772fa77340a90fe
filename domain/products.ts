/**
 * The one list of product ids: workflow ids, API routes and the `Product` search attribute use it.
 * `satisfaction-call-back` is the companion workflow a solved case starts (domain.md §1).
 */
export const PRODUCTS = ['hotline', 'remote', 'on-site', 'health-check', 'data-migration', 'custom-development', 'training'] as const;
export type ProductId = (typeof PRODUCTS)[number];
export const CALL_BACK = 'satisfaction-call-back';

export function caseWorkflowId(product: ProductId, caseId: string): string {
  return `${product}-${caseId}`;
}

export function callBackWorkflowId(caseId: string, solutionNumber: number): string {
  return `${CALL_BACK}-${caseId}-${solutionNumber}`;
}
