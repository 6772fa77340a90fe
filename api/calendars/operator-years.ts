/** The operator's official-days record of a region (workflows/official-days.ts), seen from the API. */
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { addYearUpdate, officialDaysWorkflowId, operatorYearsQuery, type AddYearRequest, type OperatorYear, type officialDaysWorkflow } from '../../workflows/official-days';
import { HttpError } from '../errors';

/**
 * How long an API process reuses a region's operator years before asking its record again: every
 * intake needs them, and they change a few times a year. An addition through this process is seen
 * at once; one through another API process within this time.
 */
const OPERATOR_YEARS_TTL_MS = 30_000;
const operatorYearsCache = new Map<string, { years: Promise<OperatorYear[]>; until: number }>();

/** The years an operator added for a canonical region; none before the first addition. */
export function readOperatorYears(client: Client, region: string): Promise<OperatorYear[]> {
  const cached = operatorYearsCache.get(region);
  if (cached && cached.until > Date.now()) return cached.years;
  const years = queryOperatorYears(client, region);
  operatorYearsCache.set(region, { years, until: Date.now() + OPERATOR_YEARS_TTL_MS });
  // A failed read is not remembered: the next request asks again.
  years.catch(() => operatorYearsCache.delete(region));
  return years;
}

async function queryOperatorYears(client: Client, region: string): Promise<OperatorYear[]> {
  try {
    return await client.workflow.getHandle(officialDaysWorkflowId(region)).query(operatorYearsQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return [];
    throw error;
  }
}

/** Adds a year; the first addition for a region starts its record (update-with-start). */
export async function addOperatorYear(client: Client, taskQueue: string, region: string, request: AddYearRequest): Promise<OperatorYear> {
  const workflowId = officialDaysWorkflowId(region);
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof officialDaysWorkflow>('officialDaysWorkflow', {
    workflowId,
    taskQueue,
    args: [{ region }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    // A closed record is never silently replaced by an empty one: its years would be lost.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    staticSummary: `Official days of ${region} added by operators`,
  });
  operatorYearsCache.delete(region);
  try {
    const added = await client.workflow.executeUpdateWithStart(addYearUpdate, { args: [request], startWorkflowOperation });
    // A read that began during the addition may have cached the years before it.
    operatorYearsCache.delete(region);
    return added;
  } catch (error) {
    operatorYearsCache.delete(region);
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    throw new HttpError(409, 'RecordClosed', `The official-days record ${workflowId} is closed; reset it in Temporal before adding years`);
  }
}
