/**
 * Business calendar: working intervals per weekday, holidays and extra working days (China's 调休),
 * read in the calendar's own IANA time zone (D-20).
 *
 * Every operation walks UTC stretches of constant zone offset and, inside each, local days and their
 * intervals — never minutes — so adding a year of working time costs well under a millisecond.
 */
import { DAY_MS, MINUTE_MS, ZoneOffsets, localDateKey } from './time-zone';

/** "HH:MM" wall-clock bounds; the end may be "24:00". */
export type TimeRange = [start: string, end: string];
export type Weekday = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';
export const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface CalendarSpec {
  /** IANA zone; default in presets is Asia/Shanghai. */
  timeZone: string;
  weekly: Partial<Record<Weekday, TimeRange[]>>;
  /** Local dates (YYYY-MM-DD) with no working time. */
  holidays?: string[];
  /** Local dates worked although their weekday is not (调休), with `extraWorkingDayHours`. */
  extraWorkingDays?: string[];
  /** Hours of an extra working day; defaults to Monday's. */
  extraWorkingDayHours?: TimeRange[];
  /**
   * The local dates the holiday data covers (inclusive), when the holidays came from maintained
   * data: past `to`, a day off is unknown, and a case whose window runs there says so.
   */
  dataCoverage?: { from: string; to: string };
}

export class CalendarError extends Error {
  override name = 'CalendarError';
}

/** Give up looking for working time after this long: a calendar with none would loop forever. */
const SEARCH_LIMIT_MS = 3660 * DAY_MS;

type MinuteRange = readonly [startMinute: number, endMinute: number];

export function parseClock(text: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) throw new CalendarError(`Time "${text}" is not HH:MM`);
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  if (Number(match[2]) > 59 || minutes > 24 * 60) throw new CalendarError(`Time "${text}" is out of range`);
  return minutes;
}

function toMinuteRanges(ranges: TimeRange[] | undefined, where: string): MinuteRange[] {
  const parsed = (ranges ?? []).map(([start, end]) => [parseClock(start), parseClock(end)] as const);
  parsed.forEach(([start, end], index) => {
    if (start >= end) throw new CalendarError(`${where}: range ${index + 1} ends before it starts`);
    if (index > 0 && start < parsed[index - 1][1]) {
      throw new CalendarError(`${where}: ranges must be in order and must not overlap`);
    }
  });
  return parsed;
}

/** A calendar ready for computation; build one per workflow run from its spec snapshot. */
export class BusinessCalendar {
  private readonly weekly: MinuteRange[][];
  private readonly holidays: ReadonlySet<string>;
  private readonly extraWorkingDays: ReadonlySet<string>;
  private readonly extraDayHours: MinuteRange[];
  private readonly zone: ZoneOffsets;

  constructor(readonly spec: CalendarSpec) {
    this.zone = new ZoneOffsets(spec.timeZone);
    this.weekly = WEEKDAYS.map((day) => toMinuteRanges(spec.weekly[day], `weekly.${day}`));
    this.holidays = new Set(spec.holidays ?? []);
    this.extraWorkingDays = new Set(spec.extraWorkingDays ?? []);
    this.extraDayHours = spec.extraWorkingDayHours ? toMinuteRanges(spec.extraWorkingDayHours, 'extraWorkingDayHours') : this.weekly[1];
    const hasWeeklyTime = this.weekly.some((ranges) => ranges.length > 0);
    const hasExtraTime = this.extraWorkingDays.size > 0 && this.extraDayHours.length > 0;
    if (!hasWeeklyTime && !hasExtraTime) throw new CalendarError('The calendar has no working time at all');
  }

  get timeZone(): string {
    return this.spec.timeZone;
  }

  /** Working ranges (minutes of the local day) of a local day number (days since 1970-01-01). */
  rangesOfLocalDay(localDay: number): readonly MinuteRange[] {
    // A calendar without special days (24×7, most 5×8) never needs the day's date string.
    if (this.extraWorkingDays.size > 0 || this.holidays.size > 0) {
      const key = localDateKey(localDay);
      if (this.extraWorkingDays.has(key)) return this.extraDayHours;
      if (this.holidays.has(key)) return [];
    }
    // 1970-01-01 was a Thursday (index 4 with Sunday = 0).
    return this.weekly[(((localDay + 4) % 7) + 7) % 7];
  }

  /**
   * Calls `visit` with each working stretch [startMs, endMs) in UTC, in order, from `fromMs` on.
   * Stops when `visit` returns false or when `untilMs` is reached.
   */
  forEachWorkingStretch(fromMs: number, untilMs: number, visit: (startMs: number, endMs: number) => boolean): void {
    let cursor = fromMs;
    while (cursor < untilMs) {
      const segment = this.zone.segmentAt(cursor);
      const segmentEnd = Math.min(segment.endMs, untilMs);
      const offset = segment.offsetMs;
      const firstDay = Math.floor((cursor + offset) / DAY_MS);
      const lastDay = Math.floor((segmentEnd + offset - 1) / DAY_MS);
      for (let day = firstDay; day <= lastDay; day++) {
        for (const [startMinute, endMinute] of this.rangesOfLocalDay(day)) {
          const start = Math.max(day * DAY_MS + startMinute * MINUTE_MS - offset, cursor);
          const end = Math.min(day * DAY_MS + endMinute * MINUTE_MS - offset, segmentEnd);
          if (start < end && !visit(start, end)) return;
        }
      }
      cursor = segmentEnd;
    }
  }

  /** The first working instant at or after `fromMs`. */
  nextWorkingInstant(fromMs: number): number {
    let found: number | undefined;
    this.forEachWorkingStretch(fromMs, fromMs + SEARCH_LIMIT_MS, (start) => {
      found = start;
      return false;
    });
    if (found === undefined) throw new CalendarError('No working time within ten years');
    return found;
  }

  /**
   * The instant at which `durationMs` of working time has passed since `fromMs`. A duration that
   * ends exactly at the close of a working stretch is due then, not at the next opening.
   */
  addWorkingTime(fromMs: number, durationMs: number): number {
    if (durationMs < 0) throw new CalendarError('A working duration cannot be negative');
    if (durationMs === 0) return fromMs;
    let remaining = durationMs;
    let due: number | undefined;
    this.forEachWorkingStretch(fromMs, fromMs + SEARCH_LIMIT_MS + durationMs * 2, (start, end) => {
      if (end - start >= remaining) {
        due = start + remaining;
        return false;
      }
      remaining -= end - start;
      return true;
    });
    if (due === undefined) throw new CalendarError('The calendar has too little working time for this duration');
    return due;
  }

  /** Working time between two instants (0 when `toMs` is not after `fromMs`). */
  workingTimeBetween(fromMs: number, toMs: number): number {
    let total = 0;
    this.forEachWorkingStretch(fromMs, toMs, (start, end) => {
      total += end - start;
      return true;
    });
    return total;
  }

  /** Whether the instant lies inside working time. */
  isWorkingInstant(atMs: number): boolean {
    return this.nextWorkingInstantWithin(atMs, atMs + 1) === atMs;
  }

  private nextWorkingInstantWithin(fromMs: number, untilMs: number): number | undefined {
    let found: number | undefined;
    this.forEachWorkingStretch(fromMs, untilMs, (start) => {
      found = start;
      return false;
    });
    return found;
  }
}
