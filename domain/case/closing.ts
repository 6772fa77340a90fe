/**
 * How any case ends (001 §1.11, R-001-8): an outcome is given, the customer confirms or
 * rejects it; silence closes the case automatically after a while, the customer may reopen for a
 * while more, and then it is finally closed. Product-neutral: a product calls these with its own
 * outcome and decides which actions it offers.
 */
import type { PolicyCalendars } from '../sla-windows';
import { ZoneOffsets, addCalendarMonths } from '../time-zone';
import { type ClockedCase, restartAfterRejection, restartAfterReopening, stopClock } from './clock';
import { SYSTEM, caseKey, recordEntry } from './record';

/** Where a case is in its life. Only a `working` case owes anything under its windows. */
export type CaseStage = 'working' | 'solved' | 'auto-closed' | 'closed';

/** How a request reached the vendor (D-23: automatic close is a rule of the channel). */
export const CHANNELS = ['phone', 'e-mail', 'community', 'online', 'on-site'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface ClosingSettings {
  /** Months after a solution without an answer before the case closes itself (001 §1.11, R-001-8). */
  autoCloseAfterMonths: number;
  /**
   * Channels whose cases close themselves after that silence (R-001-8: the customer community);
   * empty: never. Absent on cases opened under rules 1: every channel, as then.
   */
  autoCloseChannels?: Channel[];
  /** Months after an automatic close during which the customer may reopen. */
  reopenWithinMonths: number;
  /** Share of solved cases that get a satisfaction call-back (003: a spot check), 0..1. */
  callBackSampleRate: number;
  /** Hours after the solution within which the call-back is due (003: 48 h). */
  callBackWithinHours: number;
}

/** The closing of cases opened under rules 1: every channel auto-closes, every solution is called back. */
export const DEFAULT_CLOSING: ClosingSettings = {
  autoCloseAfterMonths: 1,
  reopenWithinMonths: 1,
  callBackSampleRate: 1,
  callBackWithinHours: 48,
};

/** 003 §4's call-back is a spot check; the seeds give no rate, so this is the documented default (M003-8). */
export const SPOT_CHECK_RATE = 0.2;

/**
 * The closing a case gets unless its contract (or its request) says otherwise: 001's automatic
 * close for community cases after one month, reopenable for one more (R-001-8); a call-back
 * within 48 h after every solution under 004 (R-004-3: a survey after every resolution), a spot
 * check at `SPOT_CHECK_RATE` under every other policy (R-003-5, M003-8).
 */
export function closingDefaults(policyId: string, rules: number): ClosingSettings {
  if (rules < 2) return DEFAULT_CLOSING;
  return { ...DEFAULT_CLOSING, autoCloseChannels: ['community'], callBackSampleRate: policyId === '004' ? 1 : SPOT_CHECK_RATE };
}

/**
 * What a case's answer is (M000-10; 001's non-fault level, M001-27): solved, or an outcome a
 * service manager records instead — a memo both sides' project leads confirm (M001-3), filed as
 * unresolvable with the customer told (M000-10), out of scope with advice only (M000-10, M004-6),
 * a suggestion forwarded to product review with no commitment, or a change request that becomes
 * paid customisation (M001-27). The customer confirms or rejects each the same way.
 */
export const OUTCOMES = ['solved', 'memo', 'unresolvable', 'out-of-scope', 'suggestion', 'change-request'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_CLOSE_REASONS: Record<Outcome, string> = {
  solved: 'Confirmed by the customer',
  memo: 'Memo confirmed by both sides’ project leads',
  unresolvable: 'Filed as unresolvable; the customer was told',
  'out-of-scope': 'Out of scope: advice given',
  suggestion: 'Forwarded to product review, no commitment',
  'change-request': 'Routed to paid customisation',
};

export interface CaseClosing {
  stage: CaseStage;
  /** Absent on cases opened before the channel was recorded. */
  channel?: Channel;
  /** Whether each solution was drawn for a call-back (absent on cases opened before it was recorded). */
  callBackDraws?: { solutionNumber: number; sampled: boolean }[];
  /** The answer given; `outcome` absent means solved (and on every case before outcomes). */
  solution: { text: string; by: string; atMs: number; outcome?: Outcome } | null;
  solutionCount: number;
  /** Solution numbers whose satisfaction call-back is still to be started. */
  callBacksDue: number[];
  autoClosedMs: number | null;
  closedMs: number | null;
  closeReason: string | null;
  closing: ClosingSettings;
}

export type ClosableCase = ClockedCase & CaseClosing;

export function openClosing(defaults: ClosingSettings, settings: Partial<ClosingSettings> | undefined, channel: Channel | undefined, rules: number): CaseClosing {
  return {
    stage: 'working',
    ...(channel !== undefined && { channel }),
    ...(rules >= 2 && { callBackDraws: [] }),
    solution: null,
    solutionCount: 0,
    callBacksDue: [],
    autoClosedMs: null,
    closedMs: null,
    closeReason: null,
    closing: { ...defaults, ...settings },
  };
}

export type ClosingAction = 'confirm' | 'reject' | 'reopen' | 'close';

/** The stages in which each closing action is allowed. */
const ALLOWED: Record<ClosingAction, readonly CaseStage[]> = {
  confirm: ['solved', 'auto-closed'],
  reject: ['solved'],
  reopen: ['auto-closed'],
  close: ['solved', 'auto-closed'],
};

export function closingActionAllowed(stage: CaseStage, action: ClosingAction): boolean {
  return ALLOWED[action].includes(stage);
}

/** An outcome the customer is asked to confirm: the clock stops, silence starts counting. */
export function giveSolution(state: ClosableCase, text: string, by: string, atMs: number, calendars: PolicyCalendars, outcome: Outcome = 'solved'): void {
  stopClock(state, atMs, calendars);
  state.stage = 'solved';
  state.solution = outcome === 'solved' ? { text, by, atMs } : { text, by, atMs, outcome };
  state.solutionCount += 1;
  // A satisfaction call-back follows a solved problem (003 §4, R-003-5), not a memo or a referral.
  if (outcome !== 'solved') return;
  const sampled = isSampledForCallBack(state.caseId, state.solutionCount, state.closing.callBackSampleRate);
  if (sampled) state.callBacksDue.push(state.solutionCount);
  if (state.callBackDraws) {
    state.callBackDraws.push({ solutionNumber: state.solutionCount, sampled });
    const rate = `${Math.round(state.closing.callBackSampleRate * 100)} %`;
    recordEntry(state, atMs, sampled ? 'call-back-sampled' : 'call-back-not-sampled', SYSTEM, `Solution ${state.solutionCount}, call-back rate ${rate}`);
  }
}

/** Whether silence closes this case: its channel is one that auto-closes (always, under rules 1). */
export function autoClosesByChannel(state: CaseClosing): boolean {
  const channels = state.closing.autoCloseChannels;
  return channels === undefined || (state.channel !== undefined && channels.includes(state.channel));
}

/**
 * A service manager closes a solved case the customer never confirmed (D-24): cases on channels
 * that do not close by themselves would otherwise wait for ever.
 */
export function closeUnconfirmed(state: ClosableCase, atMs: number, reason: string): void {
  closeCase(state, atMs, `Closed without the customer's confirmation: ${reason}`);
}

export function confirmSolution(state: ClosableCase, atMs: number): void {
  closeCase(state, atMs, OUTCOME_CLOSE_REASONS[state.solution?.outcome ?? 'solved']);
}

/** The customer says it is not solved: the solution window runs on with the time it had left. */
export function rejectSolution(state: ClosableCase, atMs: number, calendars: PolicyCalendars): void {
  state.stage = 'working';
  restartAfterRejection(state, 'solution', atMs, calendars);
}

/** Reopened after an automatic close: a fresh solution window. */
export function reopenCase(state: ClosableCase, atMs: number, calendars: PolicyCalendars): void {
  state.stage = 'working';
  state.autoClosedMs = null;
  restartAfterReopening(state, 'solution', atMs, calendars);
}

/** Ends a case: confirmed, unconfirmed, or for a reason of its product's steps (withdrawn, handed back). */
export function closeCase(state: ClosableCase, atMs: number, reason: string): void {
  state.stage = 'closed';
  state.running = false;
  state.closedMs = atMs;
  state.closeReason = reason;
}

/** A stable spot-check draw per case and solution, so replay and re-runs agree (003 §4, M003-8). */
export function isSampledForCallBack(caseId: string, solutionNumber: number, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  let hash = 2166136261;
  for (const char of `${caseId}#${solutionNumber}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0) / 2 ** 32 < rate;
}

export function autoCloseDueMs(state: ClosableCase): number | null {
  if (state.stage !== 'solved' || !state.solution || !autoClosesByChannel(state)) return null;
  return addCalendarMonths(state.solution.atMs, state.closing.autoCloseAfterMonths, new ZoneOffsets(state.timeZone));
}

export function finalCloseDueMs(state: ClosableCase): number | null {
  if (state.stage !== 'auto-closed' || state.autoClosedMs === null) return null;
  return addCalendarMonths(state.autoClosedMs, state.closing.reopenWithinMonths, new ZoneOffsets(state.timeZone));
}

/** The stage the passing of time has made due by `nowMs`, whether or not it has been applied yet. */
export function stageDueBy(state: ClosableCase, nowMs: number): CaseStage {
  const finalClose = finalCloseDueMs(state);
  if (finalClose !== null && finalClose <= nowMs) return 'closed';
  const autoClose = autoCloseDueMs(state);
  if (autoClose !== null && autoClose <= nowMs) return 'auto-closed';
  return state.stage;
}

/** Automatic close after silence (with the customer's e-mail), then the final close. */
export function applyClosingTime(state: ClosableCase, nowMs: number, describe: string): void {
  const autoClose = autoCloseDueMs(state);
  if (autoClose !== null && autoClose <= nowMs) {
    state.stage = 'auto-closed';
    state.autoClosedMs = nowMs;
    recordEntry(state, nowMs, 'auto-closed', SYSTEM, `No answer within ${state.closing.autoCloseAfterMonths} month(s) of the solution`);
    state.outbox.push({
      key: `${caseKey(state)}/auto-close/${state.solutionCount}`,
      to: state.customer.email,
      subject: `Case ${state.caseId} closed automatically`,
      text:
        `Dear ${state.customer.name},\n\nwe have not heard from you since we provided a solution to case ${state.caseId} ` +
        `(${describe}). The case is now closed automatically.\n\n` +
        `If the problem is not solved, you can reopen the case within ${state.closing.reopenWithinMonths} month(s).\n`,
    });
  }
  const finalClose = finalCloseDueMs(state);
  if (finalClose !== null && finalClose <= nowMs) {
    closeCase(state, nowMs, `Not reopened within ${state.closing.reopenWithinMonths} month(s) of the automatic close`);
    recordEntry(state, nowMs, 'closed', SYSTEM, state.closeReason ?? undefined);
  }
}
