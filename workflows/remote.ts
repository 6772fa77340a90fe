/**
 * Remote maintenance (`remote-<caseId>`, R-003-3, M002-3, M001-2): the body reads as the seed's
 * steps in order. The case's clock, notices and closing run beside the steps (case-runtime); the
 * remote port is closed whatever happens — work failed, customer withdrew, workflow cancelled —
 * and the login details never enter history: the API seals them, only their reference is here.
 */
import { ApplicationFailure, CancellationScope, defineQuery, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { giveSolution } from '../domain/case/closing';
import { SYSTEM } from '../domain/case/record';
import { remoteActionSchemas } from '../domain/remote-actions';
import {
  REMOTE_ANYTIME,
  type RemoteAction,
  type RemoteCase,
  type RemoteIntake,
  type RemoteStep,
  confirmationContent,
  openRemoteCase,
  remoteEmails,
  remoteReportContent,
} from '../domain/remote-case';
import { PolicyCalendars } from '../domain/sla-windows';
import { runBeside } from './case-runtime';
import { type ProductResult, local, openOrInvalidIntake, openProductCase, productMessages } from './product-case';

/** Patch id: failed remote work closes the case and tells the case that handed it over (runs before ended at once). */
const FAILED_WORK_CLOSES = 'remote-failed-work-closes';

export const { signals: remoteSignals, updates: remoteUpdates } = productMessages(remoteActionSchemas);
export const remoteStateQuery = defineQuery<RemoteCase>('state');

/** The port opens in a worker, retried briefly; each activity is labelled in the Web UI. */
const access = (summary: string) => proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 5 }, summary });
export async function remoteWorkflow(intake: RemoteIntake): Promise<ProductResult> {
  const calendars = new PolicyCalendars(intake.policy);
  const state = openOrInvalidIntake(() => openRemoteCase(intake, Date.now(), calendars));
  const workflowId = workflowInfo().workflowId;
  const product = openProductCase<RemoteAction, RemoteCase>({
    product: 'remote',
    state,
    calendars,
    schemas: remoteActionSchemas,
    messages: { signals: remoteSignals, updates: remoteUpdates },
    anytime: REMOTE_ANYTIME,
    signalRefusal: (type) => (type === 'authorise' ? { type: 'InvalidState', message: 'Login details are sealed by the API, which sends only their reference as an update' } : null),
  });
  const { changes, inbox, audit, meet } = product;
  const step = (name: RemoteStep) => product.step(name);
  setHandler(remoteStateQuery, () => state);

  let outcomeText = '';
  let cancelled = false;
  const beside = { status: () => state.step, calendars: () => calendars, describe: `remote maintenance: ${state.situation.slice(0, 200)}` };
  await runBeside(state, changes, beside, async () => {
    try {
      await walkSteps();
      if (state.outcome === 'failed' && !patched(FAILED_WORK_CLOSES)) return;
    } catch (error) {
      const ending = product.stepsEnded(error, 'The remote maintenance was cancelled');
      cancelled = ending.cancelled;
      if (ending.text !== undefined) outcomeText = ending.text;
      // A cancellation is rethrown once the case that handed it over has heard (below).
      if (ending.rethrow) throw error;
    } finally {
      // Whatever ended the steps, even a cancellation: the port is closed and the sealed login destroyed.
      await CancellationScope.nonCancellable(async () => {
        await closeOpenSession('the case ended');
        await destroyLogin();
        if (cancelled) await product.reportCancelled(outcomeText);
      });
    }
    // 10. The customer is told to change the login password (M002-3).
    if (state.sessions.length > 0) state.outbox.push(remoteEmails.changePassword(state));
    product.finish(outcomeText, closeReasonOf(state), state.work?.by ?? SYSTEM);
    await product.reportsSettled();
  });
  return product.result();

  /** The seed's steps in order; they end early when the remote work failed. */
  async function walkSteps(): Promise<void> {
    // 1. The appointment (M004-13): the product accepts the case; the customer is told when.
    const appointment = await inbox.next(['agree-appointment']);
    state.appointment = { atMs: Date.parse(appointment.at), by: appointment.by };
    audit('appointment-agreed', appointment.by, appointment.at);
    state.outbox.push(remoteEmails.appointment(state, state.appointment.atMs));
    product.accepted(appointment.by);

    // 2. The customer states what is to be maintained (M003-4).
    step('scope');
    const scope = await inbox.next(['state-scope']);
    state.scope = scope.scope;
    audit('scope-stated', scope.by, scope.scope);

    // 3.–5. Authorisation, backup before any work (C6), remote work; the port closes when it ends.
    for (;;) {
      if (!state.login || state.login.destroyed) {
        step('authorisation');
        const authorisation = await inbox.next(['authorise']);
        state.target = authorisation.target;
        state.login = { reference: authorisation.loginReference, keyId: authorisation.keyId, destroyed: false };
        audit('authorised', authorisation.by, `access to ${authorisation.target.host}:${authorisation.target.port}, login details sealed (key ${authorisation.keyId})`);
      }
      if (!state.backup) {
        step('backup');
        const backup = await inbox.next(['report-backup']);
        state.backup = { by: backup.by, atMs: Date.now() };
        audit('backup-reported', backup.by, `${state.terms.backupBy === 'customer' ? 'The customer' : 'The engineer'} backed up before any work${backup.note ? `: ${backup.note}` : ''}`);
      }
      step('remote-work');
      const work = await remoteSession();
      if (work === 'not-opened') continue;
      state.work = { outcome: work.outcome, workDone: work.workDone, patches: work.patches, by: work.by, atMs: Date.now() };
      audit(work.outcome === 'done' ? 'remote-work-done' : 'remote-work-failed', work.by, `${work.workDone}${work.patches.length > 0 ? `; patches: ${work.patches.join(', ')}` : ''}`);
      if (work.outcome === 'failed') {
        state.outcome = 'failed';
        outcomeText = work.workDone;
        return;
      }
      if (state.events.includes('solution')) giveSolution(state, work.workDone, work.by, Date.now(), calendars);

      // 6. The customer confirms the resolution; a rejection sends the engineer back to work.
      step('resolution');
      if (await product.resolutionConfirmed()) break;
    }

    // 7. Prevention advice (M003-4), 8. the report, e-mailed to the customer.
    step('advice');
    const advice = await inbox.next(['give-advice']);
    state.advice = { text: advice.advice, by: advice.by };
    audit('advice-given', advice.by, advice.advice);
    const produced = await local('Remote maintenance report (PDF)').produceDocument({ documentId: `${workflowId}.report`, content: remoteReportContent(state) });
    state.report = { documentId: produced.documentId, sha256: produced.sha256 };
    audit('report-produced', SYSTEM, `${produced.documentId}, SHA-256 ${produced.sha256}`);
    state.outbox.push(remoteEmails.report(state, state.report));

    // 9. The customer's signed confirmation 《客户故障维护确认书》 (M002-3, C12).
    step('confirmation');
    const form = await local('Maintenance confirmation form (PDF)').produceDocument({ documentId: `${workflowId}.confirmation`, content: confirmationContent(state) });
    state.confirmation = { documentId: form.documentId, sha256: form.sha256 };
    state.confirmation = await product.signed(state.confirmation, 'sign-confirmation', `/remote/${state.caseId}/confirmation-scan`, 'confirmation-signed');
    state.outcome = 'solved';
    outcomeText = state.work?.workDone ?? '';
  }

  /**
   * One remote session: the port opens (remote work starts), the engineer reports the work, and
   * the port closes as soon as the work ends, or by itself at the session's time limit.
   */
  async function remoteSession(): Promise<Extract<RemoteAction, { type: 'report-work' }> | 'not-opened'> {
    const openedMs = Date.now();
    const closesAtMs = openedMs + state.terms.sessionLimitMinutes * 60_000;
    try {
      const opened = await access('Open the remote port').openRemoteAccess({ sessionId: workflowId, loginReference: state.login!.reference, target: state.target!, closesAtMs });
      state.sessions.push({ host: opened.host, port: opened.port, gatewayQueue: opened.gatewayQueue, openedMs, closesAtMs: opened.closesAtMs, closedMs: null, closedBecause: null });
    } catch (error) {
      const failure = error instanceof ApplicationFailure ? error : error instanceof Error && error.cause instanceof ApplicationFailure ? error.cause : null;
      if (!failure) throw error;
      // The authorisation no longer holds (details missing or unreadable): ask for it again.
      audit('remote-access-refused', SYSTEM, `${failure.type}: ${failure.message}`);
      state.login!.destroyed = true;
      return 'not-opened';
    }
    audit('remote-access-opened', SYSTEM, `127.0.0.1:${state.sessions.at(-1)!.port} until ${new Date(closesAtMs).toISOString()}`);
    meet('remote-start', state.appointment?.by ?? SYSTEM);
    try {
      const inTime = await inbox.nextWithin(['report-work'], closesAtMs - Date.now(), 'Remote session time limit: the port closes by itself');
      if (inTime) return inTime;
      await closeOpenSession('the session reached its time limit');
      return await inbox.next(['report-work']);
    } finally {
      await CancellationScope.nonCancellable(() => closeOpenSession('the remote work ended'));
    }
  }

  async function closeOpenSession(because: string): Promise<void> {
    const session = state.sessions.at(-1);
    if (!session || session.closedMs !== null) return;
    try {
      // The port lives in the worker process that opened it: the close goes to that process's queue.
      await proxyActivities<Activities>({ taskQueue: session.gatewayQueue, scheduleToCloseTimeout: '2 minutes', summary: 'Close the remote port' }).closeRemoteAccess({ sessionId: workflowId });
      session.closedBecause = because;
    } catch {
      // That process is gone, and with it its port: nothing is left open.
      session.closedBecause = `${because}; the worker that held it had stopped`;
    }
    session.closedMs = Date.now();
    audit('remote-access-closed', SYSTEM, session.closedBecause);
  }

  async function destroyLogin(): Promise<void> {
    if (!state.login || state.login.destroyed) return;
    await local('Destroy the sealed login details').destroyLoginDetails({ loginReference: state.login.reference });
    state.login.destroyed = true;
    audit('login-destroyed', SYSTEM, state.login.reference);
  }
}

function closeReasonOf(state: RemoteCase): string {
  if (state.outcome === 'failed') return 'Remote maintenance could not solve the problem; an on-site visit may follow';
  if (state.outcome === 'withdrawn') return 'Withdrawn by the customer';
  return state.parent ? `Handed back to ${state.parent.workflowId}` : 'Remote maintenance ended';
}
