/**
 * Contract entity workflow on the time-skipping server: amendments recorded with who and when,
 * refused when the whole would not hold, and service-period reminders on durable timers.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ContractTerms } from '../../domain/contract';
import { contractWorkflow } from '../../workflows';
import { amendContractUpdate, contractStateQuery } from '../../workflows/contract';
import { contractTerms } from '../helpers/contracts';
import { type RunningWorker, createTimeSkippingEnv, startWorker } from '../helpers/environments';
import { uniqueId } from '../helpers/fixtures';

const DAY = 86_400_000;
const outbox = mkdtempSync(path.join(tmpdir(), 'aftercare-outbox-'));
let env: TestWorkflowEnvironment;
let worker: RunningWorker;
const started: string[] = [];

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  worker = await startWorker(env, uniqueId('contract-tq'), outbox);
});

afterEach(async () => {
  await Promise.all(
    started.splice(0).map((id) =>
      env.client.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => undefined),
    ),
  );
});

afterAll(() => worker?.stop());

/** A local date `days` from the server's now, in Asia/Shanghai. */
async function localDateIn(days: number): Promise<string> {
  const shanghai = (await env.currentTimeMs()) + days * DAY + 8 * 3_600_000;
  return new Date(shanghai).toISOString().slice(0, 10);
}

async function startContract(terms: ContractTerms) {
  const contractId = uniqueId('contract');
  started.push(`contract-${contractId}`);
  return env.client.workflow.start(contractWorkflow, { workflowId: `contract-${contractId}`, taskQueue: worker.taskQueue, args: [{ contractId, terms, createdBy: 'sales-chen' }] });
}

test('an amendment is recorded with who, when, and each term before and after', async () => {
  const handle = await startContract(contractTerms());
  const answer = await handle.executeUpdate(amendContractUpdate, {
    args: [{ by: 'sales-chen', reason: 'Renewal signed', changes: { vip: true, reclassification: 'carry-elapsed' } }],
  });
  // The answer is small (the terms that changed); the amendment itself is read by query.
  expect(answer).toEqual({ changedTerms: ['vip', 'reclassification'], version: 2 });
  const state = await handle.query(contractStateQuery);
  const [amendment] = state.amendments;
  expect(amendment).toMatchObject({ version: 2, by: 'sales-chen', reason: 'Renewal signed' });
  expect(amendment.changes).toEqual([
    { term: 'vip', before: false, after: true },
    { term: 'reclassification', before: 'default', after: 'carry-elapsed' },
  ]);
  expect(state.terms.vip).toBe(true);
  expect(state.version).toBe(2);
});

test('an amendment that would make service periods overlap is refused and changes nothing', async () => {
  const handle = await startContract(contractTerms());
  const failure = await handle
    .executeUpdate(amendContractUpdate, {
      args: [
        {
          by: 'sales-chen',
          reason: 'typo',
          changes: {
            servicePeriods: [
              { kind: 'free', start: '2026-01-01', end: '2026-12-31' },
              { kind: 'paid', start: '2026-12-01', end: '2027-12-31' },
            ],
          },
        },
      ],
    })
    .catch((error) => error);
  expect(failure).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((failure.cause as ApplicationFailure).type).toBe('InvalidAmendment');
  expect((failure.cause as ApplicationFailure).message).toMatch(/overlap/);
  const state = await handle.query(contractStateQuery);
  expect(state.version).toBe(1);
  expect(state.amendments).toEqual([]);
});

test('reminds the customer by e-mail 30 and 7 days before a service period ends, at 09:00 local', async () => {
  const end = await localDateIn(40);
  const handle = await startContract(contractTerms({ servicePeriods: [{ kind: 'free', start: '2026-01-01', end }] }));
  await env.sleep(20 * DAY);
  const afterFirst = await handle.query(contractStateQuery);
  expect(afterFirst.remindersDone.map((entry) => entry.outcome)).toEqual(['sent']);
  await env.sleep(15 * DAY);
  const state = await handle.query(contractStateQuery);
  expect(state.remindersDone.map((entry) => [entry.key.split('/')[1], entry.outcome])).toEqual([
    ['30d', 'sent'],
    ['7d', 'sent'],
  ]);
  // 09:00 in Shanghai is 01:00 UTC, 30 days before the end date.
  const [y, m, d] = end.split('-').map(Number);
  expect(state.remindersDone[0].atMs).toBeGreaterThanOrEqual(Date.UTC(y, m - 1, d) - 30 * DAY + 3_600_000);
  const mails = readdirSync(outbox).filter((file) => file.includes(state.contractId));
  expect(mails).toHaveLength(2);
  expect(readFileSync(path.join(outbox, mails[0]), 'utf8')).toContain(`ends on ${end}`);
});

test('a reminder whose instant has already passed is skipped, not sent late', async () => {
  const end = await localDateIn(10);
  const handle = await startContract(contractTerms({ servicePeriods: [{ kind: 'free', start: '2026-01-01', end }] }));
  const state = await handle.query(contractStateQuery);
  expect(state.remindersDone).toEqual([expect.objectContaining({ key: expect.stringContaining('/30d'), outcome: 'skipped' })]);
});

test('an amendment adding a period schedules its reminders', async () => {
  const handle = await startContract(contractTerms({ servicePeriods: [{ kind: 'free', start: '2026-01-01', end: await localDateIn(1) }] }));
  const renewalEnd = await localDateIn(60);
  await handle.executeUpdate(amendContractUpdate, {
    args: [
      {
        by: 'sales-chen',
        reason: 'Paid renewal',
        changes: {
          servicePeriods: [
            { kind: 'free', start: '2026-01-01', end: await localDateIn(1) },
            { kind: 'paid', start: await localDateIn(2), end: renewalEnd },
          ],
        },
      },
    ],
  });
  await env.sleep(31 * DAY);
  const state = await handle.query(contractStateQuery);
  expect(state.remindersDone.filter((entry) => entry.key.includes(renewalEnd))).toEqual([expect.objectContaining({ outcome: 'sent' })]);
});
