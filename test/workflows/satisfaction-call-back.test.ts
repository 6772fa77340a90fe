/**
 * Satisfaction call-back (003 §4, R-003-5) as a child of the hotline case, on the Java time-skipping server.
 * One server per test: that server stops skipping time once a parent that started a child has
 * closed (sdk-java#1618), so tests sharing one would hang instead of failing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { HotlineIntake } from '../../domain/hotline-case';
import { callBackWorkflowId } from '../../domain/products';
import { hotlineWorkflow, satisfactionCallBackWorkflow } from '../../workflows';
import { caseStateQuery, hotlineUpdates } from '../../workflows/messages';
import { callBackStateQuery, recordSurveyUpdate } from '../../workflows/satisfaction-call-back';
import { type RunningWorker, createTimeSkippingEnv, startWorker } from '../helpers/environments';
import { actAndRead, hotlineIntake, uniqueId } from '../helpers/fixtures';

const HOUR = 3_600_000;
const outbox = mkdtempSync(path.join(tmpdir(), 'aftercare-outbox-'));
let worker: RunningWorker;

beforeEach(async () => {
  worker = await startWorker(await createTimeSkippingEnv(), uniqueId('call-back-tq'), outbox);
});

afterEach(() => worker?.stop());

/** Every solution drawn for a call-back (the presets' spot check would draw only some). */
const calledBack = { closing: { callBackSampleRate: 1 } };

async function solvedCase(intake: HotlineIntake) {
  const handle = await worker.env.client.workflow.start(hotlineWorkflow, {
    workflowId: `hotline-${intake.caseId}`,
    taskQueue: worker.taskQueue,
    args: [{ intake }],
  });
  const solved = await actAndRead(handle, hotlineUpdates['provide-solution'], { args: [{ by: 'engineer-wang', solution: 'Rebuilt the report index' }] });
  const callBack = worker.env.client.workflow.getHandle<typeof satisfactionCallBackWorkflow>(callBackWorkflowId(intake.caseId, 1));
  return { handle, solved, callBack };
}

test('confirmation closes the case at once; the call-back stays due for 48 h and records the survey', async () => {
  const { handle, solved, callBack } = await solvedCase(hotlineIntake(calledBack));
  // An update, not result(): waiting on the result lets the server skip past the call-back window.
  const confirmed = await actAndRead(handle, hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
  expect(confirmed.status).toBe('closed');
  expect(confirmed.closeReason).toBe('Confirmed by the customer');

  const due = await callBack.query(callBackStateQuery);
  expect(due.status).toBe('due');
  expect(due.dueMs).toBe(solved.solution!.atMs + 48 * HOUR);
  const done = await callBack.executeUpdate(recordSurveyUpdate, { args: [{ by: 'manager-zhao', speed: 5, quality: 4, comment: 'Quick' }] });
  expect(done.status).toBe('done');
  expect(done.survey).toMatchObject({ by: 'manager-zhao', speed: 5, quality: 4 });
  expect((await callBack.result()).status).toBe('done');
  expect((await handle.result()).status).toBe('closed');
});

test('a survey score outside 1–5 is refused and the call-back stays due', async () => {
  const { callBack } = await solvedCase(hotlineIntake(calledBack));
  const failure = await callBack.executeUpdate(recordSurveyUpdate, { args: [{ by: 'manager-zhao', speed: 7, quality: 4 }] }).catch((error) => error);
  expect(failure).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((failure.cause as ApplicationFailure).type).toBe('InvalidSurvey');
  expect((await callBack.query(callBackStateQuery)).status).toBe('due');
});

test('a call-back not made within 48 h is recorded as missed', async () => {
  const { handle, solved, callBack } = await solvedCase(hotlineIntake(calledBack));
  const result = await callBack.result();
  expect(result.status).toBe('missed');
  expect(result.dueMs).toBe(solved.solution!.atMs + 48 * HOUR);
  expect(result.missedMs!).toBeGreaterThanOrEqual(result.dueMs);
  expect((await handle.query(caseStateQuery)).audit.map((entry) => entry.type)).toContain('call-back-scheduled');
});
