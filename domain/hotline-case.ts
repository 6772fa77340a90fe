/**
 * The hotline case as a pure state machine (domain.md §1 hotline, §3 escalation, §4 closing).
 * The workflow feeds it actions and the passing of time, and carries out what it asks for
 * (e-mails, call-backs); the same rules answer the API's "is this allowed now?".
 */
import { dataCoverageWarnings } from './data-coverage';
import { type Notice, type NoticeSettings, deliveryMs, noticeEmails, officeHoursOf, warningDueMs } from './notices';
import type { Email } from './email';
import type { EntitlementDecision, ProblemType, ServicePeriod } from './entitlement';
import { checkEntitlement } from './entitlement';
import { ZoneOffsets, addCalendarMonths, localDateOf } from './time-zone';
import type { MeetingEvent, SlaPolicy } from './sla-policy';
import { findLevel } from './sla-policy';
import type { Breach, SlaWindow } from './sla-windows';
import {
  PolicyCalendars, clockStartMs, meetWindows, nextDueMs, openWindows, pauseWindows, rearmWindows,
  reclassifyWindows, recordBreaches, reopenMetWindows, resumeWindows,
} from './sla-windows';

/** The events a hotline case itself meets; arrival windows belong to on-site visits. */
export const HOTLINE_EVENTS: readonly MeetingEvent[] = ['response', 'solution'];

export type HotlineStatus = 'open' | 'in-progress' | 'solved' | 'auto-closed' | 'closed';

export interface Customer {
  id: string;
  name: string;
  email: string;
  phone?: string;
}

export interface Problem {
  description: string;
  type: ProblemType;
  softwareVersion: string;
  environment: string;
}

export interface ClosingSettings {
  /** Months after a solution without an answer before the case closes itself (001 §1.11). */
  autoCloseAfterMonths: number;
  /** Months after an automatic close during which the customer may reopen. */
  reopenWithinMonths: number;
  /** Share of solved cases that get a satisfaction call-back (003: a spot check), 0..1. */
  callBackSampleRate: number;
  /** Hours after the solution within which the call-back is due (003: 48 h). */
  callBackWithinHours: number;
}

export const DEFAULT_CLOSING: ClosingSettings = {
  autoCloseAfterMonths: 1,
  reopenWithinMonths: 1,
  callBackSampleRate: 1,
  callBackWithinHours: 48,
};

export interface HotlineIntake {
  caseId: string;
  customer: Customer;
  problem: Problem;
  severity: string;
  /** When the report was received (domain.md §8); never after intake. */
  reportedAt: string;
  timeZone: string;
  policy: SlaPolicy;
  servicePeriods: ServicePeriod[];
  paidWorkRequested?: boolean;
  openedBy: string;
  closing?: Partial<ClosingSettings>;
  /** The contract whose terms were snapshotted into this intake, and their version. */
  contract?: ContractReference;
  /** Pre-breach warnings and breach notices; without them, breaches are only recorded. */
  notices?: NoticeSettings;
}

export interface ContractReference {
  id: string;
  version: number;
}

export type HotlineAction =
  | { type: 'respond'; by: string; note?: string }
  | { type: 'provide-solution'; by: string; solution: string }
  | { type: 'confirm'; by: string; note?: string }
  | { type: 'reject'; by: string; reason: string }
  | { type: 'reopen'; by: string; reason: string }
  | { type: 'change-severity'; by: string; severity: string; reason?: string }
  | { type: 'pause'; by: string; reason: string }
  | { type: 'resume'; by: string; note?: string }
  | { type: 'transfer'; by: string; to: 'remote' | 'on-site'; situation: string }
  /** An amended contract's policy snapshot, applied explicitly (issue 7 §1); `severity` maps the level when ids differ. */
  | { type: 'apply-contract'; by: string; contract: ContractReference; policy: SlaPolicy; severity?: string };

export type HotlineActionType = HotlineAction['type'];
export const HOTLINE_ACTION_TYPES: readonly HotlineActionType[] = [
  'respond', 'provide-solution', 'confirm', 'reject', 'reopen', 'change-severity', 'pause', 'resume', 'transfer', 'apply-contract',
];

export interface AuditEntry {
  atMs: number;
  type: string;
  by: string;
  details?: string;
}

