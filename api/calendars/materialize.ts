/**
 * A policy's calendars with the official days written in as plain dates (D-20):
 * the snapshot a case takes at intake. A workflow never reads holiday data itself, so a later update
 * of the packages or of an operator's year never changes an old history on replay.
 */
import { CalendarError, WEEKDAYS, parseClock, type CalendarSpec } from '../../domain/calendar';
import type { CalendarDataSource } from '../../domain/contract';
import type { SlaPolicy } from '../../domain/sla-policy';
import { ZoneOffsets } from '../../domain/time-zone';
import type { OperatorYear } from '../../domain/official-days';
import { DEFAULT_REGION, officialDays, type OfficialDays } from './official-days';

export type { CalendarDataSource };

/** A contract's calendar data (domain/contract.ts); without a region, China's. */
export type CalendarDataInput = Omit<CalendarDataSource, 'region'> & { region?: string };

export interface YearRange {
  from: number;
  to: number;
}

const DAY_MINUTES = 24 * 60;

/** Every day fully worked (24×7): holidays cannot change such a calendar. */
export function isRoundTheClock(spec: CalendarSpec): boolean {
  return WEEKDAYS.every((day) => {
    let coveredUntil = 0;
    for (const [start, end] of spec.weekly[day] ?? []) {
      if (parseClock(start) > coveredUntil) return false;
      coveredUntil = Math.max(coveredUntil, parseClock(end));
    }
    return coveredUntil === DAY_MINUTES;
  });
}

/**
 * The years of official data a case needs: from the year it was reported to the next one, in the
 * policy's zone. The longest preset window (002-hardware C, 72 h of 5×8) spans about two weeks, so a
 * case reported on 31 December still ends inside the following year.
 */
export function yearsForCase(reportedAtMs: number, timeZone: string): YearRange {
  const year = new Date(new ZoneOffsets(timeZone).toLocalMs(reportedAtMs)).getUTCFullYear();
  return { from: year, to: year + 1 };
}

function union(...lists: (readonly string[] | undefined)[]): Set<string> {
  return new Set(lists.flatMap((list) => list ?? []));
}

/** One calendar with the official days and the contract's own changes applied. */
export function materializeCalendar(spec: CalendarSpec, days: OfficialDays, source: CalendarDataInput, years: YearRange): CalendarSpec {
  if (isRoundTheClock(spec)) return spec;
  const holidays = union(spec.holidays, days.holidays, source.addHolidays);
  const workingDays = union(spec.extraWorkingDays, days.workingDays, source.addWorkingDays);
  // The contract has the last word: a day it adds on one side leaves the other, and a day it
  // removes is gone (BusinessCalendar lets a working day win over a holiday).
  for (const date of source.addHolidays ?? []) workingDays.delete(date);
  for (const date of source.addWorkingDays ?? []) holidays.delete(date);
  for (const date of source.removeHolidays ?? []) holidays.delete(date);
  for (const date of source.removeWorkingDays ?? []) workingDays.delete(date);
  return {
    ...spec,
    holidays: [...holidays].sort(),
    extraWorkingDays: [...workingDays].sort(),
    // No data for the first year at all: an empty range (to before from), so every window says so.
    dataCoverage: days.coverage ?? { from: `${years.from}-01-01`, to: `${years.from - 1}-12-31` },
  };
}

export function checkDataSource(source: CalendarDataInput): void {
  const both = (source.addHolidays ?? []).filter((date) => (source.addWorkingDays ?? []).includes(date));
  if (both.length > 0) throw new CalendarError(`${both.join(', ')}: added both as a holiday and as a working day`);
}

/**
 * A copy of the policy whose calendars (all but 24×7 ones) carry the region's official holidays
 * and make-up working days for `years`, the contract's changes, and the data's coverage.
 */
export function materializePolicy(policy: SlaPolicy, source: CalendarDataInput, years: YearRange, operatorYears: readonly OperatorYear[] = []): SlaPolicy {
  checkDataSource(source);
  const days = officialDays(source.region ?? DEFAULT_REGION, years.from, years.to, operatorYears);
  const calendars = Object.fromEntries(Object.entries(policy.calendars).map(([name, spec]) => [name, materializeCalendar(spec, days, source, years)]));
  return { ...policy, calendars };
}
