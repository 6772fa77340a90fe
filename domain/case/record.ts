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
  /** The newest entries; the older ones are archived outside the workflow (AUDIT_KEPT). */
  audit: AuditEntry[];
  /** How many of the oldest entries were archived: `audit[0]` is entry number `auditArchived`. */
  auditArchived?: number;
  /**
   * Ids of the latest updates applied, newest last, carried through continue-as-new: Temporal
   * answers a repeated update id once per run only, and an Idempotency-Key must hold across runs.
   */
  recentUpdateIds?: string[];
  outbox: Email[];
}

/** A retry with the same Idempotency-Key is recognised within this many later actions. */
export const RECENT_UPDATE_IDS = 256;

export function updateAlreadyApplied(record: Pick<CaseRecord, 'recentUpdateIds'>, updateId: string): boolean {
  return record.recentUpdateIds?.includes(updateId) ?? false;
}

export function rememberUpdate(record: Pick<CaseRecord, 'recentUpdateIds'>, updateId: string): void {
  const ids = (record.recentUpdateIds ??= []);
  ids.push(updateId);
  if (ids.length > RECENT_UPDATE_IDS) ids.splice(0, ids.length - RECENT_UPDATE_IDS);
}

/**
 * A case keeps at least this many of its newest audit entries in its state, and archives the
 * oldest in pages of AUDIT_PAGE once it holds AUDIT_KEPT + AUDIT_PAGE: its state and every
 * continue-as-new stay bounded whatever the number of actions, and nothing is dropped (D-19).
 */
export const AUDIT_KEPT = 200;
export const AUDIT_PAGE = 100;

/** The oldest page of the audit when it is due for the archive, with its sequence number. */
export function auditPageDue(record: Pick<CaseRecord, 'audit' | 'auditArchived'>): { firstSequence: number; entries: AuditEntry[] } | null {
  if (record.audit.length < AUDIT_KEPT + AUDIT_PAGE) return null;
  return { firstSequence: record.auditArchived ?? 0, entries: record.audit.slice(0, AUDIT_PAGE) };
}

/** Drops the page the archive now holds. */
export function auditPageArchived(record: Pick<CaseRecord, 'audit' | 'auditArchived'>, count: number): void {
  record.audit.splice(0, count);
  record.auditArchived = (record.auditArchived ?? 0) + count;
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
