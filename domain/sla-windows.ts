/**
 * Running SLA windows of one case: arming, pausing, meeting, breaching and reclassifying.
 * Pure functions over plain data (kept in workflow state and history), with instants as epoch ms.
 * Pause time is never lost: a window only ever consumes working time while it runs.
 */
import { BusinessCalendar } from './calendar';
import type { ClockStart, MeetingEvent, ReclassificationRule, SlaPolicy, WindowRole, WindowSpec } from './sla-policy';
import { compareSeverity, findLevel, isMetBy, roleOf } from './sla-policy';

export interface SlaWindow {
  name: string;
  label: string;
  level: string;
  policyId: string;
  calendar: string;
  metBy: MeetingEvent;
  alsoMetBy?: MeetingEvent[];
  /** The budget the window gives an arrival once the case goes on site (R-002-1). */
  onSiteBudgetMs?: number;
  /** Absent on windows armed before roles: then the role of `metBy`. */
  role?: WindowRole;
  budgetMs: number;
  minMs?: number;
  /** Working time used before `runningSinceMs` (all of it while the window is stopped). */
  consumedMs: number;
  /** Set while the clock runs. */
  runningSinceMs: number | null;
  /** Due instant while the clock runs; null while paused or once met. */
  dueMs: number | null;
  /** Due instant that was breached (kept after the clock stops). */
  breachedDueMs: number | null;
  breachRecordedMs: number | null;
  metMs: number | null;
  /** A window replaced by reclassification: kept for the record, never due again. */
  superseded: boolean;
}

export interface Breach {
  window: string;
  level: string;
  dueMs: number;
  recordedMs: number;
}

/** Compiled calendars of a policy, built once per workflow run. */
export class PolicyCalendars {
  private readonly compiled = new Map<string, BusinessCalendar>();
  constructor(readonly policy: SlaPolicy) {}

  get(name: string): BusinessCalendar {
    let calendar = this.compiled.get(name);
    if (!calendar) {
      // Own keys only: a calendar named "toString" is the policy's, not Object's.
      const spec = Object.hasOwn(this.policy.calendars, name) ? this.policy.calendars[name] : undefined;
      if (!spec) throw new Error(`Policy ${this.policy.id} has no calendar "${name}"`);
      calendar = new BusinessCalendar(spec);
      this.compiled.set(name, calendar);
    }
    return calendar;
  }
}

/** The instant the clock starts for a report received at `reportedMs` (002: next working time). */
export function clockStartMs(clockStart: ClockStart, reportedMs: number, calendars: PolicyCalendars): number {
  return clockStart.kind === 'reported' ? reportedMs : calendars.get(clockStart.calendar).nextWorkingInstant(reportedMs);
}

function armWindow(spec: WindowSpec, policy: SlaPolicy, level: string, startMs: number, consumedMs: number, calendars: PolicyCalendars): SlaWindow {
  const budgetMs = spec.maxMinutes * 60_000;
  const window: SlaWindow = {
    name: spec.name,
    label: spec.label,
    level,
    policyId: policy.id,
    calendar: spec.calendar,
    metBy: spec.metBy,
    budgetMs,
    consumedMs,
    runningSinceMs: startMs,
    dueMs: calendars.get(spec.calendar).addWorkingTime(startMs, Math.max(0, budgetMs - consumedMs)),
    breachedDueMs: null,
    breachRecordedMs: null,
    metMs: null,
    superseded: false,
  };
  if (spec.minMinutes !== undefined) window.minMs = spec.minMinutes * 60_000;
  if (spec.role !== undefined) window.role = spec.role;
  if (spec.alsoMetBy !== undefined) window.alsoMetBy = spec.alsoMetBy;
  if (spec.onSiteMaxMinutes !== undefined) window.onSiteBudgetMs = spec.onSiteMaxMinutes * 60_000;
  return window;
}

/**
 * The case goes on site: a live window that gives an arrival more time (002 software C: remote
 * work within 12 h or on site within 24 h, R-002-1) takes that budget from its start. A window
 * already breached keeps its breach. Returns the windows changed.
 */
export function giveOnSiteTime(windows: SlaWindow[], calendars: PolicyCalendars): SlaWindow[] {
  const changed = windows.filter((window) => isLive(window) && window.breachedDueMs === null && window.onSiteBudgetMs !== undefined && window.onSiteBudgetMs > window.budgetMs);
  for (const window of changed) {
    window.budgetMs = window.onSiteBudgetMs!;
    if (window.runningSinceMs !== null) startClock(window, window.runningSinceMs, calendars);
  }
  return changed;
}

