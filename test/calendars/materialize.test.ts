/**
 * Policies with official days written in (D-20): what a case snapshots at intake.
 */
import { isRoundTheClock, materializePolicy, yearsForCase } from '../../api/calendars/materialize';
import { BusinessCalendar, CalendarError } from '../../domain/calendar';
import { presetPolicy } from '../../domain/sla-policy';
import { ZoneOffsets, formatInstant } from '../../domain/time-zone';
import type { OperatorYear } from '../../domain/official-days';

const HOUR = 3_600_000;
const shanghai = new ZoneOffsets('Asia/Shanghai');
const at = (local: string) => Date.parse(`${local}+08:00`);
const show = (ms: number) => formatInstant(ms, shanghai);

/** 002-hardware has all three kinds: 24×7 (A), 5×24 (B), 5×8 (C). */
const hardware = presetPolicy('002-hardware');
const cn2026 = materializePolicy(hardware, { region: 'CN' }, { from: 2026, to: 2027 });
const fiveByEight = new BusinessCalendar(cn2026.calendars['5x8']);

describe('a 5×8 calendar materialized for China 2026', () => {
  test('skips the Spring Festival: two working hours from Saturday 14 February 17:00 end on Tuesday the 24th', () => {
    // 17:00–18:00 on the make-up Saturday, then 15–23 February off, then 09:00–10:00.
    expect(show(fiveByEight.addWorkingTime(at('2026-02-14T17:00:00'), 2 * HOUR))).toBe('2026-02-24T10:00:00+08:00');
  });

  test('works the 调休 Saturday: two working hours from Friday 13 February 17:00 end on Saturday the 14th', () => {
    expect(show(fiveByEight.addWorkingTime(at('2026-02-13T17:00:00'), 2 * HOUR))).toBe('2026-02-14T10:00:00+08:00');
    // The same calendar without official days would run into Monday.
    const plain = new BusinessCalendar(hardware.calendars['5x8']);
    expect(show(plain.addWorkingTime(at('2026-02-13T17:00:00'), 2 * HOUR))).toBe('2026-02-16T10:00:00+08:00');
  });

  test('skips the National Day week', () => {
    expect(show(fiveByEight.addWorkingTime(at('2026-09-30T17:00:00'), 2 * HOUR))).toBe('2026-10-08T10:00:00+08:00');
    expect(show(fiveByEight.nextWorkingInstant(at('2026-10-01T08:00:00')))).toBe('2026-10-08T09:00:00+08:00');
  });

  test('5×24 gets the same days; 24×7 is untouched, holidays do not affect it', () => {
    expect(cn2026.calendars['5x24'].holidays).toEqual(cn2026.calendars['5x8'].holidays);
    expect(cn2026.calendars['24x7']).toEqual(hardware.calendars['24x7']);
    expect(isRoundTheClock(hardware.calendars['24x7'])).toBe(true);
    expect(isRoundTheClock(hardware.calendars['5x24'])).toBe(false);
    const splitDays = {
      timeZone: 'Asia/Shanghai',
      weekly: Object.fromEntries(
        ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((day) => [
          day,
          [
            ['00:00', '12:00'],
            ['12:00', '24:00'],
          ],
        ]),
      ),
    };
    expect(isRoundTheClock(splitDays as never)).toBe(true);
  });

  test('records what the data covers: 2026 only, since 2027 is not in the package', () => {
    expect(cn2026.calendars['5x8'].dataCoverage).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    const withOperator: OperatorYear = { year: 2027, holidays: ['2027-01-01'], workingDays: [], by: 'ops-zhang', at: '2026-11-20T08:00:00.000Z' };
    const covered = materializePolicy(hardware, { region: 'CN' }, { from: 2026, to: 2027 }, [withOperator]);
    expect(covered.calendars['5x8'].dataCoverage).toEqual({ from: '2026-01-01', to: '2027-12-31' });
    expect(covered.calendars['5x8'].holidays).toContain('2027-01-01');
  });

  test('with no data for the first year at all, coverage is an empty range, so every window is outside it', () => {
    const coverage = materializePolicy(hardware, {}, { from: 2030, to: 2031 }).calendars['5x8'].dataCoverage!;
    expect(coverage).toEqual({ from: '2030-01-01', to: '2029-12-31' });
  });

  test('leaves the policy it was given unchanged', () => {
    expect(hardware).toEqual(presetPolicy('002-hardware'));
    expect(cn2026.levels).toEqual(hardware.levels);
  });
});

