/**
 * The archive as every workflow with a growing record calls it: the oldest page of a case's audit or
 * a contract's amendments leaves the workflow's state for the archive (activities/audit-archive.ts),
 * so state and continue-as-new stay bounded.
 */
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { type CaseRecord, auditPageArchived, auditPageDue } from '../domain/case/record';

const { archiveAudit } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * Archives every page that is due; entries recorded meanwhile stay, as they are newer. The patch is
 * asked only when a page is due: a run that never grows that long records no marker, and runs that
 * grew long before the archive existed replay without it.
 */
export async function archiveDuePages(patchId: string, pageDue: () => { firstSequence: number; entries: unknown[] } | null, archived: (count: number) => void): Promise<void> {
  for (let page = pageDue(); page !== null && patched(patchId); page = pageDue()) {
    await archiveAudit({ workflowId: workflowInfo().workflowId, ...page });
    archived(page.entries.length);
  }
}

/** Patch id: a case archives the oldest page of a long audit (runs before kept it whole). */
const AUDIT_ARCHIVE = 'audit-archive';

export function archiveDueAudit(record: Pick<CaseRecord, 'audit' | 'auditArchived'>): Promise<void> {
  return archiveDuePages(
    AUDIT_ARCHIVE,
    () => auditPageDue(record),
    (count) => auditPageArchived(record, count),
  );
}