/** Arms the windows of a level whose meeting events the product handles. */
export function openWindows(policy: SlaPolicy, levelId: string, startMs: number, events: readonly MeetingEvent[], calendars: PolicyCalendars): SlaWindow[] {
  const level = findLevel(policy, levelId);
  if (!level) throw new Error(`Policy ${policy.id} has no level "${levelId}"`);
  return level.windows.filter((spec) => events.some((event) => isMetBy(spec, event))).map((spec) => armWindow(spec, policy, levelId, startMs, 0, calendars));
}

function isLive(window: SlaWindow): boolean {
  return window.metMs === null && !window.superseded;
}

function stopClock(window: SlaWindow, atMs: number, calendars: PolicyCalendars): void {
  if (window.runningSinceMs === null) return;
  window.consumedMs += calendars.get(window.calendar).workingTimeBetween(window.runningSinceMs, atMs);
  window.runningSinceMs = null;
  window.dueMs = null;
}

function startClock(window: SlaWindow, atMs: number, calendars: PolicyCalendars): void {
  window.runningSinceMs = atMs;
  window.dueMs = calendars.get(window.calendar).addWorkingTime(atMs, Math.max(0, window.budgetMs - window.consumedMs));
}

/** Stops every live window's clock (waiting on the customer, M004-7). */
export function pauseWindows(windows: SlaWindow[], atMs: number, calendars: PolicyCalendars): void {
  windows.filter(isLive).forEach((window) => stopClock(window, atMs, calendars));
}

/** Restarts every live window's clock with the working time it had left. */
export function resumeWindows(windows: SlaWindow[], atMs: number, calendars: PolicyCalendars): void {
  windows.filter((window) => isLive(window) && window.runningSinceMs === null).forEach((window) => startClock(window, atMs, calendars));
}

/** Marks the live windows met by an event; returns their names. */
export function meetWindows(windows: SlaWindow[], event: MeetingEvent, atMs: number, calendars: PolicyCalendars): string[] {
  const met = windows.filter((window) => isLive(window) && isMetBy(window, event));
  met.forEach((window) => {
    stopClock(window, atMs, calendars);
    window.metMs = atMs;
  });
  return met.map((window) => window.name);
}

/**
 * Re-opens windows met by an event that the customer then rejected: the clock goes on with the
 * working time it had when met (the time the customer spent deciding does not count).
 */
export function reopenMetWindows(windows: SlaWindow[], event: MeetingEvent, atMs: number, paused: boolean, calendars: PolicyCalendars): string[] {
  const reopened = windows.filter((window) => !window.superseded && window.metMs !== null && isMetBy(window, event));
  reopened.forEach((window) => {
    window.metMs = null;
    if (!paused) startClock(window, atMs, calendars);
  });
  return reopened.map((window) => window.name);
}

/** Arms fresh windows met by an event (a reopened case gets a new full window). */
export function rearmWindows(windows: SlaWindow[], policy: SlaPolicy, levelId: string, event: MeetingEvent, atMs: number, calendars: PolicyCalendars): SlaWindow[] {
  const fresh = openWindows(policy, levelId, atMs, [event], calendars);
  windows.filter((window) => isMetBy(window, event) && !window.superseded).forEach((window) => (window.superseded = true));
  windows.push(...fresh);
  return fresh;
}

/** Records a breach for each running window whose due instant is not after `nowMs`. */
export function recordBreaches(windows: SlaWindow[], nowMs: number): Breach[] {
  const breaches: Breach[] = [];
  for (const window of windows) {
    if (!isLive(window) || window.dueMs === null || window.breachedDueMs !== null || window.dueMs > nowMs) continue;
    window.breachedDueMs = window.dueMs;
    window.breachRecordedMs = nowMs;
    breaches.push({ window: window.name, level: window.level, dueMs: window.dueMs, recordedMs: nowMs });
  }
  // Oldest due first, so escalation follows the order in which windows passed.
  return breaches.sort((a, b) => a.dueMs - b.dueMs);
}

/** The earliest due instant still to be watched, or null when nothing can breach. */
export function nextDueMs(windows: SlaWindow[]): number | null {
  let next: number | null = null;
  for (const window of windows) {
    if (!isLive(window) || window.dueMs === null || window.breachedDueMs !== null) continue;
    if (next === null || window.dueMs < next) next = window.dueMs;
  }
  return next;
}

/** Working time left on a window at `nowMs` (negative once overdue). */
export function workingTimeLeftMs(window: SlaWindow, nowMs: number, calendars: PolicyCalendars): number {
  const running = window.runningSinceMs === null ? 0 : calendars.get(window.calendar).workingTimeBetween(window.runningSinceMs, nowMs);
  const left = window.budgetMs - window.consumedMs - running;
  if (left > 0 || window.dueMs === null || window.runningSinceMs === null) return left;
  return -calendars.get(window.calendar).workingTimeBetween(window.dueMs, nowMs);
}

