/**
 * BusinessCalendar against a brute-force oracle (D-20): the oracle walks minute by minute
 * and asks Intl for each minute's local weekday, date and time in the calendar's zone, so it shares
 * nothing with the calendar's segment-and-interval arithmetic. One walk per generated case yields
 * the expected answer of every operation from any minute inside the walked stretch.
 */
import fc from 'fast-check';
import { BusinessCalendar, type CalendarSpec, type TimeRange, type Weekday, WEEKDAYS } from '../../domain/calendar';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** The oracle gives up after this many minutes: a generated case must never need more. */
const MAX_WALK_MINUTES = 45 * 24 * 60;

// ---------------------------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------------------------

interface LocalMinute {
  date: string;
  weekday: Weekday;
  minuteOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Local weekday, date and minute of the day of a UTC instant, straight from Intl. */
function localMinuteOf(utcMs: number, timeZone: string): LocalMinute {
  // "Sat, 03/01/2025, 01:00" — format() is several times cheaper than formatToParts().
  const text = formatterOf(timeZone).format(utcMs);
  const match = /^(\w{3}), (\d{2})\/(\d{2})\/(\d{4}), (\d{2}):(\d{2})$/.exec(text);
  if (!match) throw new Error(`Unexpected Intl output: ${text}`);
  const [, weekday, month, day, year, hour, minute] = match;
  return { date: `${year}-${month}-${day}`, weekday: weekday.toLowerCase() as Weekday, minuteOfDay: Number(hour) * 60 + Number(minute) };
}

function clockMinutes(text: string): number {
  const [hours, minutes] = text.split(':').map(Number);
  return hours * 60 + minutes;
}

/** Whether the minute starting at `utcMs` is working time under `spec`, decided from its local reading. */
function isWorkingMinute(spec: CalendarSpec, utcMs: number): boolean {
  const local = localMinuteOf(utcMs, spec.timeZone);
  let ranges: TimeRange[];
  if (spec.extraWorkingDays?.includes(local.date)) ranges = spec.extraWorkingDayHours ?? spec.weekly.mon ?? [];
  else if (spec.holidays?.includes(local.date)) ranges = [];
  else ranges = spec.weekly[local.weekday] ?? [];
  return ranges.some(([start, end]) => clockMinutes(start) <= local.minuteOfDay && local.minuteOfDay < clockMinutes(end));
}

/** Minute-by-minute facts from `startMs` on: working flags and prefix sums of working minutes. */
class Walk {
  readonly working: boolean[] = [];
  /** cumulative[i] = working minutes in [start, start + i minutes). */
  readonly cumulative: number[] = [0];

  constructor(
    readonly spec: CalendarSpec,
    readonly startMs: number,
  ) {}

  get length(): number {
    return this.working.length;
  }

  at(index: number): number {
    return this.startMs + index * MINUTE;
  }

  step(): void {
    if (this.length >= MAX_WALK_MINUTES) throw new Error('Oracle walked too far: the generator made a case it cannot check');
    const working = isWorkingMinute(this.spec, this.at(this.length));
    this.working.push(working);
    this.cumulative.push(this.cumulative[this.cumulative.length - 1] + (working ? 1 : 0));
  }

  /** Walks until at least `minutes` working minutes are known and at least `span` minutes walked. */
  extend(workingMinutes: number, span: number): void {
    while (this.cumulative[this.length] < workingMinutes || this.length < span) this.step();
  }

  /** Index of the first working minute at or after `from`, or undefined when outside the walk. */
  nextWorking(from: number): number | undefined {
    for (let index = from; index < this.length; index++) if (this.working[index]) return index;
    return undefined;
  }

  /** Index at which `minutes` working minutes have passed since `from` (earliest such instant). */
  due(from: number, minutes: number): number | undefined {
    if (minutes === 0) return from;
    const target = this.cumulative[from] + minutes;
    for (let index = from + 1; index <= this.length; index++) if (this.cumulative[index] >= target) return index;
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

function clockText(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Wall-clock minutes where the interesting things happen: midnight and the DST hours 01:00–04:00. */
const SPECIAL_MINUTES = [0, 60, 120, 150, 180, 210, 240, 540, 720, 780, 1080, 1440];

/** 1–3 ordered, non-overlapping intervals on minute boundaries (adjacent ones allowed). */
const intervalsArb: fc.Arbitrary<TimeRange[]> = fc
  .integer({ min: 1, max: 3 })
  .chain((count) => fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 1440 }), fc.constantFrom(...SPECIAL_MINUTES)), { minLength: 2 * count, maxLength: 2 * count }))
  .map((points) => {
    const sorted = [...points].sort((a, b) => a - b);
    const ranges: TimeRange[] = [];
    for (let index = 0; index < sorted.length; index += 2) ranges.push([clockText(sorted[index]), clockText(sorted[index + 1])]);
    return ranges;
  });