describe("a contract's own days", () => {
  test('adds and removes holidays and working days on top of the official ones', () => {
    const policy = materializePolicy(
      presetPolicy('001'),
      {
        region: 'CN',
        addHolidays: ['2026-03-02'], // the customer's own day off
        removeHolidays: ['2026-01-02'], // worked under this contract
        addWorkingDays: ['2026-03-07'], // a Saturday the customer works
        removeWorkingDays: ['2026-02-28'], // no make-up Saturday under this contract
      },
      { from: 2026, to: 2027 },
    );
    const spec = policy.calendars['001-response'];
    expect(spec.holidays).toContain('2026-03-02');
    expect(spec.holidays).not.toContain('2026-01-02');
    expect(spec.extraWorkingDays).toContain('2026-03-07');
    expect(spec.extraWorkingDays).not.toContain('2026-02-28');
    expect(spec.extraWorkingDays).toContain('2026-02-14');

    const calendar = new BusinessCalendar(spec);
    // 001's response clock is 8:30–17:30; Friday 27 February 17:00 + 1 h skips Saturday the 28th.
    expect(show(calendar.addWorkingTime(at('2026-02-27T17:00:00'), HOUR))).toBe('2026-03-03T09:00:00+08:00');
    expect(show(calendar.nextWorkingInstant(at('2026-03-07T07:00:00')))).toBe('2026-03-07T08:30:00+08:00');
  });

  test("a contract's holiday wins over an official make-up day, and its working day over an official holiday", () => {
    const spec = materializePolicy(presetPolicy('000-application'), { addHolidays: ['2026-02-14'], addWorkingDays: ['2026-10-07'] }, { from: 2026, to: 2026 }).calendars['5x8'];
    expect(spec.extraWorkingDays).not.toContain('2026-02-14');
    expect(spec.holidays).toContain('2026-02-14');
    expect(spec.holidays).not.toContain('2026-10-07');
    expect(spec.extraWorkingDays).toContain('2026-10-07');
  });

  test('a day added both as a holiday and as a working day is refused', () => {
    expect(() => materializePolicy(presetPolicy('001'), { addHolidays: ['2026-03-02'], addWorkingDays: ['2026-03-02'] }, { from: 2026, to: 2026 })).toThrow(CalendarError);
  });

  test('another region: Berlin public holidays in a Berlin 5×8 calendar, no make-up days', () => {
    const spec = materializePolicy(presetPolicy('000-application', 'Europe/Berlin'), { region: 'DE-BE' }, { from: 2026, to: 2027 }).calendars['5x8'];
    expect(spec.holidays).toEqual(expect.arrayContaining(['2026-03-08', '2026-12-25', '2027-03-08']));
    expect(spec.extraWorkingDays).toEqual([]);
    expect(spec.dataCoverage).toEqual({ from: '2026-01-01', to: '2027-12-31' });
    const calendar = new BusinessCalendar(spec);
    const berlinZone = new ZoneOffsets('Europe/Berlin');
    // Good Friday and Easter Monday 2026 are off: Thursday 2 April 17:00 + 2 h ends Tuesday the 7th.
    expect(formatInstant(calendar.addWorkingTime(Date.parse('2026-04-02T17:00:00+02:00'), 2 * HOUR), berlinZone)).toBe('2026-04-07T10:00:00+02:00');
  });
});

describe('the years a case needs', () => {
  test('the reported year and the next, in the policy zone', () => {
    expect(yearsForCase(Date.parse('2026-06-01T00:00:00Z'), 'Asia/Shanghai')).toEqual({ from: 2026, to: 2027 });
    // 20:00 UTC on New Year's Eve is already 2027 in Shanghai, still 2026 in New York.
    expect(yearsForCase(Date.parse('2026-12-31T20:00:00Z'), 'Asia/Shanghai')).toEqual({ from: 2027, to: 2028 });
    expect(yearsForCase(Date.parse('2026-12-31T20:00:00Z'), 'America/New_York')).toEqual({ from: 2026, to: 2027 });
  });
});
