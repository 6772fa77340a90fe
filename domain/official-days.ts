/**
 * A year of official days an operator adds for a region (D-20), and what is wrong with one, as
 * pure data and rules: the official-days workflow's validator and the API's schema both use them.
 */
export interface AddYearRequest {
  year: number;
  /** Local dates (YYYY-MM-DD) off work. */
  holidays: string[];
  /** Local dates worked although they fall on a weekend (调休). */
  workingDays: string[];
  by: string;
  /** Where the dates come from, e.g. the State Council notice. */
  source?: string;
  /** Replace a year added before; without it a second addition of a year is refused. */
  replace?: boolean;
}

/** Who added a year's dates, and when. */
export interface YearAddition {
  by: string;
  /** ISO 8601, UTC. */
  at: string;
  source?: string;
}

export interface OperatorYear extends YearAddition {
  year: number;
  holidays: string[];
  workingDays: string[];
  /** Earlier additions of the same year that this one replaced, oldest first. */
  replaced?: YearAddition[];
}

export const MIN_YEAR = 1900;
export const MAX_YEAR = 2200;

export interface Problem {
  path: (string | number)[];
  message: string;
}

function isRealDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * What is wrong with a year's dates, field by field (empty when nothing). Pure: the update's
 * validator and the API's request schema both use it, so the API answers 400 with the same reasons.
 */
export function officialYearProblems(request: Pick<AddYearRequest, 'year' | 'holidays' | 'workingDays'>): Problem[] {
  const problems: Problem[] = [];
  const { year } = request;
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    return [{ path: ['year'], message: `The year must be a whole number from ${MIN_YEAR} to ${MAX_YEAR}` }];
  }
  // An empty list would claim the year is covered with no holiday at all.
  if (request.holidays.length === 0) problems.push({ path: ['holidays'], message: `Give the holidays of ${year}` });
  const holidays = new Set(request.holidays);
  for (const field of ['holidays', 'workingDays'] as const) {
    request[field].forEach((date, index) => {
      if (!isRealDate(date)) problems.push({ path: [field, index], message: `"${date}" is not a real date (YYYY-MM-DD)` });
      else if (!date.startsWith(`${year}-`)) problems.push({ path: [field, index], message: `${date} is not in ${year}` });
      else if (field === 'workingDays' && holidays.has(date)) problems.push({ path: [field, index], message: `${date} is both a holiday and a working day` });
    });
  }
  return problems;
}