export interface HotlineCase {
  caseId: string;
  product: 'hotline';
  customer: Customer;
  problem: Problem;
  timeZone: string;
  policy: SlaPolicy;
  severity: string;
  status: HotlineStatus;
  paused: boolean;
  pausedSinceMs: number | null;
  pauses: { fromMs: number; toMs: number }[];
  /** 1-based escalation tier (domain.md §3). */
  tier: number;
  entitlement: EntitlementDecision;
  reportedMs: number;
  intakeMs: number;
  clockStartMs: number;
  windows: SlaWindow[];
  breaches: Breach[];
  owner: string;
  solution: { text: string; by: string; atMs: number } | null;
  solutionCount: number;
  callBacksDue: number[];
  autoClosedMs: number | null;
  closedMs: number | null;
  closeReason: string | null;
  closing: ClosingSettings;
  audit: AuditEntry[];
  outbox: Email[];
  warnings: string[];
  contract?: ContractReference;
  notices?: NoticeSettings;
  /** Notices already queued, as `kind/windowIndex`. */
  noticesDone?: string[];
}

export class NotEntitledError extends Error {
  override name = 'NotEntitledError';
}

/** Whether the intake is covered, paid work or refused (§5); the API asks before it starts anything. */
export function intakeEntitlement(intake: HotlineIntake, reportedMs: number): EntitlementDecision {
  return checkEntitlement({
    servicePeriods: intake.servicePeriods,
    reportedOn: localDateOf(reportedMs, new ZoneOffsets(intake.timeZone)),
    problemType: intake.problem.type,
    paidWorkRequested: intake.paidWorkRequested ?? false,
    defectsAlwaysCovered: intake.policy.defectsAlwaysCovered,
  });
}

export function createHotlineCase(intake: HotlineIntake, nowMs: number, calendars: PolicyCalendars): HotlineCase {
  const reportedMs = Math.min(Date.parse(intake.reportedAt), nowMs);
  if (!findLevel(intake.policy, intake.severity)) {
    throw new Error(`Policy ${intake.policy.id} has no severity "${intake.severity}"`);
  }
  const entitlement = intakeEntitlement(intake, reportedMs);
  if (entitlement.decision === 'refused') throw new NotEntitledError(entitlement.reason);
  const start = clockStartMs(intake.policy.clockStart, reportedMs, calendars);
  const windows = openWindows(intake.policy, intake.severity, start, HOTLINE_EVENTS, calendars);
  return {
    caseId: intake.caseId,
    product: 'hotline',
    customer: intake.customer,
    problem: intake.problem,
    timeZone: intake.timeZone,
    policy: intake.policy,
    severity: intake.severity,
    status: 'open',
    paused: false,
    pausedSinceMs: null,
    pauses: [],
    tier: 1,
    entitlement,
    reportedMs,
    intakeMs: nowMs,
    clockStartMs: start,
    windows,
    breaches: [],
    owner: intake.openedBy,
    solution: null,
    solutionCount: 0,
    callBacksDue: [],
    autoClosedMs: null,
    closedMs: null,
    closeReason: null,
    closing: { ...DEFAULT_CLOSING, ...intake.closing },
    audit: [{ atMs: nowMs, type: 'opened', by: intake.openedBy, details: `${entitlement.decision}: ${entitlement.reason}` }],
    outbox: [],
    warnings: dataCoverageWarnings(windows, intake.policy),
    ...(intake.contract && { contract: intake.contract }),
    ...(intake.notices && { notices: intake.notices, noticesDone: [] }),
  };
}


