/**
 * The SLA clock of a case, whatever its product (D-1, D-6–D-9): the windows a product's events
 * open and meet, pauses while waiting on the customer, reclassification by the contract's rule,
 * breaches with escalation, pre-breach warnings and breach notices. Whether the clock runs is the
 * clock's own state (`running`), never a product's status.
 */
import { dataCoverageWarnings } from '../data-coverage';
import { type Notice, type NoticeSettings, deliveryMs, noticeEmails, officeHoursOf, warningDueMs, warningThresholdMs } from '../notices';
import type { MeetingEvent, SlaPolicy } from '../sla-policy';
import { findLevel } from '../sla-policy';
import type { Breach, SlaWindow } from '../sla-windows';
import {
  PolicyCalendars,
  clockStartMs,
  meetWindows,
  nextDueMs,
  openWindows,
  pauseWindows,
  rearmWindows,
  reclassifyWindows,
  recordBreaches,
  reopenMetWindows,
  resumeWindows,
} from '../sla-windows';
import { type EscalationState, applyTierTime, armTierClock, escalate, resumeTierClock, retargetTierClock, stopTierClock, tierName } from './escalation';

export { tierName } from './escalation';
import { type CaseRecord, SYSTEM, caseKey, localInstant, recordEntry } from './record';

export interface ContractReference {
  id: string;
  version: number;
}

/**
 * Versions of the rules a case runs under, kept with the case so that a running case keeps the
 * behaviour it started with: 1 before the seeds' reading of reclassification (D-7), 2 from then.
 */
export const CURRENT_RULES = 2;

/** Whether a case runs under rules 2 (the seeds' reading) rather than the first rules. */
export function followsSeedRules(clock: { rules?: number }): boolean {
  return (clock.rules ?? 1) >= 2;
}

export interface CaseClock extends EscalationState {
  /** The rules version the case was opened under (absent: 1). */
  rules?: number;
  /** The events this product meets windows with; windows met by others belong to other products. */
  events: MeetingEvent[];
  pausedSinceMs: number | null;
  pauses: { fromMs: number; toMs: number }[];
  reportedMs: number;
  clockStartMs: number;
  windows: SlaWindow[];
  breaches: Breach[];
  warnings: string[];
  contract?: ContractReference;
  /** Pre-breach warnings and breach notices; without them, breaches are only recorded. */
  notices?: NoticeSettings;
  /** Notices already queued, as `kind/windowIndex`. */
  noticesDone?: string[];
}

export type ClockedCase = CaseRecord & CaseClock;

export interface ClockIntake {
  /** Defaults to the current rules; a workflow passes an older version for runs recorded before it. */
  rules?: number;
  policy: SlaPolicy;
  severity: string;
  events: readonly MeetingEvent[];
  reportedMs: number;
  contract?: ContractReference;
  notices?: NoticeSettings;
}

export function openClock(intake: ClockIntake, calendars: PolicyCalendars): CaseClock {
  if (!findLevel(intake.policy, intake.severity)) throw new Error(`Policy ${intake.policy.id} has no severity "${intake.severity}"`);
  const start = clockStartMs(intake.policy.clockStart, intake.reportedMs, calendars);
  const windows = openWindows(intake.policy, intake.severity, start, intake.events, calendars);
  const rules = intake.rules ?? CURRENT_RULES;
  const clock: CaseClock = {
    rules,
    policy: intake.policy,
    severity: intake.severity,
    events: [...intake.events],
    running: true,
    paused: false,
    pausedSinceMs: null,
    pauses: [],
    // 000: the vendor's support is the seed's tier 2; the customer's own operators are tier 1 (M000-5).
    tier: rules >= 2 ? (intake.policy.entryTier ?? 1) : 1,
    ...(rules >= 2 && { tierChanges: [] }),
    reportedMs: intake.reportedMs,
    clockStartMs: start,
    windows,
    breaches: [],
    warnings: dataCoverageWarnings(windows, intake.policy),
    ...(intake.contract && { contract: intake.contract }),
    ...(intake.notices && { notices: intake.notices, noticesDone: [] }),
  };
  armTierClock(clock, start, calendars);
  return clock;
}

/** Meets the windows of an event (a response, a solution, an arrival); returns their names. */
export function meetEvent(clock: CaseClock, event: MeetingEvent, atMs: number, calendars: PolicyCalendars): string[] {
  return meetWindows(clock.windows, event, atMs, calendars);
}

