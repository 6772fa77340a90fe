/**
 * The one loop every long-lived workflow of Aftercare runs (cases of any product, contracts): wait
 * for the next deadline or a change, apply the passing of time, carry out the effects the state
 * asks for (e-mails, child workflows), keep what ops read up to date, continue as new when history
 * grows. Also the one way to send queued e-mail and the one way to take actions as signals and
 * updates.
 */
import { CancellationScope, ParentClosePolicy, allHandlersFinished, condition, currentUpdateInfo, patched, setHandler, sleep, startChild, workflowInfo } from '@temporalio/workflow';
import type { SignalDefinition, TypedSearchAttributes, UpdateDefinition } from '@temporalio/common';
import { type CaseCore, applyCaseTime, nextCaseDeadline } from '../domain/case/core';
import { SYSTEM, recordEntry } from '../domain/case/record';
import { type Email, mayGoNow } from '../domain/email';
import type { Refusal } from '../domain/failures';
import { callBackWorkflowId } from '../domain/products';
import type { PolicyCalendars } from '../domain/sla-windows';
import { archiveDueAudit } from './audit-archive';
import { SearchAttributeSync, deadlineSummary, showCurrentDetails } from './case-presentation';
import { CaseMetrics } from './case-metrics';
import { emailRejectionOf, sendEmail } from './email';
import { satisfactionCallBackWorkflow } from './satisfaction-call-back';
import { businessFailure } from './failures';

/** Counts changes made by handlers, so the loop wakes for them. */
export class Changes {
  revision = 0;
  bump(): void {
    this.revision++;
  }
}

export interface LoopSteps {
  finished(): boolean;
  /** Effects due now (`final`: the workflow is ending, nothing waits any more). */
  carryOutEffects(final: boolean): Promise<void>;
  /** Search attributes and current details. */
  present(): void;
  /** Absent: the workflow's history is bounded by its steps and never continues as new. */
  continueAsNew?(): Promise<never>;
  /** Continue as new before the server would suggest it (e.g. many updates in this run). */
  runIsLong?(): boolean;
  nextDeadline(): { atMs: number; summary: string } | null;
  applyTime(nowMs: number): void;
}

/** Patch id: one timer per deadline instant (runs before started and cancelled a timer at every change). */
const STANDING_DEADLINE_TIMER = 'standing-deadline-timer';

/**
 * The timer of the next deadline, kept while the deadline stays where it is: an action that leaves
 * it unchanged wakes the loop without a cancelled and a new timer in history (two events a change).
 */
class DeadlineTimer {
  private current: { atMs: number; fired: Promise<void>; scope: CancellationScope } | null = null;

  async until(atMs: number, summary: string, changed: () => boolean): Promise<void> {
    if (this.current?.atMs !== atMs) {
      this.current?.scope.cancel();
      const scope = new CancellationScope();
      const fired = scope.run(() => sleep(atMs - Date.now(), { summary }));
      // Cancelled when the deadline moves; a cancellation of the workflow still reaches the race below.
      fired.catch(() => undefined);
      this.current = { atMs, fired, scope };
    }
    await Promise.race([this.current.fired, condition(changed)]);
  }
}

/** Patch id: the loop also wakes for actions taken while effects ran (runs before it kept the old wait). */
const ACTIONS_DURING_EFFECTS_WAKE = 'actions-during-effects-wake';

/**
 * `wakeForActionsDuringEffects`: the run was started knowing the loop wakes for actions taken
 * while effects ran (cases under rules 2, every straight-line product), so no patch marker is
 * needed; runs started before that ask `patched()`, as they always did.
 */
export async function runLoop(steps: LoopSteps, changes: Changes, { wakeForActionsDuringEffects = false } = {}): Promise<void> {
  const standing = patched(STANDING_DEADLINE_TIMER) ? new DeadlineTimer() : null;
  while (!steps.finished()) {
    const seenBeforeEffects = changes.revision;
    await steps.carryOutEffects(false);
    steps.present();
    if (steps.continueAsNew && (workflowInfo().continueAsNewSuggested || steps.runIsLong?.())) {
      await condition(allHandlersFinished);
      await steps.continueAsNew();
    }
    // An action taken while an effect was awaited (a confirmation during the call-back's start) must
    // wake the loop: without it a closed case waited forever for a change that had already happened.
    const seen = wakeForActionsDuringEffects || patched(ACTIONS_DURING_EFFECTS_WAKE) ? seenBeforeEffects : changes.revision;
    const deadline = steps.nextDeadline();
    if (deadline === null) {
      await condition(() => changes.revision !== seen);
    } else if (deadline.atMs > Date.now()) {
      if (standing) await standing.until(deadline.atMs, deadline.summary, () => changes.revision !== seen);
      else await condition(() => changes.revision !== seen, deadline.atMs - Date.now(), { summary: deadline.summary });
    }
    steps.applyTime(Date.now());
  }
  await steps.carryOutEffects(true);
  steps.present();
  await condition(allHandlersFinished);
}

