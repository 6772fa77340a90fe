/**
 * Remote maintenance (`remote-<caseId>`, R-003-3, M002-3, M001-2): the body reads as the seed's
 * steps in order. The case's clock, notices and closing run beside the steps (case-runtime); the
 * remote port is closed whatever happens — work failed, customer withdrew, workflow cancelled —
 * and the login details never enter history: the API seals them, only their reference is here.
 */
import {
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  defineSignal,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities';
import { parseActionWith } from '../domain/actions';
import { meetEvent } from '../domain/case/clock';
import { closeCase, confirmSolution, giveSolution, rejectSolution } from '../domain/case/closing';
import type { ProductReport } from '../domain/case/handoff';
import { SYSTEM, recordEntry, rememberUpdate, updateAlreadyApplied } from '../domain/case/record';
import { REMOTE_ACTION_TYPES, type RemoteActionPayload, remoteActionSchemas } from '../domain/remote-actions';
import {
  REMOTE_ANYTIME,
  type RemoteAction,
  type RemoteActionType,
  type RemoteCase,
  type RemoteIntake,
  type RemoteStep,
  confirmationContent,
  openRemoteCase,
  remoteEmails,
  remoteRefusal,
  remoteReportContent,
} from '../domain/remote-case';
import type { MeetingEvent } from '../domain/sla-policy';
import { PolicyCalendars } from '../domain/sla-windows';
import { type ActionResult, Changes, handleActions, runBeside } from './case-runtime';
import { StepInbox, StepsEnded } from './case-steps';
import { businessFailure } from './failures';
import { reportToParent } from './handoff';

export interface RemoteResult {
  caseId: string;
  outcome: RemoteCase['outcome'] | 'closed';
  closeReason: string | null;
  breaches: RemoteCase['breaches'];
}

type RemoteSignals = { [T in RemoteActionType]: SignalDefinition<[RemoteActionPayload<T>]> };
type RemoteUpdates = { [T in RemoteActionType]: UpdateDefinition<ActionResult, [RemoteActionPayload<T>]> };
export const remoteSignals = Object.fromEntries(REMOTE_ACTION_TYPES.map((type) => [type, defineSignal(type)])) as RemoteSignals;
export const remoteUpdates = Object.fromEntries(REMOTE_ACTION_TYPES.map((type) => [type, defineUpdate(type)])) as RemoteUpdates;
export const remoteStateQuery = defineQuery<RemoteCase>('state');

/** The port opens in a worker, retried briefly; each activity is labelled in the Web UI. */
const access = (summary: string) => proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 5 }, summary });
/**
 * Short work on files the worker shares with the API (documents, sealed logins): local activities,
 * one marker each in history instead of a scheduled task and a workflow task to hear back.
 */
const local = (summary: string) => proxyLocalActivities<Activities>({ startToCloseTimeout: '1 minute', summary });

