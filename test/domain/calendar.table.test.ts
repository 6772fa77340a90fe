/**
 * BusinessCalendar, hand-computed examples (D-20): a 9:00–12:00 + 13:00–18:00 workday in
 * Asia/Shanghai with China's 2025 statutory holidays and make-up working days (调休).
 */
import { BusinessCalendar, CalendarError, type CalendarSpec, type TimeRange, type Weekday, WEEKDAYS } from '../../domain/calendar';
import { HOUR_MS, MINUTE_MS, ZoneOffsets, formatInstant } from '../../domain/time-zone';

const WORKDAY: TimeRange[] = [
  ['09:00', '12:00'],
  ['13:00', '18:00'],
];
const MON_FRI: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

/** China 2025 (State Council notice): 28 holiday dates and 5 make-up working days. */
const HOLIDAYS_2025 = [
  '2025-01-01',
  '2025-01-28',
  '2025-01-29',
  '2025-01-30',
  '2025-01-31',
  '2025-02-01',
  '2025-02-02',
  '2025-02-03',
  '2025-02-04',
  '2025-04-04',
  '2025-04-05',
  '2025-04-06',
  '2025-05-01',
  '2025-05-02',
  '2025-05-03',
  '2025-05-04',
  '2025-05-05',
  '2025-05-31',
  '2025-06-01',
  '2025-06-02',
  '2025-10-01',
  '2025-10-02',
  '2025-10-03',
  '2025-10-04',
  '2025-10-05',
  '2025-10-06',
  '2025-10-07',
  '2025-10-08',
];
const MAKE_UP_DAYS_2025 = ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'];

function weekly(days: Weekday[], ranges: TimeRange[]): CalendarSpec['weekly'] {
  return Object.fromEntries(days.map((day) => [day, ranges]));
}

const SHANGHAI_5X8: CalendarSpec = {
  timeZone: 'Asia/Shanghai',
  weekly: weekly(MON_FRI, WORKDAY),
  holidays: HOLIDAYS_2025,
  extraWorkingDays: MAKE_UP_DAYS_2025,
};
const calendar = new BusinessCalendar(SHANGHAI_5X8);
const shanghai = new ZoneOffsets('Asia/Shanghai');

/** A Shanghai wall-clock time, "2025-06-10 11:00". */
function sh(local: string): number {
  return Date.parse(`${local.replace(' ', 'T')}:00+08:00`);
}
function show(utcMs: number, zone = shanghai): string {
  return formatInstant(utcMs, zone);
}
function iso(local: string, offset = '+08:00'): string {
  return `${local.replace(' ', 'T')}:00${offset}`;
}

describe('adding working time on a 9–12 + 13–18 workday', () => {
  test.each([
    // [label, from, duration in minutes, due]
    ['within the morning', '2025-06-10 09:30', 60, '2025-06-10 10:30'],
    ['across the lunch break', '2025-06-10 11:00', 120, '2025-06-10 14:00'],
    ['across the weekend (Fri 16:00 + 4 h)', '2025-06-13 16:00', 240, '2025-06-16 11:00'],
    ['a full working day is 8 hours: Tue 10:00 → Wed 10:00', '2025-06-10 10:00', 480, '2025-06-11 10:00'],
    ['across the National Day holiday (Oct 1–8; Oct 4–5 would be a weekend anyway)', '2025-09-30 17:00', 120, '2025-10-09 10:00'],
    ['into a 调休 make-up Saturday (2025-10-11)', '2025-10-10 17:00', 120, '2025-10-11 10:00'],
    ['into a 调休 make-up Sunday (2025-09-28)', '2025-09-27 11:00', 60, '2025-09-28 10:00'],
    ['starting before the day opens', '2025-06-10 07:00', 60, '2025-06-10 10:00'],
    ['starting in the lunch break', '2025-06-10 12:30', 30, '2025-06-10 13:30'],
    ['starting in the evening', '2025-06-10 20:00', 60, '2025-06-11 10:00'],
    ['starting on a Sunday', '2025-06-15 10:00', 60, '2025-06-16 10:00'],
    ['starting on a holiday weekday', '2025-10-06 10:00', 60, '2025-10-09 10:00'],
    ['ending exactly at the morning’s close: due 12:00, not 13:00', '2025-06-10 09:00', 180, '2025-06-10 12:00'],
    ['ending exactly at the day’s close: due 18:00, not next morning', '2025-06-10 13:00', 300, '2025-06-10 18:00'],
    ['ending exactly at Friday’s close: due Friday 18:00, not Monday', '2025-06-13 17:00', 60, '2025-06-13 18:00'],
    ['one minute more than the morning: 13:01', '2025-06-10 09:00', 181, '2025-06-10 13:01'],
  ])('%s', (_label, from, minutes, due) => {
    const dueMs = calendar.addWorkingTime(sh(from), minutes * MINUTE_MS);
    expect(show(dueMs)).toBe(iso(due));
    expect(calendar.workingTimeBetween(sh(from), dueMs)).toBe(minutes * MINUTE_MS);
  });

  test('a zero duration is due at the start itself, even outside working hours', () => {
    expect(calendar.addWorkingTime(sh('2025-06-14 03:00'), 0)).toBe(sh('2025-06-14 03:00'));
  });

  test('a negative duration is a CalendarError', () => {
    expect(() => calendar.addWorkingTime(sh('2025-06-10 09:00'), -1)).toThrow(CalendarError);
  });
});