/** Nothing more is owed: every window an event of this product meets is met, the pause ends. */
export function stopClock(clock: CaseClock, atMs: number, calendars: PolicyCalendars): void {
  for (const event of clock.events) meetWindows(clock.windows, event, atMs, calendars);
  endPause(clock, atMs, calendars);
  stopTierClock(clock, atMs, calendars);
  clock.running = false;
}

/** The customer rejected the outcome: the windows it met run on with the time they had left. */
export function restartAfterRejection(clock: CaseClock, event: MeetingEvent, atMs: number, calendars: PolicyCalendars): void {
  clock.running = true;
  reopenMetWindows(clock.windows, event, atMs, clock.paused, calendars);
  if (!clock.paused) resumeTierClock(clock, atMs, calendars);
}

/** A reopened case gets fresh windows for the event that closed it. */
export function restartAfterReopening(clock: CaseClock, event: MeetingEvent, atMs: number, calendars: PolicyCalendars): void {
  clock.running = true;
  rearmWindows(clock.windows, clock.policy, clock.severity, event, atMs, calendars);
  armTierClock(clock, atMs, calendars);
}

export function pauseClock(clock: CaseClock, atMs: number, calendars: PolicyCalendars): void {
  pauseWindows(clock.windows, atMs, calendars);
  stopTierClock(clock, atMs, calendars);
  clock.paused = true;
  clock.pausedSinceMs = atMs;
}

export function endPause(clock: CaseClock, atMs: number, calendars: PolicyCalendars): void {
  if (!clock.paused || clock.pausedSinceMs === null) return;
  clock.pauses.push({ fromMs: clock.pausedSinceMs, toMs: atMs });
  clock.paused = false;
  clock.pausedSinceMs = null;
  if (clock.running) {
    resumeWindows(clock.windows, atMs, calendars);
    resumeTierClock(clock, atMs, calendars);
  }
}

/** Moves the case to another level of its policy by the contract's reclassification rule (D-6, D-7). */
export function reclassify(clock: CaseClock, toLevel: string, atMs: number, calendars: PolicyCalendars): void {
  // The `from-report` rule subtracts pauses: the one still running counts too (pause time is never lost, D-8).
  const pauses = clock.pausedSinceMs === null ? clock.pauses : [...clock.pauses, { fromMs: clock.pausedSinceMs, toMs: atMs }];
  reclassifyWindows(
    clock.windows,
    {
      policy: clock.policy,
      fromLevel: clock.severity,
      toLevel,
      atMs,
      clockStartMs: clock.clockStartMs,
      pauses,
      paused: clock.paused,
      events: clock.events,
      byRole: followsSeedRules(clock),
    },
    calendars,
  );
  clock.severity = toLevel;
  retargetTierClock(clock, atMs, calendars, clock.tier);
}

/**
 * Puts the case under an amended contract's policy, keeping the working time already used: an
 * amendment neither forgives nor adds time, and loses no pause. Returns the merged policy.
 */
export function applyContractPolicy(clock: CaseClock, contract: ContractReference, newPolicy: SlaPolicy, toLevel: string, atMs: number, calendars: PolicyCalendars): SlaPolicy {
  // Stop every clock under the old calendars, then re-arm under the new policy.
  pauseWindows(clock.windows, atMs, calendars);
  // Windows kept from the old policy (met ones, reopenable) still name its calendars.
  const policy: SlaPolicy = { ...newPolicy, calendars: { ...clock.policy.calendars, ...newPolicy.calendars } };
  const newCalendars = new PolicyCalendars(policy);
  reclassifyWindows(
    clock.windows,
    {
      policy: { ...policy, reclassification: 'carry-elapsed' },
      fromLevel: clock.severity,
      toLevel,
      atMs,
      clockStartMs: clock.clockStartMs,
      pauses: clock.pauses,
      paused: clock.paused,
      // A case that owes nothing until it is reopened arms no window now.
      events: clock.running ? clock.events : [],
      continueBy: 'event',
    },
    newCalendars,
  );
  if (clock.running && !clock.paused) resumeWindows(clock.windows, atMs, newCalendars);
  clock.policy = policy;
  clock.severity = toLevel;
  const tierBefore = clock.tier;
  clock.tier = Math.min(clock.tier, policy.escalationTiers.length);
  clock.contract = contract;
  retargetTierClock(clock, atMs, newCalendars, tierBefore);
  return policy;
}

export function isBreached(clock: CaseClock): boolean {
  return clock.breaches.length > 0;
}

export type ClockDeadlineKind = 'window' | 'warning' | 'notice' | 'escalation';

