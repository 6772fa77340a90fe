/**
 * Official days an operator added for a region (D-20): a year of statutory holidays and
 * make-up working days (调休) that the maintained packages do not have yet, e.g. China 2027 once the
 * State Council publishes it, added without a release.
 *
 * One long-lived entity per region, id `official-days-<region>`, started by the first addition
 * (update-with-start). It holds dates only; cases take a snapshot of them at intake, so a later
 * addition never changes a running case's history on replay.
 */
import { allHandlersFinished, condition, continueAsNew, defineQuery, defineUpdate, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { businessFailure } from './failures';
import type { FailureType } from '../domain/failures';

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

export interface OfficialDaysInput {
  region: string;
  /** State carried through continue-as-new. */
  carried?: { years: OperatorYear[] };
}

/** Business failure types, mapped to HTTP statuses by the API. */
export const OFFICIAL_DAYS_FAILURES = { yearExists: 'YearExists', invalid: 'InvalidOfficialDays' } as const satisfies Record<string, FailureType>;

export const addYearUpdate = defineUpdate<OperatorYear, [AddYearRequest]>('add-year');
export const operatorYearsQuery = defineQuery<OperatorYear[]>('years');

export { officialDaysWorkflowId } from '../domain/products';

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

/** A run stays well below the 2,000 updates Temporal allows per execution. */
const MAX_ADDITIONS_PER_RUN = 500;

export async function officialDaysWorkflow(input: OfficialDaysInput): Promise<void> {
  const years: OperatorYear[] = input.carried?.years ?? [];
  let additionsThisRun = 0;

  setHandler(operatorYearsQuery, () => years);
  setHandler(
    addYearUpdate,
    (request) => {
      const previous = years.find((entry) => entry.year === request.year);
      const added: OperatorYear = {
        year: request.year,
        holidays: [...new Set(request.holidays)].sort(),
        workingDays: [...new Set(request.workingDays)].sort(),
        by: request.by,
        at: new Date(Date.now()).toISOString(),
        ...(request.source === undefined ? {} : { source: request.source }),
      };
      if (previous) {
        const { year: _year, holidays: _holidays, workingDays: _workingDays, replaced = [], ...addition } = previous;
        added.replaced = [...replaced, addition];
        years.splice(years.indexOf(previous), 1, added);
      } else {
        years.push(added);
        years.sort((a, b) => a.year - b.year);
      }
      additionsThisRun += 1;
      showDetails(input.region, years);
      return added;
    },
    {
      // Synchronous on purpose: an async validator's rejection would not reject the update.
      validator: (request) => {
        const problems = officialYearProblems(request);
        if (problems.length > 0) {
          // The API answers 400 with these as its issues (api/errors.ts).
          throw businessFailure('InvalidOfficialDays', problems.map((problem) => `${problem.path.join('.')}: ${problem.message}`).join('; '), [problems]);
        }
        if (!request.replace && years.some((entry) => entry.year === request.year)) {
          throw businessFailure('YearExists', `${input.region} ${request.year} was already added; send replace: true to replace it`);
        }
      },
    },
  );
  showDetails(input.region, years);

  // An entity lives for years: its history must not grow without bound (temporal-notes.md).
  await condition(() => workflowInfo().continueAsNewSuggested || additionsThisRun >= MAX_ADDITIONS_PER_RUN);
  await condition(allHandlersFinished);
  await continueAsNew<typeof officialDaysWorkflow>({ region: input.region, carried: { years } });
}

function showDetails(region: string, years: OperatorYear[]): void {
  const rows = years.map((entry) => `| ${entry.year} | ${entry.holidays.length} | ${entry.workingDays.length} | ${entry.by} | ${entry.at} |`);
  setCurrentDetails([`**Official days added by operators: ${region}**`, '', '| year | holidays | working days | by | at |', '|---|---|---|---|---|', ...rows].join('\n'));
}