/** A weekday has no working time about a third of the time (weekends), else 1–3 intervals. */
const dayArb: fc.Arbitrary<TimeRange[] | undefined> = fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: intervalsArb });

const weeklyArb = fc
  .tuple(dayArb, dayArb, dayArb, dayArb, dayArb, dayArb, dayArb)
  .filter((days) => days.some((ranges) => ranges !== undefined))
  .map((days) => {
    const weekly: Partial<Record<Weekday, TimeRange[]>> = {};
    WEEKDAYS.forEach((day, index) => {
      if (days[index]) weekly[day] = days[index];
    });
    return weekly;
  });

function weeklyMinutes(weekly: Partial<Record<Weekday, TimeRange[]>>): number {
  return Object.values(weekly).reduce((sum, ranges) => sum + (ranges ?? []).reduce((total, [start, end]) => total + clockMinutes(end) - clockMinutes(start), 0), 0);
}

/** Offset changes of a zone in a year, found hour by hour with Intl (independent of time-zone.ts). */
function offsetChanges(timeZone: string, year: number): number[] {
  const offset = (utcMs: number) => {
    const local = localMinuteOf(utcMs, timeZone);
    const [y, m, d] = local.date.split('-').map(Number);
    return Date.UTC(y, m - 1, d) + local.minuteOfDay * MINUTE - Math.floor(utcMs / MINUTE) * MINUTE;
  };
  const changes: number[] = [];
  for (let hour = Date.UTC(year, 0, 1); hour < Date.UTC(year + 1, 0, 1); hour += 60 * MINUTE) {
    if (offset(hour) !== offset(hour + 60 * MINUTE)) changes.push(hour + 60 * MINUTE);
  }
  return changes;
}

const RANGE_START = Date.UTC(2024, 0, 1);
const RANGE_END = Date.UTC(2028, 0, 1);

/** Minute-aligned instants anywhere in 2024–2027, or within four days of one of the zone's offset changes. */
function startArb(transitions: number[]): fc.Arbitrary<number> {
  const anywhere = fc.integer({ min: RANGE_START / MINUTE, max: RANGE_END / MINUTE }).map((minute) => minute * MINUTE);
  if (transitions.length === 0) return anywhere;
  const nearChange = fc.tuple(fc.constantFrom(...transitions), fc.integer({ min: -4 * 24 * 60, max: 4 * 24 * 60 })).map(([transition, minutes]) => transition + minutes * MINUTE);
  return fc.oneof({ weight: 1, arbitrary: anywhere }, { weight: 3, arbitrary: nearChange });
}

interface Case {
  spec: CalendarSpec;
  startMs: number;
  /** Working minutes to add from the start. */
  durationMinutes: number;
  /** Positions inside the walk, as fractions of its length, for checks from other starting points. */
  probes: { from: number; to: number; share: number; second: number }[];
}

