/**
 * A policy tried the way a case will run it, before a contract takes it on: the clock start and
 * every window of every level, opened at the start of each month of a year on its calendars with
 * their official days, must reach its due instant within about a year. What a case would fail on later, the
 * contract refuses now, naming the field.
 */
import { DAY_MS } from './time-zone';
import type { SlaPolicy } from './sla-policy';
import { PolicyCalendars, clockStartMs } from './sla-windows';

export interface TrialIssue {
  code: 'custom';
  path: (string | number)[];
  message: string;
}

/**
 * A window falls due within this much calendar time of its start, or its calendar has far too little
 * working time for it (the longest window allowed, 366 days, on a round-the-clock calendar fits).
 */
const MAX_CALENDAR_SPAN_MS = 400 * DAY_MS;

/** A year of starts: holidays (Spring Festival, Golden Week) fall in different months. */
const TRIAL_MONTHS = 12;

function trialStarts(fromMs: number): number[] {
  const from = new Date(fromMs);
  return Array.from({ length: TRIAL_MONTHS }, (_, month) => (month === 0 ? fromMs : Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + month, 1)));
}

/**
 * The issues of running `policy` from `fromMs` on; `path` leads to the policy in the request.
 * The policy's calendars carry the official days they will carry in a case (materialized).
 */
export function policyTrialIssues(policy: SlaPolicy, fromMs: number, path: (string | number)[]): TrialIssue[] {
  const calendars = new PolicyCalendars(policy);
  const issues: TrialIssue[] = [];
  const seen = new Set<string>();
  const report = (at: (string | number)[], message: string) => {
    const key = JSON.stringify(at);
    if (seen.has(key)) return;
    seen.add(key);
    issues.push({ code: 'custom', path: [...path, ...at], message });
  };
  for (const startMs of trialStarts(fromMs)) {
    let clockStart = startMs;
    try {
      clockStart = clockStartMs(policy.clockStart, startMs, calendars);
    } catch (error) {
      report(['clockStart', 'calendar'], `The clock cannot start: ${(error as Error).message}`);
      continue;
    }
    policy.levels.forEach((level, levelIndex) => {
      level.windows.forEach((window, windowIndex) => {
        const at = ['levels', levelIndex, 'windows', windowIndex];
        try {
          const dueMs = calendars.get(window.calendar).addWorkingTime(clockStart, window.maxMinutes * 60_000);
          if (dueMs - clockStart > MAX_CALENDAR_SPAN_MS) {
            const days = Math.round((dueMs - clockStart) / DAY_MS);
            report(
              [...at, 'maxMinutes'],
              `Window "${window.name}" of level ${level.id} would take ${days} days to fall due on calendar "${window.calendar}": far too little working time for ${window.maxMinutes} minutes`,
            );
          }
        } catch (error) {
          report([...at, 'calendar'], `Window "${window.name}" of level ${level.id} cannot fall due on calendar "${window.calendar}": ${(error as Error).message}`);
        }
      });
    });
  }
  return issues;
}
