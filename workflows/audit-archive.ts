/**
 * The audit archive as every case calls it: the oldest page of its audit leaves the workflow's
 * state for the archive (activities/audit-archive.ts), so state and continue-as-new stay bounded.
 */
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { type CaseRecord, auditPageArchived, auditPageDue } from '../domain/case/record';

const { archiveAudit } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** Patch id: a case archives the oldest page of a long audit (runs before kept it whole). */
const AUDIT_ARCHIVE = 'audit-archive';

/** Archives every page that is due; entries recorded meanwhile stay, as they are newer. */
export async function archiveDueAudit(record: Pick<CaseRecord, 'audit' | 'auditArchived'>): Promise<void> {
  // Asked only when a page is due: a run that never grows that long records no marker.
  for (let page = auditPageDue(record); page !== null && patched(AUDIT_ARCHIVE); page = auditPageDue(record)) {
    await archiveAudit({ workflowId: workflowInfo().workflowId, ...page });
    auditPageArchived(record, page.entries.length);
  }
}
