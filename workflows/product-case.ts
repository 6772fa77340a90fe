/**
 * What every straight-line product case (remote, on-site…) does around its own steps: takes its
 * actions as signals and updates into a step inbox, records and shows its steps, meets windows
 * here or at the case that handed it over, reports to that case, has documents signed, and closes
 * through the core. A product writes only its steps (workflows/remote.ts, workflows/on-site.ts).
 */
import { ApplicationFailure, defineSignal, defineUpdate, isCancellation, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { Activities } from '../activities';
import { parseActionWith } from '../domain/actions';
import { meetEvent } from '../domain/case/clock';
import type { CaseCore } from '../domain/case/core';
import { closeCase, confirmSolution, rejectSolution } from '../domain/case/closing';
import { type HandoffOutcome, type HandoffProduct, type ParentCase, type ProductReport, stepRefusal } from '../domain/case/handoff';
import type { DocumentReference } from '../domain/remote-case';
import type { Breach } from '../domain/sla-windows';
import { SYSTEM, recordEntry, rememberUpdate, updateAlreadyApplied } from '../domain/case/record';
import type { Refusal } from '../domain/failures';
import type { MeetingEvent } from '../domain/sla-policy';
import type { PolicyCalendars } from '../domain/sla-windows';
import { type ActionResult, Changes, handleActions } from './case-runtime';
import { StepInbox, StepsEnded } from './case-steps';
import { businessFailure } from './failures';
import { reportToParent } from './handoff';

export interface ProductCaseState extends CaseCore {
  step: string;
  awaiting: string[];
  parent?: ParentCase;
  outcome?: HandoffOutcome;
}

export type ProductSignals<S extends Record<string, z.ZodType>> = { [T in keyof S & string]: SignalDefinition<[z.infer<S[T]>]> };
export type ProductUpdates<S extends Record<string, z.ZodType>> = { [T in keyof S & string]: UpdateDefinition<ActionResult, [z.infer<S[T]>]> };

/** What a product case's workflow returns. */
export interface ProductResult {
  caseId: string;
  outcome: HandoffOutcome | 'closed';
  closeReason: string | null;
  breaches: Breach[];
}

/** A document the customer signed, as the case keeps it. */
export type SignedDocument = DocumentReference & { signedBy: string; signedAtMs: number; method: string };

/** Opens a product case; a bad intake fails the workflow with a typed failure (retrying its task would not help). */
export function openOrInvalidIntake<T>(open: () => T): T {
  try {
    return open();
  } catch (error) {
    throw businessFailure('InvalidIntake', (error as Error).message);
  }
}

/** One signal and one update per action, named by the action (the API and the Web UI send them). */
export function productMessages<S extends Record<string, z.ZodType>>(schemas: S): { signals: ProductSignals<S>; updates: ProductUpdates<S> } {
  const types = Object.keys(schemas);
  return {
    signals: Object.fromEntries(types.map((type) => [type, defineSignal(type)])) as ProductSignals<S>,
    updates: Object.fromEntries(types.map((type) => [type, defineUpdate(type)])) as ProductUpdates<S>,
  };
}

/**
 * Short work on files the worker shares with the API (documents, sealed logins): local activities,
 * one marker each in history instead of a scheduled task and a workflow task to hear back.
 */
export const local = (summary: string) => proxyLocalActivities<Activities>({ startToCloseTimeout: '1 minute', summary });

export interface ProductCaseOptions<A extends { type: string; by: string }, State extends ProductCaseState> {
  product: HandoffProduct;
  state: State;
  calendars: PolicyCalendars;
  schemas: Record<A['type'], z.ZodType>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  messages: { signals: Record<A['type'], SignalDefinition<any[]>>; updates: Record<A['type'], UpdateDefinition<ActionResult, any[]>> };
  /** Actions taken whatever the step (the customer withdraws). */
  anytime: readonly A['type'][];
  /** Refuses what only the API may send (a sealed reference) when it comes as a signal. */
  signalRefusal?(type: A['type']): Refusal | null;
}

/** A product case's handlers and the helpers its steps use. */
export function openProductCase<A extends { type: string; by: string }, State extends ProductCaseState>(options: ProductCaseOptions<A, State>) {
  const { state, calendars, product } = options;
  type Action = A;
  type Type = A['type'];
  const changes = new Changes();
  const inbox = new StepInbox<Action>(state, changes, options.anytime);
  const recordNotTaken = (entryType: string) => (by: string, type: Type, message: string, nowMs: number) => {
    recordEntry(state, nowMs, entryType, by, `${type}: ${message}`);
    changes.bump();
  };
  handleActions<Type, Action>({
    types: Object.keys(options.schemas) as Type[],
    signals: options.messages.signals,
    updates: options.messages.updates,
    parse: (type, payload) => parseActionWith(options.schemas, type, payload) as { action: Action } | { error: string },
    refusalOf: (action) =>
      inbox.holds(action.type) ? { type: 'InvalidState', message: `A ${action.type} was taken already and is being handled` } : stepRefusal(state, action, product, options.anytime),
    ...(options.signalRefusal && { signalRefusal: options.signalRefusal }),
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

  // Reports go out without holding up the steps (the next action is taken at once); all are
  // awaited before the workflow completes. They never reject (reportToParent logs a failure).
  const reportsSent: Promise<void>[] = [];
  const report = (message: ProductReport) => {
    reportsSent.push(reportToParent(state.parent, message));
  };
  const audit = (type: string, by: string, details?: string) => {
    recordEntry(state, Date.now(), type, by, details);
    changes.bump();
  };

  return {
    changes,
    inbox,
    report,
    /** Every report sent so far, settled. */
    reportsSettled: () => Promise.all(reportsSent),
    step(name: State['step']): void {
      state.step = name;
      changes.bump();
    },
    audit,
    /** An event meets this case's windows, or the parent's when the parent owns them (one window, R-002-1). */
    meet(event: MeetingEvent, by: string): void {
      meetEvent(state, event, Date.now(), calendars);
      if (state.parent?.ownsEvents.includes(event)) report({ kind: 'event', product, event, by });
    },
    /** The product takes the case (its appointment): the parent hears, and its response window is met when it owns it. */
    accepted(by: string): void {
      meetEvent(state, 'response', Date.now(), calendars);
      report({ kind: 'accepted', product, by, ...(state.parent?.ownsEvents.includes('response') && { meets: ['response' as const] }) });
    },
    /** The customer confirms the problem solved, or rejects it: the solution's windows then run on (false). */
    async resolutionConfirmed(): Promise<boolean> {
      const answer: { type: string; by: string; note?: string; reason?: string } = await inbox.next(['confirm-resolution', 'reject-resolution'] as Type[]);
      if (answer.type === 'confirm-resolution') {
        audit('resolution-confirmed', answer.by, answer.note);
        return true;
      }
      audit('resolution-rejected', answer.by, answer.reason);
      if (state.stage !== 'working') rejectSolution(state, Date.now(), calendars);
      return false;
    },
    /**
     * The customer signs `document` online, or the API stored the signed paper's scan first (the
     * store keeps the signature; signing again by the same signer returns it); the signature goes on
     * the record as `entryType`. A scan said to be uploaded that is not there is recorded and the
     * step waits on.
     */
    async signed(document: DocumentReference, type: Type, scanRoute: string, entryType: string): Promise<SignedDocument> {
      for (;;) {
        const signing: { by: string; method?: unknown } = await inbox.next([type]);
        const method = signing.method === 'uploaded-scan' ? 'uploaded-scan' : 'online';
        try {
          const signature = await local('Record the customer’s signature').signDocument({ documentId: document.documentId, signedBy: signing.by, signedAtMs: Date.now(), method });
          audit(entryType, signature.signedBy, `${signature.method}, document SHA-256 ${signature.documentSha256}${signature.scanSha256 ? `, scan SHA-256 ${signature.scanSha256}` : ''}`);
          return { ...document, signedBy: signature.signedBy, signedAtMs: Date.parse(signature.signedAt), method: signature.method };
        } catch (error) {
          const failure = error instanceof Error && error.cause instanceof ApplicationFailure ? error.cause : null;
          if (failure?.type !== 'InvalidDocument') throw error;
          audit('unexpected-input', signing.by, `${type}: ${failure.message}; upload the scan with POST ${scanRoute}`);
        }
      }
    },
    /**
     * What ended the steps before their end, on the record: an operator's cancellation (the caller
     * cleans up, tells the parent, and rethrows), the customer's withdrawal, or the case closing by
     * itself. `text`: the outcome's text when the ending sets one; `rethrow`: not a way steps end.
     */
    stepsEnded(error: unknown, cancelledText: string): { cancelled: boolean; text?: string; rethrow: boolean } {
      if (isCancellation(error)) {
        state.outcome = 'withdrawn';
        return { cancelled: true, text: cancelledText, rethrow: true };
      }
      if (!(error instanceof StepsEnded)) return { cancelled: false, rethrow: true };
      const ended = error as StepsEnded<{ type: string; by: string; reason?: string }>;
      if (ended.by === 'closed') {
        state.outcome ??= 'solved';
        return { cancelled: false, rethrow: false };
      }
      state.outcome = 'withdrawn';
      const text = ended.by.type === 'withdraw' ? (ended.by.reason ?? '') : '';
      audit('withdrawn', ended.by.by, text);
      return { cancelled: false, text, rethrow: false };
    },
    /** The case ends through the core: a solution confirmed, or closed with its reason; the parent hears the outcome. */
    finish(outcomeText: string, closeReason: string, by: string): void {
      if (state.stage !== 'closed') {
        if (state.outcome === 'solved' && state.stage === 'solved') confirmSolution(state, Date.now());
        else closeCase(state, Date.now(), closeReason);
      }
      state.step = 'closed';
      changes.bump();
      report({ kind: 'outcome', product, outcome: state.outcome ?? 'withdrawn', text: outcomeText || closeReason, by });
    },
    /** What the workflow returns. */
    result(): ProductResult {
      return { caseId: state.caseId, outcome: state.outcome ?? 'closed', closeReason: state.closeReason, breaches: state.breaches };
    },
    /** A cancelled case tells its parent it was withdrawn (called in a non-cancellable scope). */
    reportCancelled(text: string): Promise<unknown> {
      return Promise.all([...reportsSent, reportToParent(state.parent, { kind: 'outcome', product, outcome: 'withdrawn', text, by: SYSTEM })]);
    },
  };
}
