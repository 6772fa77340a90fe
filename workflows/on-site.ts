/**
 * An on-site visit (`onsite-<caseId>`, M003-5, M003-6, M002-4, C8): the body reads as the seed's
 * ten steps in order. The case's clock (its arrival window among them), notices and closing run
 * beside the steps (case-runtime); nothing is changed on the customer's system before the
 * customer consents to the solution, and the visit ends with the signed work order.
 */
import { CancellationScope, defineQuery, setHandler, workflowInfo } from '@temporalio/workflow';
import { escalate, tierName } from '../domain/case/escalation';
import { giveSolution } from '../domain/case/closing';
import { SYSTEM, localInstant } from '../domain/case/record';
import { onSiteActionSchemas } from '../domain/on-site-actions';
import {
  ON_SITE_ANYTIME,
  type OnSiteAction,
  type OnSiteCase,
  type OnSiteIntake,
  type OnSiteStep,
  materialsFormContent,
  onSiteEmails,
  onSitePhase,
  openOnSiteCase,
  workOrderContent,
} from '../domain/on-site-case';
import { PolicyCalendars } from '../domain/sla-windows';
import { runBeside } from './case-runtime';
import { type ProductResult, local, openOrInvalidIntake, openProductCase, productMessages } from './product-case';

export const { signals: onSiteSignals, updates: onSiteUpdates } = productMessages(onSiteActionSchemas);
export const onSiteStateQuery = defineQuery<OnSiteCase>('state');