export interface ReclassifyInput {
  policy: SlaPolicy;
  fromLevel: string;
  toLevel: string;
  atMs: number;
  clockStartMs: number;
  /** Closed pause stretches so far, for the `from-report` rule. */
  pauses: ReadonlyArray<{ fromMs: number; toMs: number }>;
  paused: boolean;
  events: readonly MeetingEvent[];
  /**
   * Which old window a new one continues: the same name (a level change within one policy), or the
   * same meeting event (a new policy, whose windows may be named differently: 000's diagnosis and
   * 004's restore are both met by the solution).
   */
  continueBy?: 'name' | 'event';
  /**
   * Cases opened under the seeds' reading of reclassification (D-7): windows continue by role; a
   * change never breaches by itself (carried time past the new budget keeps the old due instant);
   * outside `upgradeRestartsClock`, an upgrade carries the time used and no due instant moves later.
   */
  byRole?: boolean;
}

/**
 * Replaces the live windows with the new level's (D-6, D-7): windows already met stay met;
 * the rest restart, carry their elapsed working time, or recompute from the report (pauses kept).
 */
export function reclassifyWindows(windows: SlaWindow[], input: ReclassifyInput, calendars: PolicyCalendars): SlaWindow[] {
  const { policy, toLevel, atMs } = input;
  const level = findLevel(policy, toLevel);
  if (!level) throw new Error(`Policy ${policy.id} has no level "${toLevel}"`);
  const upgrade = compareSeverity(policy, toLevel, input.fromLevel) < 0;
  const restartsOnUpgrade = !input.byRole || policy.upgradeRestartsClock === true;
  const rule = input.policy.reclassification === 'default' ? (upgrade && restartsOnUpgrade ? 'restart' : 'carry-elapsed') : input.policy.reclassification;
  const capLater = input.byRole === true && upgrade && !restartsOnUpgrade && input.policy.reclassification === 'default';

  const continues = (window: SlaWindow, spec: WindowSpec) =>
    input.byRole ? roleOfWindow(window) === roleOf(spec) : input.continueBy === 'event' ? window.metBy === spec.metBy || window.name === spec.name : window.name === spec.name;
  const armed: SlaWindow[] = [];
  for (const spec of level.windows.filter((candidate) => input.events.some((event) => isMetBy(candidate, event)))) {
    const previous = windows.filter((window) => continues(window, spec) && !window.superseded);
    if (previous.some((window) => window.metMs !== null)) continue;
    previous.forEach((window) => stopClock(window, atMs, calendars));
    let consumed = consumedUnder(rule, previous, spec, input, calendars);
    const live = previous.filter((window) => window.metMs === null && window.breachedDueMs === null);
    if (input.byRole && live.length > 0) {
      // Working time the window had left before the change: the due instant it had.
      const leftBefore = Math.min(...live.map((window) => window.budgetMs - window.consumedMs));
      const budgetMs = spec.maxMinutes * 60_000;
      const leftAfter = budgetMs - consumed;
      if (leftAfter <= 0 && leftBefore > 0) consumed = budgetMs - leftBefore;
      else if (capLater && leftAfter > leftBefore) consumed = budgetMs - leftBefore;
    }
    previous.forEach((window) => (window.superseded = true));
    const fresh = armWindow(spec, policy, toLevel, atMs, consumed, calendars);
    // Time already used up under a window that breached: the same breach, not a second one.
    const breached = previous.find((window) => window.breachedDueMs !== null);
    if (breached && consumed >= fresh.budgetMs) {
      fresh.breachedDueMs = breached.breachedDueMs;
      fresh.breachRecordedMs = breached.breachRecordedMs;
    }
    if (input.paused) stopClock(fresh, atMs, calendars);
    armed.push(fresh);
  }
  // Live windows the new level does not have are no longer owed.
  windows
    .filter((window) => isLive(window) && !level.windows.some((spec) => continues(window, spec)))
    .forEach((window) => {
      stopClock(window, atMs, calendars);
      window.superseded = true;
    });
  windows.push(...armed);
  return armed;
}

function roleOfWindow(window: SlaWindow): WindowRole {
  return roleOf(window);
}

function consumedUnder(rule: Exclude<ReclassificationRule, 'default'>, previous: SlaWindow[], spec: WindowSpec, input: ReclassifyInput, calendars: PolicyCalendars): number {
  switch (rule) {
    case 'restart':
      return 0;
    case 'carry-elapsed':
      return previous.reduce((total, window) => Math.max(total, window.consumedMs), 0);
    case 'from-report': {
      const calendar = calendars.get(spec.calendar);
      const paused = input.pauses.reduce((total, pause) => total + calendar.workingTimeBetween(pause.fromMs, pause.toMs), 0);
      return Math.max(0, calendar.workingTimeBetween(input.clockStartMs, input.atMs) - paused);
    }
  }
}
