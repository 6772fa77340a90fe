/** The on-site case as the API shows it: the core's view with the visit's own record and what the work order charges. */
import { caseCoreView } from './case/view';
import { type OnSiteCase, billingLines, minutesOnSite } from './on-site-case';
import { ZoneOffsets, formatInstant } from './time-zone';

export function onSiteCaseView(state: OnSiteCase, nowMs: number) {
  const zone = new ZoneOffsets(state.timeZone);
  const at = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : formatInstant(ms, zone));
  const signed = (document: OnSiteCase['workOrder']) =>
    document && { documentId: document.documentId, sha256: document.sha256, signedBy: document.signedBy ?? null, method: document.method ?? null, signedAt: at(document.signedAtMs) };
  return {
    ...caseCoreView(state, nowMs),
    step: state.step,
    awaiting: state.awaiting,
    situation: state.situation,
    site: state.site,
    trigger: state.trigger,
    purpose: state.purpose,
    parent: state.parent?.workflowId ?? null,
    appointment: state.appointment && { at: at(state.appointment.atMs), by: state.appointment.by },
    reschedules: state.reschedules.map((change) => ({ from: at(change.fromMs), to: at(change.toMs), reason: change.reason, by: change.by, at: at(change.atMs), inAdvance: change.inAdvance })),
    arrival: state.arrival && {
      by: state.arrival.by,
      identity: state.arrival.identity,
      at: at(state.arrival.atMs),
      travelMinutes: state.arrival.travelMinutes,
      acceptedBy: state.arrival.acceptedBy ?? null,
      acceptedAt: at(state.arrival.acceptedMs),
    },
    refusedArrivals: state.refusedArrivals.map((refused) => ({ by: refused.by, identity: refused.identity, reason: refused.reason, at: at(refused.atMs) })),
    problem: state.problem ?? null,
    backup: state.backup && { permittedBy: state.backup.permittedBy, doneBy: state.backup.doneBy ?? null, at: at(state.backup.atMs) },
    diagnosis: state.diagnosis ?? null,
    proposals: state.proposals,
    consultations: state.consultations,
    materials: state.materials,
    fixes: state.fixes.map((fix) => ({ outcome: fix.outcome, workDone: fix.workDone, by: fix.by, at: at(fix.atMs) })),
    systemCheck: state.systemCheck ?? null,
    findings: state.findings ?? null,
    advice: state.advice ?? null,
    minutesOnSite: minutesOnSite(state),
    billing: { terms: state.billing, servicePeriod: state.servicePeriod ?? null, lines: billingLines(state) },
    workOrder: signed(state.workOrder) ?? null,
    materialsForm: signed(state.materialsForm) ?? null,
    outcome: state.outcome ?? null,
  };
}
