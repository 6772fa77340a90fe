/** The operator's official-days record of a region (workflows/official-days.ts), seen from the API. */
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { addYearUpdate, officialDaysWorkflowId, operatorYearsQuery, type AddYearRequest, type OperatorYear, type officialDaysWorkflow } from '../../workflows/official-days';
import { HttpError } from '../errors';

/** The years an operator added for a canonical region; none before the first addition. */
export async function readOperatorYears(client: Client, region: string): Promise<OperatorYear[]> {
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
  try {
    return await client.workflow.executeUpdateWithStart(addYearUpdate, { args: [request], startWorkflowOperation });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    throw new HttpError(409, 'RecordClosed', `The official-days record ${workflowId} is closed; reset it in Temporal before adding years`);
  }
}