describe('working time between two instants', () => {
  test.each([
    ['a whole working day', '2025-06-10 00:00', '2025-06-11 00:00', 8 * 60],
    ['a lunch break only', '2025-06-10 12:00', '2025-06-10 13:00', 0],
    ['Friday 17:00 to Monday 10:00', '2025-06-13 17:00', '2025-06-16 10:00', 2 * 60],
    ['Oct 1–11: holidays to the 8th, then Thu 9, Fri 10 and the make-up Saturday 11', '2025-10-01 00:00', '2025-10-12 00:00', 3 * 8 * 60],
    ['the make-up Sunday 2025-09-28 is a full working day', '2025-09-28 00:00', '2025-09-29 00:00', 8 * 60],
    ['an ordinary Saturday has none', '2025-06-14 00:00', '2025-06-15 00:00', 0],
    ['backwards is zero', '2025-06-11 00:00', '2025-06-10 00:00', 0],
  ])('%s', (_label, from, to, minutes) => {
    expect(calendar.workingTimeBetween(sh(from), sh(to))).toBe(minutes * MINUTE_MS);
  });
});

describe('next working instant and working instants', () => {
  test.each([
    ['inside working time: the instant itself', '2025-06-10 10:15', '2025-06-10 10:15'],
    ['before opening', '2025-06-10 08:59', '2025-06-10 09:00'],
    ['at the morning’s close (intervals are half-open)', '2025-06-10 12:00', '2025-06-10 13:00'],
    ['Friday evening → Monday morning', '2025-06-13 18:00', '2025-06-16 09:00'],
    ['holiday → first day after the holiday', '2025-10-01 09:00', '2025-10-09 09:00'],
    ['Saturday morning of a 调休 day → that Saturday 09:00', '2025-10-11 07:00', '2025-10-11 09:00'],
  ])('%s', (_label, from, expected) => {
    expect(show(calendar.nextWorkingInstant(sh(from)))).toBe(iso(expected));
  });

  test('working instants are [open, close): 09:00 and 17:59:59.999 are in, 12:00 and 18:00 are out', () => {
    expect(calendar.isWorkingInstant(sh('2025-06-10 09:00'))).toBe(true);
    expect(calendar.isWorkingInstant(sh('2025-06-10 12:00') - 1)).toBe(true);
    expect(calendar.isWorkingInstant(sh('2025-06-10 12:00'))).toBe(false);
    expect(calendar.isWorkingInstant(sh('2025-06-10 18:00') - 1)).toBe(true);
    expect(calendar.isWorkingInstant(sh('2025-06-10 18:00'))).toBe(false);
    expect(calendar.isWorkingInstant(sh('2025-10-11 10:00'))).toBe(true); // make-up Saturday
    expect(calendar.isWorkingInstant(sh('2025-10-09 10:00'))).toBe(true);
    expect(calendar.isWorkingInstant(sh('2025-10-08 10:00'))).toBe(false); // holiday Wednesday
  });
});

