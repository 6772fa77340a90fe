/** The remote case as the API shows it: the core's view with the remote steps' own record; the login shows only that it is sealed. */
import { caseCoreView } from './case/view';
import type { RemoteCase } from './remote-case';
import { ZoneOffsets, formatInstant } from './time-zone';

export function remoteCaseView(state: RemoteCase, nowMs: number) {
  const zone = new ZoneOffsets(state.timeZone);
  const at = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : formatInstant(ms, zone));
  return {
    ...caseCoreView(state, nowMs),
    step: state.step,
    awaiting: state.awaiting,
    situation: state.situation,
    parent: state.parent?.workflowId ?? null,
    terms: state.terms,
    appointment: state.appointment && { at: at(state.appointment.atMs), by: state.appointment.by },
    scope: state.scope ?? null,
    target: state.target ?? null,
    login: state.login ? { sealed: !state.login.destroyed, keyId: state.login.keyId } : null,
    backup: state.backup && { by: state.backup.by, at: at(state.backup.atMs) },
    sessions: state.sessions.map((session) => ({
      port: session.port,
      openedAt: at(session.openedMs),
      closesAt: at(session.closesAtMs),
      closedAt: at(session.closedMs),
      closedBecause: session.closedBecause,
    })),
    work: state.work && { outcome: state.work.outcome, workDone: state.work.workDone, patches: state.work.patches, by: state.work.by, at: at(state.work.atMs) },
    advice: state.advice ?? null,
    report: state.report ?? null,
    confirmation: state.confirmation && {
      documentId: state.confirmation.documentId,
      sha256: state.confirmation.sha256,
      signedBy: state.confirmation.signedBy ?? null,
      method: state.confirmation.method ?? null,
      signedAt: at(state.confirmation.signedAtMs),
    },
    outcome: state.outcome ?? null,
  };
}
