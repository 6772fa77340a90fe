/**
 * Escalation as its own clock (D-9, C11): a case moves up a tier when a window is missed,
 * when it stays unsolved at a tier past that tier's time, or when an engineer escalates it with a
 * reason. The time at a tier counts in working time and stops with the case's clock (a pause, a
 * solution); every change is recorded with its cause and its due instant.
 */
import { type SlaPolicy, findLevel, minutesAtTier } from '../sla-policy';
import { PolicyCalendars } from '../sla-windows';
import { type CaseRecord, SYSTEM, localInstant, recordEntry } from './record';

export type TierChangeCause = 'breach' | 'time-at-tier' | 'engineer' | 'contract';

export interface TierChange {
  from: number;
  to: number;
  atMs: number;
  cause: TierChangeCause;
  /** The instant that made it due: the missed window's, the end of the time at the tier, or the engineer's request. */
  dueMs: number;
  by: string;
  reason?: string;
}

/** The running time at the current tier; none at the last tier or when the level has no window. */
export interface TierClock {
  tier: number;
  calendar: string;
  budgetMs: number;
  consumedMs: number;
  runningSinceMs: number | null;
  dueMs: number | null;
}

/** The tier clock counts in the case's current policy, which an applied contract may have replaced. */
function current(clock: CaseClock, calendars: PolicyCalendars): PolicyCalendars {
  return calendars.policy === clock.policy ? calendars : new PolicyCalendars(clock.policy);
}

/** The escalation part of a case's clock (domain/case/clock.ts extends it). */
export interface EscalationState {
  policy: SlaPolicy;
  severity: string;
  /** False once nothing is owed (solved, closed); true again when the customer rejects or reopens. */
  running: boolean;
  paused: boolean;
  /** 1-based escalation tier (D-9). */
  tier: number;
  /** Every tier change with its cause and due instant (absent on cases opened under rules 1). */
  tierChanges?: TierChange[];
  /** The time the case may still stay at its tier (rules 2). */
  tierClock?: TierClock | null;
}

type CaseClock = EscalationState;
type ClockedCase = CaseRecord & EscalationState;

export function lastTier(clock: CaseClock): number {
  return clock.policy.escalationTiers.length;
}

export function tierName(clock: CaseClock): string {
  return clock.policy.escalationTiers[clock.tier - 1] ?? '';
}

/**
 * Starts the time at the case's tier (none at the last tier, or for a level without windows),
 * with `consumedMs` of it already used.
 */
export function armTierClock(clock: CaseClock, atMs: number, calendars: PolicyCalendars, consumedMs = 0): void {
  if (clock.tierChanges === undefined) return;
  const calendar = findLevel(clock.policy, clock.severity)?.windows[0]?.calendar;
  if (clock.tier >= lastTier(clock) || calendar === undefined) {
    clock.tierClock = null;
    return;
  }
  const budgetMs = minutesAtTier(clock.policy, clock.tier) * 60_000;
  const used = Math.min(consumedMs, budgetMs);
  const running = clock.running && !clock.paused;
  clock.tierClock = {
    tier: clock.tier,
    calendar,
    budgetMs,
    consumedMs: used,
    runningSinceMs: running ? atMs : null,
    dueMs: running
      ? current(clock, calendars)
          .get(calendar)
          .addWorkingTime(atMs, budgetMs - used)
      : null,
  };
}

/**
 * After a severity change or an applied contract: the time at the tier goes on in the level's
 * clock, keeping what it used (a change neither forgives nor adds time); a level without windows
 * has none. A lowered tier (a contract with fewer tiers) is recorded.
 */
export function retargetTierClock(clock: CaseClock, atMs: number, calendars: PolicyCalendars, tierBefore: number): void {
  if (clock.tierChanges === undefined) return;
  stopTierClock(clock, atMs, calendars);
  const previous = clock.tierClock;
  if (clock.tier !== tierBefore) {
    clock.tierChanges.push({ from: tierBefore, to: clock.tier, atMs, cause: 'contract', dueMs: atMs, by: SYSTEM });
  }
  armTierClock(clock, atMs, calendars, previous?.tier === clock.tier ? previous.consumedMs : 0);
}

export function stopTierClock(clock: CaseClock, atMs: number, calendars: PolicyCalendars): void {
  const tierClock = clock.tierClock;
  if (!tierClock || tierClock.runningSinceMs === null) return;
  tierClock.consumedMs += current(clock, calendars).get(tierClock.calendar).workingTimeBetween(tierClock.runningSinceMs, atMs);
  tierClock.runningSinceMs = null;
  tierClock.dueMs = null;
}

export function resumeTierClock(clock: CaseClock, atMs: number, calendars: PolicyCalendars): void {
  const tierClock = clock.tierClock;
  if (!tierClock || tierClock.runningSinceMs !== null) return;
  tierClock.runningSinceMs = atMs;
  tierClock.dueMs = current(clock, calendars)
    .get(tierClock.calendar)
    .addWorkingTime(atMs, Math.max(0, tierClock.budgetMs - tierClock.consumedMs));
}

/** Moves the case up one tier (never past the last); records why and when it fell due. */
export function escalate(
  clock: ClockedCase,
  atMs: number,
  calendars: PolicyCalendars,
  change: { cause: TierChangeCause; dueMs: number; by?: string; reason?: string; /** Where the next tier's time starts (default: now). */ armFromMs?: number },
): boolean {
  const from = clock.tier;
  clock.tier = Math.min(clock.tier + 1, lastTier(clock));
  if (clock.tier === from) return false;
  const by = change.by ?? SYSTEM;
  clock.tierChanges?.push({ from, to: clock.tier, atMs, cause: change.cause, dueMs: change.dueMs, by, ...(change.reason !== undefined && { reason: change.reason }) });
  const why = change.cause === 'breach' ? 'a window was missed' : change.cause === 'time-at-tier' ? `unsolved at tier ${from} past its time` : (change.reason ?? 'escalated');
  const details = `Tier ${from} → ${clock.tier}: ${tierName(clock)}`;
  // Cases opened before escalation had its own clock record only the tiers, as they did.
  recordEntry(clock, atMs, 'escalated', by, clock.tierChanges ? `${details} (${why}; due ${localInstant(clock, change.dueMs)})` : details);
  armTierClock(clock, change.armFromMs ?? atMs, calendars);
  return true;
}

/** The time at the tier has run out: one tier up, and the next tier's time starts. */
export function applyTierTime(clock: ClockedCase, nowMs: number, calendars: PolicyCalendars): void {
  // Several tiers may have run out together (a long outage): each from where the last one ended.
  for (let tierClock = clock.tierClock; clock.running && tierClock && tierClock.dueMs !== null && tierClock.dueMs <= nowMs; tierClock = clock.tierClock) {
    if (!escalate(clock, nowMs, calendars, { cause: 'time-at-tier', dueMs: tierClock.dueMs, armFromMs: tierClock.dueMs })) break;
  }
}