/** The next instant at which time alone changes the clock or its notices. */
export function nextClockDeadlines(clock: ClockedCase, calendars: PolicyCalendars): { atMs: number; kind: ClockDeadlineKind }[] {
  const candidates: { atMs: number; kind: ClockDeadlineKind }[] = [];
  if (clock.notices) {
    const warning = nextWarningMs(clock, clock.notices, calendars);
    if (warning !== null) candidates.push({ atMs: warning, kind: 'warning' });
    const held = clock.outbox.map((email) => email.notBeforeMs).filter((ms): ms is number => ms !== undefined);
    if (held.length > 0) candidates.push({ atMs: Math.min(...held), kind: 'notice' });
  }
  if (clock.running) {
    const due = nextDueMs(clock.windows);
    if (due !== null) candidates.push({ atMs: due, kind: 'window' });
    if (clock.tierClock?.dueMs != null) candidates.push({ atMs: clock.tierClock.dueMs, kind: 'escalation' });
  }
  return candidates;
}

/** The next due instant of a running window, or null (search attribute `NextDueAt`). */
export function nextWindowDueMs(clock: CaseClock): number | null {
  return clock.running ? nextDueMs(clock.windows) : null;
}

/** What the passing of time does to the clock by `nowMs`: breaches with escalation, then notices. */
export function applyClockTime(clock: ClockedCase, nowMs: number, calendars: PolicyCalendars): void {
  if (clock.running) {
    for (const breach of recordBreaches(clock.windows, nowMs)) {
      clock.breaches.push(breach);
      recordEntry(clock, nowMs, 'breached', SYSTEM, `${breach.window} window (level ${breach.level}) was due ${localInstant(clock, breach.dueMs)}`);
      escalate(clock, nowMs, calendars, { cause: 'breach', dueMs: breach.dueMs });
    }
    applyTierTime(clock, nowMs, calendars);
  }
  if (clock.notices) queueNotices(clock, clock.notices, nowMs, calendars);
}

function nextWarningMs(clock: CaseClock, settings: NoticeSettings, calendars: PolicyCalendars): number | null {
  if (!clock.running) return null;
  const done = new Set(clock.noticesDone);
  const instants = clock.windows
    .map((window, index) => (done.has(`warning/${index}`) ? null : warningDueMs(window, settings, Number.NEGATIVE_INFINITY, calendars)))
    .filter((ms): ms is number => ms !== null);
  return instants.length === 0 ? null : Math.min(...instants);
}

/** Queues a warning for each window past its threshold and a notice for each new breach, once each. */
function queueNotices(clock: ClockedCase, settings: NoticeSettings, nowMs: number, calendars: PolicyCalendars): void {
  const done = new Set(clock.noticesDone);
  const officeHours = officeHoursOf(settings);
  clock.windows.forEach((window, index) => {
    const notices: Notice[] = [];
    if (window.breachedDueMs !== null && !done.has(`breach/${index}`)) {
      notices.push({ kind: 'breach', window: index, atMs: window.breachedDueMs, deliverAtMs: deliveryMs(Math.max(nowMs, window.breachedDueMs), settings, officeHours) });
      // Its warning never went out (the time passed while no worker ran, say): the breach notice
      // supersedes it, and the record says so rather than dropping it silently.
      if (!done.has(`warning/${index}`) && warningThresholdMs(window, settings) !== null) {
        recordEntry(clock, nowMs, 'warning-superseded', SYSTEM, `${window.label} window (level ${window.level}): breached before its pre-breach warning went out; the breach notice goes instead`);
      }
    } else if (clock.running && !done.has(`warning/${index}`)) {
      const warningMs = warningDueMs(window, settings, Number.NEGATIVE_INFINITY, calendars);
      if (warningMs !== null && warningMs <= nowMs) notices.push({ kind: 'warning', window: index, atMs: warningMs, deliverAtMs: deliveryMs(nowMs, settings, officeHours) });
    }
    for (const notice of notices) {
      const key = `${notice.kind}/${index}`;
      clock.noticesDone!.push(key);
      done.add(key);
      const emails = noticeEmails(caseKey(clock), clock.caseId, notice, window, settings, tierName(clock), clock.timeZone);
      clock.outbox.push(...emails);
      // Nobody to tell: the notice is recorded, but nothing is held for office hours.
      const held = emails.length > 0 && notice.deliverAtMs > nowMs ? `, e-mail held until ${localInstant(clock, notice.deliverAtMs)}` : '';
      recordEntry(clock, nowMs, notice.kind === 'warning' ? 'warned' : 'breach-notified', SYSTEM, `${window.label} window (level ${window.level})${held}`);
    }
  });
}
