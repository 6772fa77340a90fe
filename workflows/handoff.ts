/**
 * Handing a case to another product and hearing back from it: the case starts the product as a
 * child with its policy snapshot; the product reports by a signal addressed by the case's workflow
 * id (not its run), so the case may continue as new while the product runs.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, defineSignal, getExternalWorkflowHandle, log, startChild } from '@temporalio/workflow';
import type { HandingCase, ParentCase, ProductIntake, ProductReport } from '../domain/case/handoff';
import { eventsOwnedByCase } from '../domain/case/handoff';
import { SYSTEM, recordEntry } from '../domain/case/record';
import { caseWorkflowId } from '../domain/products';
import type { ServicePeriod } from '../domain/entitlement';
import type { OnSiteIntake } from '../domain/on-site-case';
import type { RemoteIntake } from '../domain/remote-case';

export const productReportSignal = defineSignal<[ProductReport]>('product-report');

/** The workflow type each product runs (by name: the products import this module). */
const WORKFLOW_TYPES = { remote: 'remoteWorkflow', 'on-site': 'onSiteWorkflow' } as const;

/**
 * Starts the products the case was handed to since the last effects; `servicePeriod`: the period
 * the case was reported in (a visit inside one may be free).
 */
export async function startHandoffs(state: HandingCase, owner: string, servicePeriod?: ServicePeriod): Promise<void> {
  for (const handoff of state.handoffs ?? []) {
    if (handoff.state !== 'starting') continue;
    const parent: ParentCase = { workflowId: caseWorkflowId(state.product, state.caseId), product: state.product, ownsEvents: eventsOwnedByCase(state, handoff.to) };
    const common: ProductIntake = {
      caseId: handoff.caseId,
      customer: state.customer,
      timeZone: state.timeZone,
      policy: state.policy,
      severity: state.severity,
      reportedMs: state.reportedMs,
      openedBy: owner,
      situation: handoff.situation,
      ...(state.channel && { channel: state.channel }),
      ...(state.contract && { contract: state.contract }),
      ...(state.notices && { notices: state.notices }),
      parent,
    };
    const intake: RemoteIntake | OnSiteIntake = handoff.to === 'remote' ? common : { ...common, site: handoff.site!, trigger: 'transfer', ...(servicePeriod && { servicePeriod }) };
    try {
      await startChild(WORKFLOW_TYPES[handoff.to], {
        workflowId: handoff.workflowId,
        // The case may continue as new (or close) while the product runs: the product goes on.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        args: [intake],
        staticSummary: `${handoff.to} for case ${state.caseId} · ${state.customer.name}`,
        staticDetails: handoff.situation.slice(0, 500),
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      // That product case runs already (started directly): the hand-over ends, the case stays here.
      handoff.state = 'failed';
      recordEntry(state, Date.now(), 'handoff-refused', SYSTEM, `${handoff.workflowId} is running already; the case stays with ${owner}`);
      continue;
    }
    handoff.state = 'running';
    recordEntry(state, Date.now(), 'handoff-started', SYSTEM, handoff.workflowId);
  }
}

/** Tells the case that handed this one over; a case that has ended meanwhile is noted, not an error. */
export async function reportToParent(parent: ParentCase | undefined, report: ProductReport): Promise<void> {
  if (!parent) return;
  try {
    await getExternalWorkflowHandle(parent.workflowId).signal(productReportSignal, report);
  } catch (error) {
    log.warn('The case that handed this one over did not take the report', { parent: parent.workflowId, report: report.kind, error: (error as Error).message });
  }
}