describe('extra working days', () => {
  test('use Monday’s hours by default and their own hours when given', () => {
    const ownHours = new BusinessCalendar({ ...SHANGHAI_5X8, extraWorkingDayHours: [['10:00', '15:00']] });
    expect(ownHours.workingTimeBetween(sh('2025-10-11 00:00'), sh('2025-10-12 00:00'))).toBe(5 * HOUR_MS);
    expect(show(ownHours.nextWorkingInstant(sh('2025-10-11 07:00')))).toBe(iso('2025-10-11 10:00'));
    expect(show(ownHours.addWorkingTime(sh('2025-10-11 14:00'), 2 * HOUR_MS))).toBe(iso('2025-10-13 10:00'));
  });

  test('a calendar whose only working time is an extra day finds it, and then runs out', () => {
    const once = new BusinessCalendar({ timeZone: 'Asia/Shanghai', weekly: {}, extraWorkingDays: ['2025-10-11'], extraWorkingDayHours: [['09:00', '12:00']] });
    expect(show(once.nextWorkingInstant(sh('2025-10-01 00:00')))).toBe(iso('2025-10-11 09:00'));
    expect(show(once.addWorkingTime(sh('2025-10-01 00:00'), 3 * HOUR_MS))).toBe(iso('2025-10-11 12:00'));
    expect(() => once.addWorkingTime(sh('2025-10-01 00:00'), 3 * HOUR_MS + MINUTE_MS)).toThrow(CalendarError);
    expect(() => once.nextWorkingInstant(sh('2025-10-11 12:00'))).toThrow(CalendarError);
  });
});

describe('intervals ending at 24:00', () => {
  test('run on into the next day’s 00:00 interval without a gap', () => {
    const nights = new BusinessCalendar({
      timeZone: 'Asia/Shanghai',
      weekly: Object.fromEntries(
        WEEKDAYS.map((day) => [
          day,
          [
            ['00:00', '02:00'],
            ['22:00', '24:00'],
          ] as TimeRange[],
        ]),
      ),
    });
    expect(show(nights.addWorkingTime(sh('2025-06-10 22:00'), 3 * HOUR_MS))).toBe(iso('2025-06-11 01:00'));
    expect(nights.workingTimeBetween(sh('2025-06-10 00:00'), sh('2025-06-11 00:00'))).toBe(4 * HOUR_MS);
    expect(nights.isWorkingInstant(sh('2025-06-11 00:00'))).toBe(true);
  });
});

describe('daylight saving time (Europe/Berlin, 2025: Mar 30 loses 02:00–03:00, Oct 26 repeats it)', () => {
  const berlin = new ZoneOffsets('Europe/Berlin');
  const allDay = (ranges: TimeRange[]) => new BusinessCalendar({ timeZone: 'Europe/Berlin', weekly: weekly([...WEEKDAYS], ranges) });

  test('a 24×7 day is 23 h in March and 25 h in October; a 2 h window spans the change in elapsed time', () => {
    const always = allDay([['00:00', '24:00']]);
    expect(always.workingTimeBetween(Date.parse('2025-03-30T00:00:00+01:00'), Date.parse('2025-03-31T00:00:00+02:00'))).toBe(23 * HOUR_MS);
    expect(always.workingTimeBetween(Date.parse('2025-10-26T00:00:00+02:00'), Date.parse('2025-10-27T00:00:00+01:00'))).toBe(25 * HOUR_MS);
    expect(show(always.addWorkingTime(Date.parse('2025-03-30T01:30:00+01:00'), 2 * HOUR_MS), berlin)).toBe('2025-03-30T04:30:00+02:00');
    expect(show(always.addWorkingTime(Date.parse('2025-10-26T01:30:00+02:00'), 2 * HOUR_MS), berlin)).toBe('2025-10-26T02:30:00+01:00');
  });

  test('an interval inside the skipped hour has no time that day; inside the repeated hour it has twice the time', () => {
    const twoToThree = allDay([['02:00', '03:00']]);
    expect(twoToThree.workingTimeBetween(Date.parse('2025-03-30T00:00:00+01:00'), Date.parse('2025-03-31T00:00:00+02:00'))).toBe(0);
    expect(show(twoToThree.nextWorkingInstant(Date.parse('2025-03-30T00:00:00+01:00')), berlin)).toBe('2025-03-31T02:00:00+02:00');
    expect(twoToThree.workingTimeBetween(Date.parse('2025-10-26T00:00:00+02:00'), Date.parse('2025-10-27T00:00:00+01:00'))).toBe(2 * HOUR_MS);
  });

  test('an interval straddling the skipped hour starts at 03:00 summer time', () => {
    const straddle = allDay([['01:30', '04:00']]);
    expect(straddle.workingTimeBetween(Date.parse('2025-03-30T00:00:00+01:00'), Date.parse('2025-03-31T00:00:00+02:00'))).toBe(90 * MINUTE_MS);
    expect(show(straddle.addWorkingTime(Date.parse('2025-03-30T01:30:00+01:00'), 31 * MINUTE_MS), berlin)).toBe('2025-03-30T03:01:00+02:00');
  });

  test('a Monday 9–17 calendar counts 8 h on the Monday after each change', () => {
    const office = new BusinessCalendar({ timeZone: 'Europe/Berlin', weekly: { mon: [['09:00', '17:00']] } });
    expect(show(office.addWorkingTime(Date.parse('2025-03-28T12:00:00+01:00'), 8 * HOUR_MS), berlin)).toBe('2025-03-31T17:00:00+02:00');
    expect(show(office.addWorkingTime(Date.parse('2025-10-24T12:00:00+02:00'), 8 * HOUR_MS), berlin)).toBe('2025-10-27T17:00:00+01:00');
  });
});