export async function onSiteWorkflow(intake: OnSiteIntake): Promise<ProductResult> {
  const calendars = new PolicyCalendars(intake.policy);
  const state = openOrInvalidIntake(() => openOnSiteCase(intake, Date.now(), calendars));
  const workflowId = workflowInfo().workflowId;
  const product = openProductCase<OnSiteAction, OnSiteCase>({
    product: 'on-site',
    state,
    calendars,
    schemas: onSiteActionSchemas,
    messages: { signals: onSiteSignals, updates: onSiteUpdates },
    anytime: ON_SITE_ANYTIME,
  });
  const { changes, inbox, audit, meet } = product;
  const step = (name: OnSiteStep) => product.step(name);
  setHandler(onSiteStateQuery, () => state);

  let outcomeText = '';
  let cancelled = false;
  const beside = {
    status: () => onSitePhase(state.step),
    detail: () => `${onSitePhase(state.step)} · step ${state.step}${state.awaiting.length > 0 ? `, waits for ${state.awaiting.join(' or ')}` : ''}`,
    calendars: () => calendars,
    describe: `on-site visit: ${state.situation.slice(0, 200)}`,
  };
  await runBeside(state, changes, beside, async () => {
    try {
      // 1. The appointment (M004-13): the visit accepts the case; the customer is told when.
      const appointment = await inbox.next(['agree-appointment']);
      state.appointment = { atMs: Date.parse(appointment.at), by: appointment.by };
      audit('appointment-agreed', appointment.by, appointment.at);
      state.outbox.push(onSiteEmails.appointment(state, state.appointment.atMs));
      product.accepted(appointment.by);

      // 2. Arrival, the identity accepted by the customer; an appointment that cannot be kept is moved with the reason.
      await arrival();
      // 3. The customer states the problem.
      step('problem');
      const problem = await inbox.next(['state-problem']);
      state.problem = problem.problem;
      audit('problem-stated', problem.by, problem.problem);

      // 4. Backup, with the customer's permission (C6).
      step('backup');
      const permission = await inbox.next(['permit-backup']);
      state.backup = { permittedBy: permission.by };
      audit('backup-permitted', permission.by, permission.note);
      const backup = await inbox.next(['report-backup']);
      state.backup = { ...state.backup, doneBy: backup.by, atMs: Date.now() };
      audit('backup-reported', backup.by, backup.note);

      // 5. Diagnosis; 6. the solution proposed, nothing changed before the customer consents (M004-19).
      step('diagnosis');
      const diagnosis = await inbox.next(['report-diagnosis']);
      state.diagnosis = diagnosis.diagnosis;
      audit('diagnosed', diagnosis.by, diagnosis.diagnosis);
      await consentedSolution();

      for (;;) {
        // 7. The fix (an expert consultation, materials, or a fault escalated when it cannot be fixed at once).
        const fix = await fixed();
        if (state.events.includes('solution')) giveSolution(state, fix.workDone, fix.by, Date.now(), calendars);
        // 8. Full system check; 9. cause, prevention and solution on the record (M002-4).
        step('system-check');
        const check = await inbox.next(['report-system-check']);
        state.systemCheck = { result: check.result, by: check.by };
        audit('system-checked', check.by, check.result);
        step('findings');
        const findings = await inbox.next(['record-findings']);
        state.findings = { cause: findings.cause, prevention: findings.prevention, solution: findings.solution, by: findings.by };
        audit('findings-recorded', findings.by, `cause: ${findings.cause}; prevention: ${findings.prevention}; solution: ${findings.solution}`);
        // 10. The customer confirms; a rejection sends the engineer back to the fix.
        step('confirmation');
        if (await product.resolutionConfirmed()) break;
      }

      // Prevention advice, then the work order 《客服维护工作单》 and the materials form, signed (M003-5, M002-4).
      step('advice');
      const advice = await inbox.next(['give-advice']);
      state.advice = { text: advice.advice, by: advice.by };
      state.workEndedMs = Date.now();
      audit('advice-given', advice.by, advice.advice);
      await signedDocuments();
      state.outcome = 'solved';
      outcomeText = state.fixes.at(-1)?.workDone ?? '';
    } catch (error) {
      const ending = product.stepsEnded(error, 'The on-site visit was cancelled');
      cancelled = ending.cancelled;
      if (ending.text !== undefined) outcomeText = ending.text;
      // A cancellation is rethrown once the case that handed it over has heard (below).
      if (ending.rethrow) throw error;
    } finally {
      if (cancelled) await CancellationScope.nonCancellable(() => product.reportCancelled(outcomeText));
    }
    product.finish(outcomeText, closeReasonOf(state), state.fixes.at(-1)?.by ?? SYSTEM);
    await product.reportsSettled();
  });
  return product.result();

  /**
   * Until the engineer is on site and the customer has accepted who came. A rescheduled appointment
   * is recorded and told with its reason; the arrival window keeps its contractual due instant.
   */
  async function arrival(): Promise<void> {
    for (;;) {
      step('arrival');
      const next = await inbox.next(['arrive', 'reschedule']);
      if (next.type === 'reschedule') {
        const fromMs = state.appointment!.atMs;
        const toMs = Date.parse(next.at);
        const inAdvance = Date.now() < fromMs;
        state.reschedules.push({ fromMs, toMs, reason: next.reason, by: next.by, atMs: Date.now(), inAdvance });
        state.appointment = { atMs: toMs, by: next.by };
        state.outbox.push(onSiteEmails.rescheduled(state, fromMs, toMs, next.reason));
        const due = state.windows.find((window) => window.metBy === 'arrival' && window.metMs === null && window.dueMs !== null)?.dueMs;
        audit(
          inAdvance ? 'rescheduled' : 'rescheduled-late',
          next.by,
          `${localInstant(state, fromMs)} → ${localInstant(state, toMs)}: ${next.reason}${inAdvance ? '' : ' (told after the appointment had passed)'}${due ? `; the arrival stays due ${localInstant(state, due)}` : ''}`,
        );
        continue;
      }
      state.arrival = { by: next.by, identity: next.identity, atMs: Date.now(), travelMinutes: next.travelMinutes };
      audit('arrived', next.by, `identity shown: ${next.identity}; travel ${next.travelMinutes} min`);
      step('identity');
      const identity = await inbox.next(['accept-identity', 'refuse-identity']);
      if (identity.type === 'accept-identity') {
        state.arrival = { ...state.arrival, acceptedBy: identity.by, acceptedMs: Date.now() };
        audit('identity-accepted', identity.by, identity.note);
        meet('arrival', state.arrival.by);
        return;
      }
      state.refusedArrivals.push({ by: state.arrival.by, identity: state.arrival.identity, reason: identity.reason, atMs: Date.now() });
      state.arrival = undefined;
      audit('identity-refused', identity.by, identity.reason);
    }
  }

  async function consentedSolution(): Promise<void> {
    for (;;) {
      step('solution');
      const proposal = await inbox.next(['propose-solution']);
      state.proposals.push({ solution: proposal.solution, by: proposal.by });
      audit('solution-proposed', proposal.by, proposal.solution);
      const answer = await inbox.next(['consent-solution', 'decline-solution']);
      const proposed = state.proposals.at(-1)!;
      if (answer.type === 'consent-solution') {
        proposed.consentBy = answer.by;
        audit('solution-consented', answer.by, answer.note);
        return;
      }
      proposed.declined = answer.reason;
      audit('solution-declined', answer.by, answer.reason);
    }
  }

  /** The fix: materials and consultations on the way; a fault not fixable at once goes up a tier at once. */
  async function fixed(): Promise<Extract<OnSiteAction, { type: 'report-fix' }>> {
    for (;;) {
      step('fix');
      const next = await inbox.next(['report-fix', 'request-consultation', 'record-materials']);
      if (next.type === 'record-materials') {
        state.materials.push(...next.items.map((item) => ({ ...item, by: next.by })));
        audit('materials-recorded', next.by, next.items.map((item) => `${item.name} × ${item.quantity} ${item.unit}`).join(', '));
        continue;
      }
      if (next.type === 'request-consultation') {
        state.consultations.push({ expert: next.expert, reason: next.reason, by: next.by });
        audit('consultation-requested', next.by, `${next.expert}: ${next.reason}`);
        // The service manager approves an expert consultation (M003-6).
        const decision = await inbox.next(['approve-consultation', 'decline-consultation']);
        const consultation = state.consultations.at(-1)!;
        if (decision.type === 'approve-consultation') consultation.approvedBy = decision.by;
        else consultation.declined = decision.reason;
        audit(
          decision.type === 'approve-consultation' ? 'consultation-approved' : 'consultation-declined',
          decision.by,
          decision.type === 'approve-consultation' ? decision.note : decision.reason,
        );
        continue;
      }
      state.fixes.push({ outcome: next.outcome, workDone: next.workDone, by: next.by, atMs: Date.now() });
      if (next.outcome === 'fixed') {
        audit('fixed', next.by, next.workDone);
        return next;
      }
      // Not fixable at once (no spare parts, cause unknown): explained, and up to the direct supervisor at once (M002-8).
      audit('not-fixable', next.by, next.workDone);
      escalate(state, Date.now(), calendars, { cause: 'engineer', dueMs: Date.now(), by: next.by, reason: `not fixable at once: ${next.workDone}` });
      state.outbox.push(onSiteEmails.notFixable(state, next.workDone, tierName(state)));
    }
  }

  /** The work order (customer copy) and, with materials, their form: produced, signed, the signed copy e-mailed. */
  async function signedDocuments(): Promise<void> {
    step('work-order');
    const order = await local('Service work order (PDF)').produceDocument({ documentId: `${workflowId}.work-order`, content: workOrderContent(state) });
    state.workOrder = { documentId: order.documentId, sha256: order.sha256 };
    if (state.materials.length > 0) {
      const form = await local('Supplementary materials form (PDF)').produceDocument({ documentId: `${workflowId}.materials-form`, content: materialsFormContent(state) });
      state.materialsForm = { documentId: form.documentId, sha256: form.sha256 };
    }
    audit('work-order-produced', SYSTEM, `${order.documentId}, SHA-256 ${order.sha256}${state.materialsForm ? `; ${state.materialsForm.documentId}` : ''}`);
    state.workOrder = await product.signed(state.workOrder, 'sign-work-order', `/on-site/${state.caseId}/work-order-scan`, 'work-order-signed');
    state.outbox.push(onSiteEmails.workOrder(state, state.workOrder));
    if (state.materialsForm) {
      state.materialsForm = await product.signed(state.materialsForm, 'sign-materials-form', `/on-site/${state.caseId}/materials-form-scan`, 'materials-form-signed');
    }
  }
}

function closeReasonOf(state: OnSiteCase): string {
  if (state.outcome === 'withdrawn') return 'Withdrawn by the customer';
  return state.parent ? `Handed back to ${state.parent.workflowId}` : 'The on-site visit ended';
}
