/**
 * Hotline case (domain.md §1): durable timers enforce the response and diagnosis windows in working
 * time, actions arrive as signals or updates, and a solved case closes on confirmation or by itself
 * after a month of silence, reopenable for a month more (§4).
 */
import {
  ApplicationFailure, ParentClosePolicy, allHandlersFinished, condition, continueAsNew, log, patched,
  setHandler, startChild, workflowInfo,
} from '@temporalio/workflow';
import type { Email, HotlineAction, HotlineActionType, HotlineCase, HotlineIntake } from '../domain/hotline-case';
import { HOTLINE_ACTION_TYPES, NotEntitledError, applyAction, applyTime, createHotlineCase, nextDeadline, refusalOf } from '../domain/hotline-case';
import { callBackWorkflowId } from '../domain/products';
import { PolicyCalendars } from '../domain/sla-windows';
import { SearchAttributeSync, deadlineSummary, showCurrentDetails } from './case-presentation';
import { emailRejectionOf, sendEmail } from './email';
import type { ActionPayload } from './messages';
import { caseStateQuery, hotlineSignals, hotlineUpdates, intakeUpdate } from './messages';
import { satisfactionCallBackWorkflow } from './satisfaction-call-back';

export interface HotlineWorkflowInput {
  intake: HotlineIntake;
  /** State carried across continue-as-new (a case reopened many times). */
  carried?: HotlineCase;
}

export interface HotlineResult {
  caseId: string;
  status: HotlineCase['status'];
  closeReason: string | null;
  breaches: HotlineCase['breaches'];
}

/** Patch id: the loop also wakes for actions taken while effects ran (runs before it kept the old wait). */
const ACTIONS_DURING_EFFECTS_WAKE = 'actions-during-effects-wake';

export async function hotlineWorkflow(input: HotlineWorkflowInput): Promise<HotlineResult> {
  const state = input.carried ?? openCase(input.intake, new PolicyCalendars(input.intake.policy));
  // The calendars follow the case's policy, which an applied contract amendment replaces.
  let calendars = new PolicyCalendars(state.policy);
  let calendarsPolicy = state.policy;
  const currentCalendars = () => {
    if (calendarsPolicy !== state.policy) {
      calendars = new PolicyCalendars(state.policy);
      calendarsPolicy = state.policy;
    }
    return calendars;
  };
  if (!input.carried) for (const warning of state.warnings) log.warn(warning, { caseId: state.caseId });
  let revision = 0;
  let intakeAcknowledged = input.carried !== undefined;

  const refuse = (action: HotlineAction) => {
    const refusal = refusalOf(state, action, Date.now());
    if (refusal) throw ApplicationFailure.create({ type: refusal.type, message: refusal.message, nonRetryable: true });
  };
  const act = (action: HotlineAction) => {
    // Time first: the validator judged the action by the status due now (see refusalOf).
    applyTime(state, Date.now(), currentCalendars());
    applyAction(state, action, Date.now(), currentCalendars());
    revision++;
  };
  for (const type of HOTLINE_ACTION_TYPES) {
    const toAction = (payload: ActionPayload<HotlineActionType>) => ({ ...payload, type }) as HotlineAction;
    setHandler(hotlineUpdates[type] as typeof hotlineUpdates.respond, (payload) => {
      act(toAction(payload));
      return state;
    }, { validator: (payload) => refuse(toAction(payload)) });
    setHandler(hotlineSignals[type] as typeof hotlineSignals.respond, (payload) => {
      const action = toAction(payload);
      // A signal is not validated on the way in (e.g. sent from the Web UI): a malformed one must
      // be recorded, not fail every replay of the task that delivers it.
      let refusal: ReturnType<typeof refusalOf>;
      try {
        refusal =
          action.type === 'apply-contract'
            ? { type: 'InvalidState', message: 'a contract is applied through the API, which sends its checked snapshot as an update' }
            : refusalOf(state, action, Date.now());
      } catch (error) {
        refusal = { type: 'MalformedSignal', message: `malformed payload: ${(error as Error).message}` };
      }
      if (refusal) {
        // A signal cannot be answered: keep the refusal on the record instead of dropping it.
        state.audit.push({ atMs: Date.now(), type: 'ignored', by: action.by, details: `${action.type}: ${refusal.message}` });
        revision++;
        return;
      }
      act(action);
    });
  }
  setHandler(caseStateQuery, () => state);
  setHandler(intakeUpdate, () => {
    const created = !intakeAcknowledged;
    intakeAcknowledged = true;
    return { created, state };
  });

  const attributes = new SearchAttributeSync();
  while (state.status !== 'closed') {
    const seenBeforeEffects = revision;
    await carryOutEffects(state);
    attributes.sync(state);
    showCurrentDetails(state);
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof hotlineWorkflow>({ intake: input.intake, carried: state });
    }
    // An action taken while an effect was awaited (a confirmation during the call-back's start) must
    // wake the loop: without it a closed case waited forever for a change that had already happened.
    const seen = patched(ACTIONS_DURING_EFFECTS_WAKE) ? seenBeforeEffects : revision;
    const deadline = nextDeadline(state, currentCalendars());
    if (deadline === null) {
      await condition(() => revision !== seen);
    } else if (deadline.atMs > Date.now()) {
      await condition(() => revision !== seen, deadline.atMs - Date.now(), { summary: deadlineSummary(state, deadline.kind, deadline.atMs) });
    }
    applyTime(state, Date.now(), currentCalendars());
  }
  await carryOutEffects(state, { final: true });
  attributes.sync(state);
  showCurrentDetails(state);
  await condition(allHandlersFinished);
  return { caseId: state.caseId, status: state.status, closeReason: state.closeReason, breaches: state.breaches };
}