export interface OutboxOwner {
  outbox: Email[];
}

/**
 * Sends the queued e-mails that may go now (a notice held for office hours waits, unless `final`),
 * together: several notices falling due at once cost one workflow task, not one each. Only a
 * permanent rejection ends the retries; it is reported, and the workflow goes on.
 */
export async function sendOutbox(
  owner: OutboxOwner,
  report: { sent(email: Email): void; rejected(email: Email, reason: string): void },
  { final = false, oneAtATime = false }: { final?: boolean; /** As the contract workflow always sent (its recorded runs replay so). */ oneAtATime?: boolean } = {},
): Promise<void> {
  const isReady = (email: Email) => final || mayGoNow(email, Date.now());
  const due = () => {
    const ready = owner.outbox.filter(isReady);
    return oneAtATime ? ready.slice(0, 1) : ready;
  };
  for (let ready = due(); ready.length > 0; ready = due()) {
    const outcomes = await Promise.allSettled(ready.map((email) => sendEmail(email)));
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') return report.sent(ready[index]);
      const rejection = emailRejectionOf(outcome.reason);
      if (rejection === null) throw outcome.reason;
      report.rejected(ready[index], rejection);
    });
    owner.outbox = owner.outbox.filter((email) => !ready.includes(email));
  }
}

/** Patch id: a case's e-mails go out beside its clock (runs before waited for them before applying time). */
const MAIL_BESIDE_CLOCK = 'mail-beside-clock';

/**
 * Sends a case's queued e-mails beside its loop, so that a mail server that is down (the activity
 * retrying with backoff) never holds up the clock: breaches and escalations are still recorded at
 * their instants, and the e-mails stay queued (shown on the case) until they go.
 */
class MailBeside {
  private sending: Promise<void> | null = null;
  private again = false;
  private failure: unknown;

  constructor(
    private readonly state: CaseCore,
    private readonly changes: Changes,
  ) {}

  /** Starts sending what may go now, unless a send is under way (it then looks again when done). */
  kick(): void {
    this.rethrow();
    if (this.sending) {
      this.again = true;
      return;
    }
    if (!this.state.outbox.some((email) => mayGoNow(email, Date.now()))) return;
    this.sending = (async () => {
      try {
        do {
          this.again = false;
          await sendCaseOutbox(this.state, false);
        } while (this.again);
      } catch (error) {
        this.failure = error;
      } finally {
        this.sending = null;
        // What was sent is on the record now: the loop shows it (and fails with it, if sending failed).
        this.changes.bump();
      }
    })();
  }