/** Why an action cannot be taken now, or null when it can (the update validator's answer). */
export function refusalOf(state: HotlineCase, action: HotlineAction, nowMs?: number): { type: string; message: string } | null {
  // An action handled in the same moment a closing deadline fires is judged by the status due by now.
  const status = nowMs === undefined ? state.status : statusDueBy(state, nowMs);
  const wrongState = (allowed: HotlineStatus[]) =>
    allowed.includes(status) ? null : { type: 'InvalidState', message: `Cannot ${action.type} a case that is ${status}` };
  switch (action.type) {
    case 'respond':
      return wrongState(['open']);
    case 'provide-solution':
      return wrongState(['open', 'in-progress']);
    case 'confirm':
      return wrongState(['solved', 'auto-closed']);
    case 'reject':
      return wrongState(['solved']);
    case 'reopen':
      return wrongState(['auto-closed']);
    case 'change-severity':
      if (!findLevel(state.policy, action.severity)) {
        return { type: 'UnknownSeverity', message: `Policy ${state.policy.id} has no severity "${action.severity}"; use one of ${state.policy.levels.map((level) => level.id).join(', ')}` };
      }
      if (action.severity === state.severity) return { type: 'InvalidState', message: `The case is already at severity ${action.severity}` };
      return wrongState(['open', 'in-progress']);
    case 'pause':
      if (state.paused) return { type: 'InvalidState', message: 'The case is already paused' };
      return wrongState(['open', 'in-progress']);
    case 'resume':
      return state.paused ? null : { type: 'InvalidState', message: 'The case is not paused' };
    case 'apply-contract': {
      const severity = action.severity ?? state.severity;
      if (!findLevel(action.policy, severity)) {
        return { type: 'UnknownSeverity', message: `Policy ${action.policy.id} has no severity "${severity}"; map the case's level with "severity": one of ${action.policy.levels.map((level) => level.id).join(', ')}` };
      }
      if (state.contract && state.contract.id === action.contract.id && state.contract.version >= action.contract.version) {
        return { type: 'InvalidState', message: `Contract ${action.contract.id} version ${state.contract.version} is already applied` };
      }
      return wrongState(['open', 'in-progress', 'solved', 'auto-closed']);
    }
    case 'transfer':
      return wrongState(['open', 'in-progress']) ?? {
        type: 'TransferUnavailable',
        message: `Transfer to ${action.to} is not available yet: the ${action.to} product is not in service. Keep the case on the hotline.`,
      };
  }
}

/** Applies an allowed action at `nowMs`. Callers check `refusalOf` first. */
export function applyAction(state: HotlineCase, action: HotlineAction, nowMs: number, calendars: PolicyCalendars): void {
  const audit = (type: string, details?: string) => state.audit.push({ atMs: nowMs, type, by: action.by, details });
  switch (action.type) {
    case 'respond':
      meetWindows(state.windows, 'response', nowMs, calendars);
      state.status = 'in-progress';
      audit('responded', action.note);
      return;
    case 'provide-solution':
      meetWindows(state.windows, 'response', nowMs, calendars);
      meetWindows(state.windows, 'solution', nowMs, calendars);
      endPause(state, nowMs, calendars);
      state.status = 'solved';
      state.solution = { text: action.solution, by: action.by, atMs: nowMs };
      state.solutionCount += 1;
      if (isSampledForCallBack(state.caseId, state.solutionCount, state.closing.callBackSampleRate)) {
        state.callBacksDue.push(state.solutionCount);
      }
      audit('solution-provided', action.solution);
      return;
    case 'confirm':
      close(state, nowMs, 'Confirmed by the customer');
      audit('confirmed', action.note);
      return;
    case 'reject':
      state.status = 'in-progress';
      reopenMetWindows(state.windows, 'solution', nowMs, state.paused, calendars);
      audit('solution-rejected', action.reason);
      return;
    case 'reopen':
      state.status = 'in-progress';
      state.autoClosedMs = null;
      rearmWindows(state.windows, state.policy, state.severity, 'solution', nowMs, calendars);
      audit('reopened', action.reason);
      return;
    case 'change-severity': {
      const from = state.severity;
      // The `from-report` rule subtracts pauses: the one still running counts too (pause time is never lost, §2).
      const pauses = state.pausedSinceMs === null ? state.pauses : [...state.pauses, { fromMs: state.pausedSinceMs, toMs: nowMs }];
      reclassifyWindows(state.windows, {
        policy: state.policy, fromLevel: from, toLevel: action.severity, atMs: nowMs, clockStartMs: state.clockStartMs,
        pauses, paused: state.paused, events: HOTLINE_EVENTS,
      }, calendars);
      state.severity = action.severity;
      audit('severity-changed', `${from} → ${action.severity}${action.reason ? `: ${action.reason}` : ''}`);
      return;
    }
    case 'pause':
      pauseWindows(state.windows, nowMs, calendars);
      state.paused = true;
      state.pausedSinceMs = nowMs;
      audit('paused', action.reason);
      return;
    case 'resume':
      endPause(state, nowMs, calendars);
      audit('resumed', action.note);
      return;
    case 'apply-contract': {
      const from = { policy: state.policy.id, severity: state.severity };
      const toLevel = action.severity ?? state.severity;
      // Stop every clock under the old calendars, then re-arm under the new policy keeping the
      // working time already used: an amendment neither forgives nor adds time, and loses no pause.
      pauseWindows(state.windows, nowMs, calendars);
      // Windows kept from the old policy (met ones, reopenable) still name its calendars.
      const policy: SlaPolicy = { ...action.policy, calendars: { ...state.policy.calendars, ...action.policy.calendars } };
      const live = state.status === 'open' || state.status === 'in-progress';
      reclassifyWindows(state.windows, {
        policy: { ...policy, reclassification: 'carry-elapsed' }, fromLevel: state.severity, toLevel, atMs: nowMs,
        clockStartMs: state.clockStartMs, pauses: state.pauses, paused: state.paused,
        // A solved case owes nothing until it is reopened: no window starts running now.
        events: live ? HOTLINE_EVENTS : [], continueBy: 'event',
      }, new PolicyCalendars(policy));
      if (live && !state.paused) resumeWindows(state.windows, nowMs, new PolicyCalendars(policy));
      state.policy = policy;
      state.severity = toLevel;
      state.tier = Math.min(state.tier, policy.escalationTiers.length);
      state.contract = action.contract;
      audit('contract-applied', `Contract ${action.contract.id} version ${action.contract.version}: policy ${from.policy} → ${action.policy.id}, severity ${from.severity} → ${toLevel}; working time already used is kept`);
      return;
    }
    case 'transfer':
      throw new Error('Transfer is refused by refusalOf until the remote and on-site products exist');
  }
}