function openCase(intake: HotlineIntake, calendars: PolicyCalendars): HotlineCase {
  try {
    return createHotlineCase(intake, Date.now(), calendars);
  } catch (error) {
    if (error instanceof NotEntitledError) throw ApplicationFailure.create({ type: 'NotEntitled', message: error.message, nonRetryable: true });
    throw ApplicationFailure.create({ type: 'InvalidIntake', message: (error as Error).message, nonRetryable: true });
  }
}

/** Sends queued e-mails and starts sampled call-backs; both are recorded on the case. */
async function carryOutEffects(state: HotlineCase, { final = false } = {}): Promise<void> {
  // A notice held for office hours waits; once the case is closed nothing waits any more.
  const isReady = (email: Email) => final || email.notBeforeMs === undefined || email.notBeforeMs <= Date.now();
  for (let ready = state.outbox.filter(isReady); ready.length > 0; ready = state.outbox.filter(isReady)) {
    // Sent together: several notices falling due at once cost one workflow task, not one each.
    const outcomes = await Promise.allSettled(ready.map((email) => sendEmail(email)));
    outcomes.forEach((outcome, index) => {
      const email = ready[index];
      if (outcome.status === 'fulfilled') {
        state.audit.push({ atMs: Date.now(), type: 'email-sent', by: 'system', details: `${email.subject} → ${email.to}` });
        return;
      }
      // Only a permanent rejection ends the retries; the case goes on and the record says why.
      const rejection = emailRejectionOf(outcome.reason);
      if (rejection === null) throw outcome.reason;
      state.audit.push({ atMs: Date.now(), type: 'email-rejected', by: 'system', details: `${email.subject} → ${email.to}: ${rejection}` });
    });
    state.outbox = state.outbox.filter((email) => !ready.includes(email));
  }
  while (state.callBacksDue.length > 0) {
    const solutionNumber = state.callBacksDue[0];
    const workflowId = callBackWorkflowId(state.caseId, solutionNumber);
    await startChild(satisfactionCallBackWorkflow, {
      workflowId,
      // The call-back outlives a case the customer confirms at once.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{
        caseId: state.caseId,
        customerId: state.customer.id,
        timeZone: state.timeZone,
        solutionNumber,
        solvedAtMs: state.solution?.atMs ?? Date.now(),
        withinHours: state.closing.callBackWithinHours,
        engineer: state.solution?.by ?? state.owner,
      }],
    });
    state.callBacksDue.shift();
    state.audit.push({ atMs: Date.now(), type: 'call-back-scheduled', by: 'system', details: workflowId });
  }
}
