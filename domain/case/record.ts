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

/** How much of a growing record stays in a workflow's state; the oldest go to the archive in pages. */
export interface ArchiveBounds {
  keptEntries: number;
  /** JSON characters kept, whatever the entries' length. */
  keptChars: number;
  pageEntries: number;
  /** A page stays far below Temporal's payload limit (2 MB). */
  pageChars: number;
}

/**
 * A case keeps its newest audit entries in its state and archives the oldest once it holds half
 * as much again: its state and every continue-as-new stay bounded whatever the number and length
 * of actions, and nothing is dropped (D-19).
 */
export const AUDIT_BOUNDS: ArchiveBounds = { keptEntries: 200, keptChars: 128 * 1024, pageEntries: 100, pageChars: 128 * 1024 };
export const AUDIT_KEPT = AUDIT_BOUNDS.keptEntries;

/** The oldest page of `entries` when one is due for the archive, with its sequence number. */
export function archivePageDue<T>(entries: readonly T[], archivedSoFar: number | undefined, bounds: ArchiveBounds): { firstSequence: number; entries: T[] } | null {
  const sizes = entries.map((entry) => JSON.stringify(entry).length);
  let chars = sizes.reduce((total, size) => total + size, 0);
  if (entries.length < bounds.keptEntries * 1.5 && chars < bounds.keptChars * 1.5) return null;
  let count = 0;
  let pageChars = 0;
  // Oldest first, until what stays is within bounds or the page is full (one entry at least).
  while (
    count < sizes.length &&
    (entries.length - count > bounds.keptEntries || chars > bounds.keptChars) &&
    count < bounds.pageEntries &&
    (count === 0 || pageChars + sizes[count] <= bounds.pageChars)
  ) {
    pageChars += sizes[count];
    chars -= sizes[count];
    count += 1;
  }
  return { firstSequence: archivedSoFar ?? 0, entries: entries.slice(0, count) };
}

export function auditPageDue(record: Pick<CaseRecord, 'audit' | 'auditArchived'>): { firstSequence: number; entries: AuditEntry[] } | null {
  return archivePageDue(record.audit, record.auditArchived, AUDIT_BOUNDS);
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