function endPause(state: HotlineCase, nowMs: number, calendars: PolicyCalendars): void {
  if (!state.paused || state.pausedSinceMs === null) return;
  state.pauses.push({ fromMs: state.pausedSinceMs, toMs: nowMs });
  state.paused = false;
  state.pausedSinceMs = null;
  if (state.status === 'open' || state.status === 'in-progress') resumeWindows(state.windows, nowMs, calendars);
}

function close(state: HotlineCase, nowMs: number, reason: string): void {
  state.status = 'closed';
  state.closedMs = nowMs;
  state.closeReason = reason;
}

/** A stable spot-check draw per case and solution, so replay and re-runs agree (003 §4). */
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

function autoCloseDueMs(state: HotlineCase): number | null {
  if (state.status !== 'solved' || !state.solution) return null;
  return addCalendarMonths(state.solution.atMs, state.closing.autoCloseAfterMonths, new ZoneOffsets(state.timeZone));
}

/** The status the passing of time has made due by `nowMs`, whether or not it has been applied yet. */
function statusDueBy(state: HotlineCase, nowMs: number): HotlineStatus {
  const finalClose = finalCloseDueMs(state);
  if (finalClose !== null && finalClose <= nowMs) return 'closed';
  const autoClose = autoCloseDueMs(state);
  if (autoClose !== null && autoClose <= nowMs) return 'auto-closed';
  return state.status;
}

function finalCloseDueMs(state: HotlineCase): number | null {
  if (state.status !== 'auto-closed' || state.autoClosedMs === null) return null;
  return addCalendarMonths(state.autoClosedMs, state.closing.reopenWithinMonths, new ZoneOffsets(state.timeZone));
}

export type DeadlineKind = 'window' | 'warning' | 'notice' | 'auto-close' | 'final-close';

/** The next instant at which time alone changes the case, and why. */
export function nextDeadline(state: HotlineCase, calendars?: PolicyCalendars): { atMs: number; kind: DeadlineKind } | null {
  const candidates: { atMs: number; kind: DeadlineKind }[] = [];
  if (state.notices && calendars) {
    const warning = nextWarningMs(state, state.notices, calendars);
    if (warning !== null) candidates.push({ atMs: warning, kind: 'warning' });
    const held = state.outbox.map((email) => email.notBeforeMs).filter((ms): ms is number => ms !== undefined);
    if (held.length > 0) candidates.push({ atMs: Math.min(...held), kind: 'notice' });
  }
  if (state.status === 'open' || state.status === 'in-progress') {
    const due = nextDueMs(state.windows);
    if (due !== null) candidates.push({ atMs: due, kind: 'window' });
  }
  const autoClose = autoCloseDueMs(state);
  if (autoClose !== null) candidates.push({ atMs: autoClose, kind: 'auto-close' });
  const finalClose = finalCloseDueMs(state);
  if (finalClose !== null) candidates.push({ atMs: finalClose, kind: 'final-close' });
  return candidates.sort((a, b) => a.atMs - b.atMs)[0] ?? null;
}

