/** The hotline case as the API shows it: the core's view with the hotline's own status, problem and hand-overs. */
import { caseCoreView } from './case/view';
import type { HotlineCase } from './hotline-case';
import { ZoneOffsets, formatInstant } from './time-zone';

export function hotlineCaseView(state: HotlineCase, nowMs: number) {
  const { stage: _stage, ...core } = caseCoreView(state, nowMs);
  const zone = new ZoneOffsets(state.timeZone);
  return {
    ...core,
    status: state.status,
    owner: state.owner,
    problem: state.problem,
    entitlement: state.entitlement,
    // Each product the case was handed to (M003-3), with where its own case is read.
    handoffs: (state.handoffs ?? []).map((handoff) => ({
      to: handoff.to,
      caseId: handoff.caseId,
      workflowId: handoff.workflowId,
      state: handoff.state,
      situation: handoff.situation,
      site: handoff.site ?? null,
      by: handoff.by,
      at: formatInstant(handoff.atMs, zone),
      acceptedBy: handoff.acceptedBy ?? null,
      read: `/${handoff.to}/${encodeURIComponent(handoff.caseId)}`,
    })),
  };
}

export type HotlineCaseView = ReturnType<typeof hotlineCaseView>;