function dateAfter(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function caseArb(timeZone: string, transitions: number[]): fc.Arbitrary<Case> {
  return fc
    .record({
      weekly: weeklyArb,
      startMs: startArb(transitions),
      // Day offsets from the start's local date: holidays and 调休 days near the instants we check.
      holidayOffsets: fc.uniqueArray(fc.integer({ min: -2, max: 16 }), { maxLength: 5 }),
      extraOffsets: fc.uniqueArray(fc.integer({ min: -2, max: 16 }), { maxLength: 3 }),
      extraHours: fc.option(intervalsArb, { nil: undefined }),
      durationShare: fc.double({ min: 0, max: 1, noNaN: true }),
      zeroDuration: fc.boolean(),
      probes: fc.array(
        fc.record({
          from: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
          to: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
          share: fc.double({ min: 0, max: 1, noNaN: true }),
          second: fc.integer({ min: 0, max: 59_999 }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    })
    .map((generated) => {
      const startDate = localMinuteOf(generated.startMs, timeZone).date;
      const holidays = generated.holidayOffsets.map((days) => dateAfter(startDate, days));
      // Kept apart from the holidays: which one wins on a date listed as both is not specified.
      const extraWorkingDays = generated.extraOffsets.map((days) => dateAfter(startDate, days)).filter((date) => !holidays.includes(date));
      const spec: CalendarSpec = { timeZone, weekly: generated.weekly, holidays, extraWorkingDays };
      if (generated.extraHours) spec.extraWorkingDayHours = generated.extraHours;
      // "Up to about three working days": three fifths of a week's working time, at most 72 h.
      const maxMinutes = Math.min(72 * 60, Math.floor((3 * weeklyMinutes(generated.weekly)) / 5));
      const durationMinutes = generated.zeroDuration && generated.durationShare < 0.2 ? 0 : Math.round(generated.durationShare * maxMinutes);
      return { spec, startMs: generated.startMs, durationMinutes, probes: generated.probes };
    });
}

// ---------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------

function iso(utcMs: number | undefined): string {
  return utcMs === undefined ? 'undefined' : new Date(utcMs).toISOString();
}

function checkAgainstOracle({ spec, startMs, durationMinutes, probes }: Case): void {
  const calendar = new BusinessCalendar(spec);
  const walk = new Walk(spec, startMs);
  // Walk through the due instant and the first working minute (every generated week has some),
  // and at least three days so the probes have room.
  walk.extend(Math.max(durationMinutes, 1), 3 * 24 * 60);

  // From the start itself.
  const first = walk.nextWorking(0);
  expect(iso(calendar.nextWorkingInstant(startMs))).toBe(iso(first === undefined ? undefined : walk.at(first)));
  expect(iso(calendar.addWorkingTime(startMs, durationMinutes * MINUTE))).toBe(iso(walk.at(walk.due(0, durationMinutes)!)));
  expect(calendar.isWorkingInstant(startMs)).toBe(walk.working[0]);

  // From minutes inside the walk.
  for (const probe of probes) {
    const from = Math.floor(probe.from * walk.length);
    const to = Math.floor(probe.to * walk.length);
    const fromMs = walk.at(from);
    const toMs = walk.at(to);

    expect(calendar.workingTimeBetween(fromMs, toMs)).toBe(from <= to ? (walk.cumulative[to] - walk.cumulative[from]) * MINUTE : 0);
    expect(calendar.isWorkingInstant(fromMs + probe.second)).toBe(walk.working[from]);

    const next = walk.nextWorking(from);
    if (next !== undefined) expect(iso(calendar.nextWorkingInstant(fromMs))).toBe(iso(walk.at(next)));

    const available = walk.cumulative[walk.length] - walk.cumulative[from];
    const minutes = Math.floor(probe.share * available);
    expect(iso(calendar.addWorkingTime(fromMs, minutes * MINUTE))).toBe(iso(walk.at(walk.due(from, minutes)!)));
  }
}

/** The round trip holds for any instant and duration, minute-aligned or not. */
function checkRoundTrip(spec: CalendarSpec, startMs: number, durationMs: number): void {
  const calendar = new BusinessCalendar(spec);
  const due = calendar.addWorkingTime(startMs, durationMs);
  expect(calendar.workingTimeBetween(startMs, due)).toBe(durationMs);
  if (durationMs > 0) {
    // The due instant is the earliest one: a millisecond before it, the duration has not passed.
    expect(calendar.workingTimeBetween(startMs, due - 1)).toBe(durationMs - 1);
    expect(calendar.isWorkingInstant(due - 1)).toBe(true);
  }
}

const ZONES: { timeZone: string; numRuns: number }[] = [
  { timeZone: 'Asia/Shanghai', numRuns: 100 },
  { timeZone: 'Europe/Berlin', numRuns: 150 },
  { timeZone: 'America/New_York', numRuns: 100 },
];

describe.each(ZONES)('BusinessCalendar in $timeZone agrees with a minute-by-minute Intl oracle', ({ timeZone, numRuns }) => {
  const transitions = [2024, 2025, 2026, 2027].flatMap((year) => offsetChanges(timeZone, year));

  test('the oracle sees the zone’s offset changes (none in Shanghai, two a year elsewhere)', () => {
    expect(transitions).toHaveLength(timeZone === 'Asia/Shanghai' ? 0 : 8);
  });

  test('nextWorkingInstant, addWorkingTime, workingTimeBetween and isWorkingInstant match the oracle', () => {
    fc.assert(fc.property(caseArb(timeZone, transitions), checkAgainstOracle), { numRuns });
  });

  test('workingTimeBetween(start, addWorkingTime(start, d)) is d, for instants and durations to the millisecond', () => {
    fc.assert(
      fc.property(caseArb(timeZone, transitions), fc.integer({ min: 0, max: 59_999 }), fc.integer({ min: 0, max: 3 * DAY }), (generated, jitter, durationMs) => {
        const weekly = weeklyMinutes(generated.spec.weekly) * MINUTE;
        checkRoundTrip(generated.spec, generated.startMs + jitter, Math.min(durationMs, 3 * weekly));
      }),
      { numRuns: 200 },
    );
  });
});

test('Berlin: the oracle and the calendar agree on an interval inside the skipped and the repeated hour', () => {
  // 2025-03-30 02:00–03:00 does not exist in Berlin; 2025-10-26 02:00–03:00 happens twice.
  for (const [from, to] of [
    [Date.UTC(2025, 2, 29, 12), Date.UTC(2025, 2, 31, 12)],
    [Date.UTC(2025, 9, 25, 12), Date.UTC(2025, 9, 27, 12)],
  ]) {
    const spec: CalendarSpec = { timeZone: 'Europe/Berlin', weekly: Object.fromEntries(WEEKDAYS.map((day) => [day, [['01:30', '02:30'] as TimeRange]])) };
    const walk = new Walk(spec, from);
    walk.extend(0, (to - from) / MINUTE);
    expect(new BusinessCalendar(spec).workingTimeBetween(from, to)).toBe(walk.cumulative[walk.length] * MINUTE);
  }
});