export async function remoteWorkflow(intake: RemoteIntake): Promise<RemoteResult> {
  const calendars = new PolicyCalendars(intake.policy);
  const state = openCase(intake, calendars);
  const workflowId = workflowInfo().workflowId;
  const changes = new Changes();
  const inbox = new StepInbox<RemoteAction>(state, changes, REMOTE_ANYTIME);
  const recordNotTaken = (entryType: string) => (by: string, type: RemoteActionType, message: string, nowMs: number) => {
    recordEntry(state, nowMs, entryType, by, `${type}: ${message}`);
    changes.bump();
  };
  handleActions<RemoteActionType, RemoteAction>({
    types: REMOTE_ACTION_TYPES,
    signals: remoteSignals,
    updates: remoteUpdates,
    parse: (type, payload) => parseActionWith(remoteActionSchemas, type, payload) as { action: RemoteAction } | { error: string },
    refusalOf: (action) => (inbox.holds(action.type) ? { type: 'InvalidState', message: `A ${action.type} was taken already and is being handled` } : remoteRefusal(state, action)),
    signalRefusal: (type) => (type === 'authorise' ? { type: 'InvalidState', message: 'Login details are sealed by the API, which sends only their reference as an update' } : null),
    state,
    apply: (action) => {
      inbox.accept(action);
      changes.bump();
    },
    ignored: recordNotTaken('ignored'),
    unexpected: recordNotTaken('unexpected-input'),
    result: () => ({ revision: changes.revision, status: state.step }),
    appliedUpdates: { has: (updateId) => updateAlreadyApplied(state, updateId), add: (updateId) => rememberUpdate(state, updateId) },
  });
  setHandler(remoteStateQuery, () => state);

  const step = (name: RemoteStep) => {
    state.step = name;
    changes.bump();
  };
  const audit = (type: string, by: string, details?: string) => {
    recordEntry(state, Date.now(), type, by, details);
    changes.bump();
  };
  /** An event meets this case's windows, or the parent's when the parent owns them (one window, R-002-1). */
  const meet = (event: MeetingEvent, by: string) => {
    meetEvent(state, event, Date.now(), calendars);
    if (state.parent?.ownsEvents.includes(event)) report({ kind: 'event', product: 'remote', event, by });
  };
  // Reports go out without holding up the steps (the next action is taken at once); all are
  // awaited before the workflow completes. They never reject (reportToParent logs a failure).
  const reportsSent: Promise<void>[] = [];
  const report = (message: ProductReport) => {
    reportsSent.push(reportToParent(state.parent, message));
  };

  let outcomeText = '';
  let cancelled = false;
  const beside = { status: () => state.step, calendars: () => calendars, describe: `remote maintenance: ${state.situation.slice(0, 200)}` };
  await runBeside(state, changes, beside, async () => {
    try {
      // 1. The appointment (M004-13): the product accepts the case; the customer is told when.
      const appointment = await inbox.next(['agree-appointment']);
      state.appointment = { atMs: Date.parse(appointment.at), by: appointment.by };
      audit('appointment-agreed', appointment.by, appointment.at);
      state.outbox.push(remoteEmails.appointment(state, state.appointment.atMs));
      meetEvent(state, 'response', Date.now(), calendars);
      report({ kind: 'accepted', product: 'remote', by: appointment.by, ...(state.parent?.ownsEvents.includes('response') && { meets: ['response'] }) });

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
        const answer = await inbox.next(['confirm-resolution', 'reject-resolution']);
        if (answer.type === 'confirm-resolution') {
          audit('resolution-confirmed', answer.by, answer.note);
          break;
        }
        audit('resolution-rejected', answer.by, answer.reason);
        if (state.stage !== 'working') rejectSolution(state, Date.now(), calendars);
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
      const signature = await signedConfirmation(form.documentId);
      state.confirmation = { ...state.confirmation, signedBy: signature.signedBy, signedAtMs: Date.parse(signature.signedAt), method: signature.method };
      audit('confirmation-signed', signature.signedBy, `${signature.method}, document SHA-256 ${signature.documentSha256}${signature.scanSha256 ? `, scan SHA-256 ${signature.scanSha256}` : ''}`);
      state.outcome = 'solved';
      outcomeText = state.work?.workDone ?? '';
    } catch (error) {
      if (isCancellation(error)) {
        // An operator cancelled the case: the case that handed it over hears so (below), then it ends.
        state.outcome = 'withdrawn';
        outcomeText = 'The remote maintenance was cancelled';
        cancelled = true;
      }
      if (!(error instanceof StepsEnded)) throw error;
      if (error.by === 'closed') {
        state.outcome ??= 'solved';
      } else {
        state.outcome = 'withdrawn';
        outcomeText = error.by.type === 'withdraw' ? error.by.reason : '';
        audit('withdrawn', error.by.by, outcomeText);
      }
    } finally {
      // Whatever ended the steps, even a cancellation: the port is closed and the sealed login destroyed.
      await CancellationScope.nonCancellable(async () => {
        await closeOpenSession('the case ended');
        await destroyLogin();
        if (cancelled) await Promise.all([...reportsSent, reportToParent(state.parent, { kind: 'outcome', product: 'remote', outcome: 'withdrawn', text: outcomeText, by: SYSTEM })]);
      });
    }
    // 10. The customer is told to change the login password (M002-3).
    if (state.sessions.length > 0) state.outbox.push(remoteEmails.changePassword(state));
    if (state.stage !== 'closed') {
      if (state.outcome === 'solved' && state.stage === 'solved') confirmSolution(state, Date.now());
      else closeCase(state, Date.now(), closeReasonOf(state));
    }
    step('closed');
    report({ kind: 'outcome', product: 'remote', outcome: state.outcome ?? 'withdrawn', text: outcomeText || closeReasonOf(state), by: state.work?.by ?? SYSTEM });
    await Promise.all(reportsSent);
  });
  return { caseId: state.caseId, outcome: state.outcome ?? 'closed', closeReason: state.closeReason, breaches: state.breaches };

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

  /**
   * The customer signs online, or the API stored the signed paper's scan first (the store keeps the
   * signature; signing again by the same signer returns it). A scan said to be uploaded that is not
   * there is recorded and the step waits on.
   */
  async function signedConfirmation(documentId: string) {
    for (;;) {
      const signing = await inbox.next(['sign-confirmation']);
      try {
        return await local('Record the customer’s signature').signDocument({ documentId, signedBy: signing.by, signedAtMs: Date.now(), method: signing.method });
      } catch (error) {
        const failure = error instanceof Error && error.cause instanceof ApplicationFailure ? error.cause : null;
        if (failure?.type !== 'InvalidDocument') throw error;
        audit('unexpected-input', signing.by, `sign-confirmation: ${failure.message}; upload the scan with POST /remote/${state.caseId}/confirmation-scan`);
      }
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

/** A bad intake fails the workflow with a typed failure; retrying its task would not help. */
function openCase(intake: RemoteIntake, calendars: PolicyCalendars): RemoteCase {
  try {
    return openRemoteCase(intake, Date.now(), calendars);
  } catch (error) {
    throw businessFailure('InvalidIntake', (error as Error).message);
  }
}

function closeReasonOf(state: RemoteCase): string {
  if (state.outcome === 'failed') return 'Remote maintenance could not solve the problem; an on-site visit may follow';
  if (state.outcome === 'withdrawn') return 'Withdrawn by the customer';
  return state.parent ? `Handed back to ${state.parent.workflowId}` : 'Remote maintenance ended';
}
