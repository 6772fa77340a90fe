/** The archived part of a workflow's growing record (activities/audit-archive.ts), as the API reads it. */
import { readArchivedAudit } from '../activities/audit-archive';
import { HttpError } from './errors';

/**
 * The oldest `archivedCount` entries of a workflow's record (`what` names them in the error), of
 * which at least the first `needed` must be readable here; else 503: this API does not see the
 * worker's archive (AFTERCARE_AUDIT_DIR).
 */
export async function archivedEntries<T>(directory: string, workflowId: string, archivedCount: number, what: string, needed = archivedCount): Promise<T[]> {
  if (needed <= 0) return [];
  const entries = (await readArchivedAudit<T>(directory, workflowId)).slice(0, archivedCount);
  if (entries.length < needed) {
    throw new HttpError(503, 'archive_unreadable', `The ${archivedCount} oldest ${what} are archived where this API cannot read them; AFTERCARE_AUDIT_DIR must be the worker's`);
  }
  return entries;
}
