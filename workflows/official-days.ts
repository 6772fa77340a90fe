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
import { type AddYearRequest, type OperatorYear, officialYearProblems } from '../domain/official-days';

export type { AddYearRequest, OperatorYear, YearAddition } from '../domain/official-days';

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