describe('invalid calendars are CalendarErrors', () => {
  test.each<[string, CalendarSpec]>([
    ['no weekly time and no extra days', { timeZone: 'Asia/Shanghai', weekly: {} }],
    ['only empty weekdays', { timeZone: 'Asia/Shanghai', weekly: { mon: [], tue: [] } }],
    ['extra days without hours (Monday has none)', { timeZone: 'Asia/Shanghai', weekly: {}, extraWorkingDays: ['2025-10-11'] }],
    ['an interval ending before it starts', { timeZone: 'Asia/Shanghai', weekly: { mon: [['12:00', '09:00']] } }],
    ['an empty interval', { timeZone: 'Asia/Shanghai', weekly: { mon: [['09:00', '09:00']] } }],
    [
      'overlapping intervals',
      {
        timeZone: 'Asia/Shanghai',
        weekly: {
          mon: [
            ['09:00', '12:00'],
            ['11:00', '13:00'],
          ],
        },
      },
    ],
    [
      'intervals out of order',
      {
        timeZone: 'Asia/Shanghai',
        weekly: {
          mon: [
            ['13:00', '18:00'],
            ['09:00', '12:00'],
          ],
        },
      },
    ],
    ['a time that is not HH:MM', { timeZone: 'Asia/Shanghai', weekly: { mon: [['9:00', '12:00']] } }],
    ['a time past 24:00', { timeZone: 'Asia/Shanghai', weekly: { mon: [['09:00', '24:01']] } }],
    ['minutes past 59', { timeZone: 'Asia/Shanghai', weekly: { mon: [['09:60', '12:00']] } }],
  ])('%s', (_label, spec) => {
    expect(() => new BusinessCalendar(spec)).toThrow(CalendarError);
  });
});

describe('a year of working time', () => {
  const YEAR_START = sh('2025-01-01 00:00');
  const YEAR_END = sh('2026-01-01 00:00');

  test('2025 in China has 248 working days (261 weekdays − 18 weekday holidays + 5 make-up days) = 1984 h', () => {
    expect(calendar.workingTimeBetween(YEAR_START, YEAR_END)).toBe(248 * 8 * HOUR_MS);
    // The last working day of 2025 is Wednesday 31 December: a year's time is due at its close.
    expect(show(calendar.addWorkingTime(YEAR_START, 248 * 8 * HOUR_MS))).toBe(iso('2025-12-31 18:00'));
    expect(show(calendar.addWorkingTime(YEAR_START, 248 * 8 * HOUR_MS + MINUTE_MS))).toBe(iso('2026-01-01 09:01'));
  });

  test('without holidays, 2025 has 261 weekdays', () => {
    const plain = new BusinessCalendar({ timeZone: 'Asia/Shanghai', weekly: weekly(MON_FRI, WORKDAY) });
    expect(plain.workingTimeBetween(YEAR_START, YEAR_END)).toBe(261 * 8 * HOUR_MS);
  });

  test('a 24×7 year in Berlin is 8760 h even though two of its days are 23 h and 25 h', () => {
    const always = new BusinessCalendar({ timeZone: 'Europe/Berlin', weekly: weekly([...WEEKDAYS], [['00:00', '24:00']]) });
    const start = Date.parse('2025-01-01T00:00:00+01:00');
    expect(always.workingTimeBetween(start, Date.parse('2026-01-01T00:00:00+01:00'))).toBe(8760 * HOUR_MS);
    expect(always.addWorkingTime(start, 8760 * HOUR_MS)).toBe(Date.parse('2026-01-01T00:00:00+01:00'));
  });

  test('ten years of 5×8 working time are found in one call', () => {
    const plain = new BusinessCalendar({ timeZone: 'Asia/Shanghai', weekly: weekly(MON_FRI, WORKDAY) });
    // 2025–2034: 3652 days = 521 weeks (2605 weekdays) + Wed 27 to Sun 31 Dec 2034 (3 weekdays).
    const due = plain.addWorkingTime(YEAR_START, 2608 * 8 * HOUR_MS);
    expect(show(due)).toBe(iso('2034-12-29 18:00'));
  });
});