  async drain(): Promise<void> {
    while (this.sending) await this.sending;
    this.rethrow();
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

function sendCaseOutbox(state: CaseCore, final: boolean): Promise<void> {
  return sendOutbox(
    state,
    {
      sent: (email) => recordEntry(state, Date.now(), 'email-sent', SYSTEM, `${email.subject} → ${email.to}`),
      rejected: (email, reason) => recordEntry(state, Date.now(), 'email-rejected', SYSTEM, `${email.subject} → ${email.to}: ${reason}`),
    },
    { final },
  );
}

/**
 * A case's effects: its e-mails (recorded as sent or refused) and the call-backs its solutions drew.
 * With `mail`, e-mails go beside the loop (awaited only at the end); without, they are awaited here.
 */
export async function carryOutCaseEffects(state: CaseCore, final: boolean, mail?: MailBeside | null): Promise<void> {
  if (mail && !final) {
    mail.kick();
  } else {
    await mail?.drain();
    await sendCaseOutbox(state, final);
  }
  await archiveDueAudit(state);
  while (state.callBacksDue.length > 0) {
    const solutionNumber = state.callBacksDue[0];
    const workflowId = callBackWorkflowId(state.caseId, solutionNumber);
    await startChild(satisfactionCallBackWorkflow, {
      workflowId,
      // The call-back outlives a case the customer confirms at once.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [
        {
          caseId: state.caseId,
          customerId: state.customer.id,
          timeZone: state.timeZone,
          solutionNumber,
          solvedAtMs: state.solution?.atMs ?? Date.now(),
          withinHours: state.closing.callBackWithinHours,
          engineer: state.solution?.by ?? SYSTEM,
        },
      ],
    });
    state.callBacksDue.shift();
    recordEntry(state, Date.now(), 'call-back-scheduled', SYSTEM, workflowId);
  }
}

/** What an action's update answers: small, whatever the case's size; the case is read by query. */
export interface ActionResult {
  revision: number;
  status: string;
}

export interface ActionHandlers<T extends string, A extends { type: T; by: string }> {
  types: readonly T[];
  // Each action's own payload type; the handler checks it with `parse` at run time.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  signals: Record<T, SignalDefinition<any[]>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  updates: Record<T, UpdateDefinition<ActionResult, any[]>>;
  parse(type: T, payload: unknown): { action: A } | { error: string };
  refusalOf(action: A, nowMs: number): Refusal | null;
  /** Refuses what only the API may send (a checked snapshot) when it comes as a signal. */
  signalRefusal?(type: T): Refusal | null;
  /** The state `apply` changes: put back as it was when applying throws. */
  state: object;
  apply(action: A, nowMs: number): void;
  /** A signal that could not be taken: kept on the record, since a signal cannot be answered. */
  ignored(by: string, type: T, message: string, nowMs: number): void;
  /** An action that passed every check and still could not be applied: kept on the record. */
  unexpected(by: string, type: T, message: string, nowMs: number): void;
  result(): ActionResult;
  /** Update ids applied before, kept across continue-as-new (record.ts `recentUpdateIds`). */
  appliedUpdates?: { has(updateId: string): boolean; add(updateId: string): void };
}

/**
 * Updates one run takes before it continues as new: Temporal refuses more than 2,000 per run, and
 * a case may take any number of valid actions over its life.
 */
export const MAX_UPDATES_PER_RUN = 1_500;

export interface TakenActions {
  /** Updates applied in this run (not counting repeats of an update already applied). */
  updatesThisRun(): number;
}

/** One handler per action for both its signal and its update (validated synchronously, 409 at once). */
export function handleActions<T extends string, A extends { type: T; by: string }>(handlers: ActionHandlers<T, A>): TakenActions {
  let updatesThisRun = 0;
  // An update whose id was applied in an earlier run (a retry after continue-as-new) is answered
  // as applied: neither refused as if new (the action may no longer fit) nor applied twice.
  const repeated = (updateId: string | undefined) => updateId !== undefined && (handlers.appliedUpdates?.has(updateId) ?? false);
  for (const type of handlers.types) {
    const checked = (payload: unknown): A => {
      const parsed = handlers.parse(type, payload);
      if ('error' in parsed) throw businessFailure('InvalidAction', `malformed ${type}: ${parsed.error}`);
      return parsed.action;
    };
    const update = handlers.updates[type] as UpdateDefinition<ActionResult, [unknown]>;
    setHandler(
      update,
      (payload) => {
        const updateId = currentUpdateInfo()?.id;
        if (repeated(updateId)) return handlers.result();
        const action = checked(payload);
        const unexpected = applyOrUndo(handlers, action, Date.now());
        if (unexpected) throw businessFailure('UnexpectedInput', `${type} could not be applied, nothing was changed: ${unexpected}`);
        if (updateId !== undefined) handlers.appliedUpdates?.add(updateId);
        updatesThisRun++;
        return handlers.result();
      },
      {
        validator: (payload) => {
          if (repeated(currentUpdateInfo()?.id)) return;
          const refusal = handlers.refusalOf(checked(payload), Date.now());
          if (refusal) throw businessFailure(refusal.type, refusal.message);
        },
      },
    );
    setHandler(handlers.signals[type] as SignalDefinition<[unknown]>, (payload) => {
      // A signal is not validated on the way in (e.g. sent from the Web UI): a malformed one must
      // be recorded, not fail every replay of the task that delivers it.
      const by = typeof (payload as { by?: unknown })?.by === 'string' ? (payload as { by: string }).by : 'unknown';
      const parsed = handlers.parse(type, payload);
      if ('error' in parsed) return handlers.ignored(by, type, `malformed payload: ${parsed.error}`, Date.now());
      let refusal: Refusal | null;
      try {
        refusal = handlers.signalRefusal?.(type) ?? handlers.refusalOf(parsed.action, Date.now());
      } catch (error) {
        refusal = { type: 'MalformedSignal', message: `malformed payload: ${(error as Error).message}` };
      }
      if (refusal) return handlers.ignored(by, type, refusal.message, Date.now());
      applyOrUndo(handlers, parsed.action, Date.now());
    });
  }
  return { updatesThisRun: () => updatesThisRun };
}

/**
 * Applies an action the checks let through; should applying it still throw (an input no check
 * foresaw, e.g. a calendar on which no due instant can be found), the state is put back as it was
 * and the input recorded as unexpected, instead of failing the workflow task on every replay (the
 * case would stop: no timers, no actions). Answers the reason, or null when applied.
 */
function applyOrUndo<T extends string, A extends { type: T; by: string }>(handlers: ActionHandlers<T, A>, action: A, nowMs: number): string | null {
  // The state is plain data (it is carried through continue-as-new): a JSON copy restores it whole.
  const before = JSON.stringify(handlers.state);
  try {
    handlers.apply(action, nowMs);
    return null;
  } catch (error) {
    const state = handlers.state as Record<string, unknown>;
    for (const key of Object.keys(state)) delete state[key];
    Object.assign(state, JSON.parse(before));
    const reason = error instanceof Error ? error.message : String(error);
    handlers.unexpected(action.by, action.type, reason, nowMs);
    return reason;
  }
}

export interface CaseView {
  /** The product's status word for `CaseStatus` and the current details. */
  status(): string;
  /** A finer word for the current details only (a product's step within its status), which costs no history event. */
  detail?(): string;
  /** The case's calendars (its policy's; an applied contract may replace them). */
  calendars(): PolicyCalendars;
  /** The search attributes the case was started with, when the starter set them as its first task would. */
  startedWith?: TypedSearchAttributes;
}

/** The loop steps every case shares: its effects, what ops read, and its next deadline. */
export function caseLoopSteps(state: CaseCore, view: CaseView, changes: Changes): Pick<LoopSteps, 'carryOutEffects' | 'present' | 'nextDeadline'> {
  const attributes = new SearchAttributeSync(view.startedWith);
  const metrics = new CaseMetrics(state);
  // Decided once per run, at its first effects: runs recorded before wait for their e-mails.
  let mail: MailBeside | null = null;
  let mailDecided = false;
  return {
    carryOutEffects: (final) => {
      if (!mailDecided) {
        mailDecided = true;
        mail = patched(MAIL_BESIDE_CLOCK) ? new MailBeside(state, changes) : null;
      }
      return carryOutCaseEffects(state, final, mail);
    },
    present: () => {
      attributes.sync(state, view.status());
      showCurrentDetails(state, view.detail?.() ?? view.status());
      metrics.record();
    },
    nextDeadline: () => {
      // E-mails due now are the sender's (beside the loop): their instant is no deadline to wake for.
      const waiting = mail ? { ...state, outbox: state.outbox.filter((email) => !mayGoNow(email, Date.now())) } : state;
      const deadline = nextCaseDeadline(waiting, view.calendars());
      return deadline && { atMs: deadline.atMs, summary: deadlineSummary(state, deadline.kind, deadline.atMs) };
    },
  };
}

export interface CaseBeside extends Omit<CaseView, 'startedWith'> {
  /** How the customer's e-mail names the case (the automatic close). */
  describe: string;
}

/**
 * For a product whose steps run in a straight line (remote, on-site, migration, training…): the
 * case's clock, notices, closing and effects run beside `steps`, so the workflow body reads as the
 * seed's steps in order. Steps change the case through the core and call `changes.bump()`; the
 * clock stops with the case (closed) or once the steps have ended and nothing is left to do.
 */
export async function runBeside<T>(state: CaseCore, changes: Changes, beside: CaseBeside, steps: () => Promise<T>): Promise<T> {
  let stepsDone = false;
  const loop = runLoop(
    {
      ...caseLoopSteps(state, { ...beside, startedWith: workflowInfo().typedSearchAttributes }, changes),
      finished: () => state.stage === 'closed' || (stepsDone && state.outbox.length === 0 && state.callBacksDue.length === 0),
      applyTime: (nowMs) => applyCaseTime(state, nowMs, beside.calendars(), beside.describe),
    },
    changes,
    { wakeForActionsDuringEffects: true },
  );
  // A cancellation fails the loop while the steps still run (they clean up first): handled here so
  // that it is no unhandled rejection, and thrown below when the loop is awaited.
  loop.catch(() => undefined);
  try {
    return await steps();
  } finally {
    stepsDone = true;
    changes.bump();
    await loop;
  }
}
