/**
 * Official days off and make-up working days per region, from maintained data (D-20). Runs outside
 * workflow code: cases receive the result as plain dates in their policy snapshot.
 *
 * - China (`CN`): statutory holidays and 调休 working days from `chinese-days` (2004–2026 in 1.5.7).
 *   Its JSON is read rather than its functions: they parse dates with the host's local time.
 * - Other countries and states (`US`, `DE-BE`…): public holidays from `date-holidays`, computed from
 *   its rules for any year; it knows no make-up working days.
 * - Years an operator added (the `official-days-<region>` workflow) replace the package's year.
 *
 * Every date is a local date (YYYY-MM-DD) of the region, read in the calendar's own zone.
 */
import chineseDaysData from 'chinese-days/dist/chinese-days.json';
import chineseDaysPackage from 'chinese-days/package.json';
import Holidays from 'date-holidays';
import dateHolidaysPackage from 'date-holidays/package.json';
import type { OperatorYear, YearAddition } from '../../domain/official-days';

export const DEFAULT_REGION = 'CN';
export const CHINESE_DAYS = `chinese-days@${chineseDaysPackage.version}`;
export const DATE_HOLIDAYS = `date-holidays@${dateHolidaysPackage.version}`;

/** Where one year's dates come from. */
export type YearSource = { kind: 'package'; package: string } | ({ kind: 'operator' } & YearAddition);

export interface OfficialDays {
  region: string;
  /** Sorted local dates. */
  holidays: string[];
  workingDays: string[];
  /**
   * The unbroken run of covered years from `fromYear` on, as local dates; null when `fromYear`
   * itself has no data. Past `to`, a day off is unknown.
   */
  coverage: { from: string; to: string } | null;
  missingYears: number[];
  /** The source of each covered year, in order. */
  years: { year: number; source: YearSource }[];
}

export class UnknownRegionError extends Error {
  override name = 'UnknownRegionError';
  constructor(readonly region: string) {
    super(`Unknown region "${region}": use CN, or a country or country-state code such as US or DE-BE`);
  }
}

type RegionData = { kind: 'chinese-days' } | { kind: 'date-holidays'; holidays: Holidays };

interface YearDays {
  holidays: string[];
  workingDays: string[];
}

const DAY_MS = 86_400_000;
const chineseYears = groupChineseDaysByYear();
const dateHolidaysCache = new Map<string, Holidays>();
let catalogue: Holidays | undefined;

function groupChineseDaysByYear(): Map<number, YearDays> {
  const byYear = new Map<number, YearDays>();
  const entry = (date: string) => {
    const year = Number(date.slice(0, 4));
    if (!byYear.has(year)) byYear.set(year, { holidays: [], workingDays: [] });
    return byYear.get(year)!;
  };
  for (const date of Object.keys(chineseDaysData.holidays)) entry(date).holidays.push(date);
  for (const date of Object.keys(chineseDaysData.workdays)) entry(date).workingDays.push(date);
  return byYear;
}

/**
 * The canonical spelling of a region ("cn" → "CN", "de-be" → "DE-BE"): workflow ids use it, so
 * one region has one operator record.
 */
export function canonicalRegion(region: string): string {
  const match = /^([A-Za-z]{2})(?:-([A-Za-z0-9]{1,4}))?$/.exec(region);
  if (!match) throw new UnknownRegionError(region);
  const country = match[1].toUpperCase();
  if (country === 'CN') {
    // chinese-days is national: China has no regional statutory calendars.
    if (match[2] !== undefined) throw new UnknownRegionError(region);
    return 'CN';
  }
  catalogue ??= new Holidays();
  if (!(country in catalogue.getCountries())) throw new UnknownRegionError(region);
  if (match[2] === undefined) return country;
  const state = Object.keys(catalogue.getStates(country) ?? {}).find((code) => code.toUpperCase() === match[2].toUpperCase());
  if (!state) throw new UnknownRegionError(region);
  return `${country}-${state}`;
}

export function isKnownRegion(region: string): boolean {
  try {
    canonicalRegion(region);
    return true;
  } catch (error) {
    if (error instanceof UnknownRegionError) return false;
    throw error;
  }
}

function regionData(region: string): RegionData {
  if (region === 'CN') return { kind: 'chinese-days' };
  let holidays = dateHolidaysCache.get(region);
  if (!holidays) {
    const [country, state] = region.split('-');
    holidays = state ? new Holidays(country, state, { types: ['public'] }) : new Holidays(country, { types: ['public'] });
    dateHolidaysCache.set(region, holidays);
  }
  return { kind: 'date-holidays', holidays };
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Public holidays of a year. `date` is the local start in the region ("2026-03-20 00:00:00 -0600"
 * for a holiday starting the evening before); `start`/`end` are instants, read in the host's zone
 * if formatted, so only their difference is used: the number of days a holiday lasts (설날: 3).
 */
function publicHolidaysOf(holidays: Holidays, year: number): string[] {
  const dates: string[] = [];
  for (const holiday of holidays.getHolidays(year)) {
    if (holiday.type !== 'public') continue;
    const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
    for (let offset = 0; offset < days; offset++) dates.push(addDays(holiday.date.slice(0, 10), offset));
  }
  return dates;
}

function packageYear(data: RegionData, year: number): { days: YearDays; source: YearSource } | undefined {
  if (data.kind === 'chinese-days') {
    const days = chineseYears.get(year);
    return days && { days, source: { kind: 'package', package: CHINESE_DAYS } };
  }
  return { days: { holidays: publicHolidaysOf(data.holidays, year), workingDays: [] }, source: { kind: 'package', package: DATE_HOLIDAYS } };
}

function operatorSource(entry: OperatorYear): YearSource {
  return { kind: 'operator', by: entry.by, at: entry.at, ...(entry.source === undefined ? {} : { source: entry.source }) };
}

/** Whether the maintained package has a year for the region (date-holidays: every year). */
export function packageCoversYear(region: string, year: number): boolean {
  const data = regionData(canonicalRegion(region));
  return data.kind === 'date-holidays' || chineseYears.has(year);
}

/**
 * Official holidays and working days of `region` from `fromYear` to `toYear` (inclusive): the
 * package's years, each replaced by the operator's year where one was added.
 */
export function officialDays(region: string, fromYear: number, toYear: number, operatorYears: readonly OperatorYear[] = []): OfficialDays {
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear) || toYear < fromYear) {
    throw new RangeError(`Years must be whole numbers with fromYear ≤ toYear (got ${fromYear}–${toYear})`);
  }
  const canonical = canonicalRegion(region);
  const data = regionData(canonical);
  const holidays = new Set<string>();
  const workingDays = new Set<string>();
  const years: OfficialDays['years'] = [];
  const missingYears: number[] = [];
  for (let year = fromYear; year <= toYear; year++) {
    const operator = operatorYears.find((entry) => entry.year === year);
    const found = operator ? { days: operator, source: operatorSource(operator) } : packageYear(data, year);
    if (!found) {
      missingYears.push(year);
      continue;
    }
    found.days.holidays.forEach((date) => holidays.add(date));
    found.days.workingDays.forEach((date) => workingDays.add(date));
    years.push({ year, source: found.source });
  }
  const firstMissing = missingYears.length > 0 ? missingYears[0] : toYear + 1;
  return {
    region: canonical,
    holidays: [...holidays].sort(),
    workingDays: [...workingDays].sort(),
    coverage: firstMissing === fromYear ? null : { from: `${fromYear}-01-01`, to: `${firstMissing - 1}-12-31` },
    missingYears,
    years,
  };
}
