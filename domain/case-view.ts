/** The hotline case as the API shows it: the core's view with the hotline's own status and problem. */
import { caseCoreView } from './case/view';
import type { HotlineCase } from './hotline-case';

export function hotlineCaseView(state: HotlineCase, nowMs: number) {
  const { stage: _stage, ...core } = caseCoreView(state, nowMs);
  return { ...core, status: state.status, owner: state.owner, problem: state.problem, entitlement: state.entitlement };
}

export type HotlineCaseView = ReturnType<typeof hotlineCaseView>;
