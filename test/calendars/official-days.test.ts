/**
 * Official days from maintained data (D-20): China's statutory holidays and
 * make-up working days (调休) from chinese-days, public holidays elsewhere from date-holidays, and the
 * years an operator added.
 */
import { CHINESE_DAYS, DATE_HOLIDAYS, UnknownRegionError, canonicalRegion, officialDays, packageCoversYear } from '../../api/calendars/official-days';
import type { OperatorYear } from '../../domain/official-days';
import { officialYearProblems } from '../../domain/official-days';

const weekday = (date: string) => ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][new Date(`${date}T00:00:00Z`).getUTCDay()];

function datesFrom(first: string, count: number): string[] {
  return Array.from({ length: count }, (_, offset) => new Date(Date.parse(`${first}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10));
}

/** Illustrative 2027 dates, shaped like a State Council notice; not the official arrangement. */
const operator2027: OperatorYear = {
  year: 2027,
  holidays: ['2027-01-01', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12', '2027-10-01'],
  workingDays: ['2027-02-20'],
  by: 'ops-zhang',
  at: '2026-11-20T08:00:00.000Z',
  source: 'test notice',
};

describe('China (chinese-days)', () => {
  const cn2026 = officialDays('CN', 2026, 2026);

  test('the 2026 Spring Festival is off from 15 to 23 February, with make-up working Saturdays on 14 and 28 February', () => {
    expect(cn2026.holidays).toEqual(expect.arrayContaining(datesFrom('2026-02-15', 9)));
    expect(cn2026.holidays).not.toContain('2026-02-14');
    expect(cn2026.holidays).not.toContain('2026-02-24');
    expect(cn2026.workingDays).toEqual(expect.arrayContaining(['2026-02-14', '2026-02-28']));
    expect(['2026-02-14', '2026-02-28'].map(weekday)).toEqual(['sat', 'sat']);
  });

  test('every 2026 make-up working day chinese-days lists is a Saturday or a Sunday', () => {
    expect(cn2026.workingDays).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    expect(cn2026.workingDays.map(weekday)).toEqual(['sun', 'sat', 'sat', 'sat', 'sun', 'sat']);
    expect(cn2026.holidays.filter((date) => cn2026.workingDays.includes(date))).toEqual([]);
  });

  test('the 2026 National Day week is 1–7 October, and 8 October is worked', () => {
    expect(cn2026.holidays).toEqual(expect.arrayContaining(datesFrom('2026-10-01', 7)));
    expect(cn2026.holidays).not.toContain('2026-10-08');
  });

  test('2026 is covered by the package; 2027 is missing until an operator adds it', () => {
    expect(cn2026.years).toEqual([{ year: 2026, source: { kind: 'package', package: CHINESE_DAYS } }]);
    expect(CHINESE_DAYS).toBe('chinese-days@1.5.7');
    expect(cn2026.coverage).toEqual({ from: '2026-01-01', to: '2026-12-31' });

    const withoutOperator = officialDays('CN', 2026, 2027);
    expect(withoutOperator.missingYears).toEqual([2027]);
    expect(withoutOperator.coverage).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(withoutOperator.holidays.some((date) => date.startsWith('2027'))).toBe(false);
    expect(packageCoversYear('CN', 2026)).toBe(true);
    expect(packageCoversYear('CN', 2027)).toBe(false);
  });

  test("an operator's year is merged and named as its source", () => {
    const merged = officialDays('CN', 2026, 2027, [operator2027]);
    expect(merged.missingYears).toEqual([]);
    expect(merged.coverage).toEqual({ from: '2026-01-01', to: '2027-12-31' });
    expect(merged.holidays).toEqual(expect.arrayContaining([...datesFrom('2026-02-15', 9), ...operator2027.holidays]));
    expect(merged.workingDays).toEqual(expect.arrayContaining(['2026-02-14', '2027-02-20']));
    expect(merged.years).toEqual([
      { year: 2026, source: { kind: 'package', package: CHINESE_DAYS } },
      { year: 2027, source: { kind: 'operator', by: 'ops-zhang', at: '2026-11-20T08:00:00.000Z', source: 'test notice' } },
    ]);
  });

  test("an operator's year replaces the package's year of the same number", () => {
    const corrected: OperatorYear = { ...operator2027, year: 2026, holidays: ['2026-01-01'], workingDays: [] };
    const days = officialDays('CN', 2026, 2026, [corrected]);
    expect(days.holidays).toEqual(['2026-01-01']);
    expect(days.workingDays).toEqual([]);
    expect(days.years[0].source.kind).toBe('operator');
  });

  test('missing years are reported, and coverage ends before the first of them', () => {
    const days = officialDays('CN', 2025, 2029, [{ ...operator2027, year: 2028, holidays: ['2028-01-01'], workingDays: [] }]);
    expect(days.missingYears).toEqual([2027, 2029]);
    expect(days.coverage).toEqual({ from: '2025-01-01', to: '2026-12-31' });
    expect(days.years.map((entry) => entry.year)).toEqual([2025, 2026, 2028]);

    const none = officialDays('CN', 2030, 2031);
    expect(none).toMatchObject({ coverage: null, missingYears: [2030, 2031], holidays: [], workingDays: [], years: [] });
  });
});

describe('other regions (date-holidays, public holidays only)', () => {
  test('Berlin has International Women’s Day as a public holiday, Germany as a whole does not', () => {
    const berlin = officialDays('DE-BE', 2026, 2026);
    expect(berlin.region).toBe('DE-BE');
    expect(berlin.holidays).toEqual(['2026-01-01', '2026-03-08', '2026-04-03', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25', '2026-10-03', '2026-12-25', '2026-12-26']);
    // Observances and bank holidays (Rosenmontag, Christmas Eve from 14:00) are not days off.
    expect(berlin.holidays).not.toContain('2026-02-16');
    expect(berlin.holidays).not.toContain('2026-12-24');
    expect(berlin.workingDays).toEqual([]);
    expect(officialDays('DE', 2026, 2026).holidays).not.toContain('2026-03-08');
  });

  test('the United States: substitute days count, dates are the local calendar dates', () => {
    const us = officialDays('US', 2026, 2027);
    // 4 July 2026 is a Saturday: Friday 3 July is observed.
    expect(us.holidays).toEqual(expect.arrayContaining(['2026-07-03', '2026-07-04', '2026-11-26', '2026-12-25', '2027-12-31']));
    expect(us.holidays).toContain('2026-01-01');
    expect(us.holidays).not.toContain('2025-12-31');
    expect(us.years).toEqual([
      { year: 2026, source: { kind: 'package', package: DATE_HOLIDAYS } },
      { year: 2027, source: { kind: 'package', package: DATE_HOLIDAYS } },
    ]);
    expect(us.missingYears).toEqual([]);
  });

  test('a holiday lasting several days gives each of its dates (Korea, 설날 2026)', () => {
    expect(officialDays('KR', 2026, 2026).holidays).toEqual(expect.arrayContaining(['2026-02-17', '2026-02-18', '2026-02-19']));
  });
});

describe('regions', () => {
  test('codes are case-insensitive and canonical', () => {
    expect(canonicalRegion('cn')).toBe('CN');
    expect(canonicalRegion('de-be')).toBe('DE-BE');
    expect(canonicalRegion('us')).toBe('US');
  });

  test.each(['XX', 'DE-ZZ', 'CN-GD', 'China', '', 'US-CA-LA'])('"%s" is an unknown region', (region) => {
    expect(() => officialDays(region, 2026, 2026)).toThrow(UnknownRegionError);
  });
});

describe("checks of an operator's year (shared by the update validator and the API)", () => {
  test('a good year has no problems', () => {
    expect(officialYearProblems(operator2027)).toEqual([]);
  });

  test('each date must be real and inside the year; no date is both a holiday and a working day', () => {
    const problems = officialYearProblems({ year: 2027, holidays: ['2027-02-30', '2026-12-31', '2027-10-01'], workingDays: ['2027-10-01', '27-1-1'] });
    expect(problems.map((problem) => problem.path)).toEqual([
      ['holidays', 0],
      ['holidays', 1],
      ['workingDays', 0],
      ['workingDays', 1],
    ]);
    expect(problems[1].message).toContain('not in 2027');
    expect(problems[2].message).toContain('both');
  });

  test('a year without holidays, or out of range, is refused', () => {
    expect(officialYearProblems({ year: 2027, holidays: [], workingDays: [] })).toEqual([{ path: ['holidays'], message: 'Give the holidays of 2027' }]);
    expect(officialYearProblems({ year: 2027.5, holidays: ['2027-01-01'], workingDays: [] })[0].path).toEqual(['year']);
  });
});