/** Applies what the passing of time does by `nowMs`: breaches with escalation, auto-close, final close. */
export function applyTime(state: HotlineCase, nowMs: number, calendars: PolicyCalendars): void {
  if (state.status === 'open' || state.status === 'in-progress') {
    for (const breach of recordBreaches(state.windows, nowMs)) {
      state.breaches.push(breach);
      const from = state.tier;
      state.tier = Math.min(state.tier + 1, state.policy.escalationTiers.length);
      state.audit.push({ atMs: nowMs, type: 'breached', by: 'system', details: `${breach.window} window (level ${breach.level}) was due ${new Date(breach.dueMs).toISOString()}` });
      if (state.tier !== from) {
        state.audit.push({ atMs: nowMs, type: 'escalated', by: 'system', details: `Tier ${from} → ${state.tier}: ${state.policy.escalationTiers[state.tier - 1]}` });
      }
    }
  }
  if (state.notices) queueNotices(state, state.notices, nowMs, calendars);
  const autoClose = autoCloseDueMs(state);
  if (autoClose !== null && autoClose <= nowMs) {
    state.status = 'auto-closed';
    state.autoClosedMs = nowMs;
    state.audit.push({ atMs: nowMs, type: 'auto-closed', by: 'system', details: `No answer within ${state.closing.autoCloseAfterMonths} month(s) of the solution` });
    state.outbox.push({
      key: `hotline-${state.caseId}/auto-close/${state.solutionCount}`,
      to: state.customer.email,
      subject: `Case ${state.caseId} closed automatically`,
      text:
        `Dear ${state.customer.name},\n\nwe have not heard from you since we provided a solution to case ${state.caseId} ` +
        `(${state.problem.description}). The case is now closed automatically.\n\n` +
        `If the problem is not solved, you can reopen the case within ${state.closing.reopenWithinMonths} month(s).\n`,
    });
  }
  const finalClose = finalCloseDueMs(state);
  if (finalClose !== null && finalClose <= nowMs) {
    close(state, nowMs, `Not reopened within ${state.closing.reopenWithinMonths} month(s) of the automatic close`);
    state.audit.push({ atMs: nowMs, type: 'closed', by: 'system', details: state.closeReason ?? undefined });
  }
}

export function isBreached(state: HotlineCase): boolean {
  return state.breaches.length > 0;
}

export type { Email };

function nextWarningMs(state: HotlineCase, settings: NoticeSettings, calendars: PolicyCalendars): number | null {
  if (state.status !== 'open' && state.status !== 'in-progress') return null;
  const done = new Set(state.noticesDone);
  const instants = state.windows
    .map((window, index) => (done.has(`warning/${index}`) ? null : warningDueMs(window, settings, Number.NEGATIVE_INFINITY, calendars)))
    .filter((ms): ms is number => ms !== null);
  return instants.length === 0 ? null : Math.min(...instants);
}

/** Queues a warning for each window past its threshold and a notice for each new breach, once each. */
function queueNotices(state: HotlineCase, settings: NoticeSettings, nowMs: number, calendars: PolicyCalendars): void {
  const done = new Set(state.noticesDone);
  const officeHours = officeHoursOf(settings);
  const live = state.status === 'open' || state.status === 'in-progress';
  state.windows.forEach((window, index) => {
    const notices: Notice[] = [];
    if (window.breachedDueMs !== null && !done.has(`breach/${index}`)) {
      notices.push({ kind: 'breach', window: index, atMs: window.breachedDueMs, deliverAtMs: deliveryMs(Math.max(nowMs, window.breachedDueMs), settings, officeHours) });
    } else if (live && !done.has(`warning/${index}`)) {
      const warningMs = warningDueMs(window, settings, Number.NEGATIVE_INFINITY, calendars);
      if (warningMs !== null && warningMs <= nowMs) notices.push({ kind: 'warning', window: index, atMs: warningMs, deliverAtMs: deliveryMs(nowMs, settings, officeHours) });
    }
    for (const notice of notices) {
      const key = `${notice.kind}/${index}`;
      state.noticesDone!.push(key);
      done.add(key);
      state.outbox.push(...noticeEmails(state.caseId, notice, window, settings, state.policy.escalationTiers[state.tier - 1] ?? '', state.timeZone));
      const held = notice.deliverAtMs > nowMs ? `, e-mail held until ${new Date(notice.deliverAtMs).toISOString()}` : '';
      state.audit.push({ atMs: nowMs, type: notice.kind === 'warning' ? 'warned' : 'breach-notified', by: 'system', details: `${window.label} window (level ${window.level})${held}` });
    }
  });
}
