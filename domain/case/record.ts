/**
 * What every case records, whatever its product: who it is for, who did what and when (D-19), and
 * the e-mails it has queued. Product-neutral: no product name appears here.
 */
import type { Email } from '../email';
import { type ProductId, caseWorkflowId } from '../products';
import { ZoneOffsets, formatInstant } from '../time-zone';

export interface Customer {
  id: string;
  name: string;
  email: string;
  phone?: string;
}

export interface AuditEntry {
  atMs: number;
  type: string;
  by: string;
  details?: string;
}

/** The automatic actor of whatever time alone does (breaches, closes, notices). */
export const SYSTEM = 'system';

export interface CaseRecord {
  caseId: string;
  product: ProductId;
  customer: Customer;
  timeZone: string;
  audit: AuditEntry[];
  outbox: Email[];
}

export function recordEntry(record: CaseRecord, atMs: number, type: string, by: string, details?: string): void {
  record.audit.push(details === undefined ? { atMs, type, by } : { atMs, type, by, details });
}

/** The prefix of every idempotency key the case uses: its workflow id. */
export function caseKey(record: Pick<CaseRecord, 'product' | 'caseId'>): string {
  return caseWorkflowId(record.product, record.caseId);
}

/** An instant as the customer reads it: ISO 8601 with the customer's offset (D-18). */
export function localInstant(record: Pick<CaseRecord, 'timeZone'>, ms: number): string {
  return formatInstant(ms, new ZoneOffsets(record.timeZone));
}
