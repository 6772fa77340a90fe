/**
 * A product built on the shared case core and runtime alone (test/workflows/small-product): its
 * windows breach and escalate, its notices and automatic close work, with none of that code in it.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { testActivityDeps } from '../helpers/activity-deps';
import { presetPolicy } from '../../domain/sla-policy';
import { createTimeSkippingEnv } from '../helpers/environments';
import { uniqueId } from '../helpers/fixtures';
import { appointmentAgreed, checkDone, confirmed, smallCaseQuery, smallCheckWorkflow } from './small-product/workflows';

const MINUTE = 60_000;
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let outbox: string;
const taskQueue = uniqueId('small-product');

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  outbox = mkdtempSync(path.join(tmpdir(), 'aftercare-small-'));
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./small-product/workflows'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } }),
    activities: createActivities(testActivityDeps({ transport: { kind: 'outbox', directory: outbox }, directory: outbox, auditDirectory: outbox })),
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

function start(overrides: Record<string, unknown> = {}) {
  const caseId = uniqueId('check');
  return env.client.workflow.start(smallCheckWorkflow, {
    workflowId: `health-check-${caseId}`,
    taskQueue,
    args: [
      {
        caseId,
        product: 'health-check',
        customer: { id: 'cust-1', name: 'Acme Ltd', email: 'it@acme.example' },
        timeZone: 'Asia/Shanghai',
        policy: presetPolicy('004'),
        severity: 'standard',
        reportedMs: Date.now(),
        openedBy: 'agent-li',
        closing: { callBackSampleRate: 0 },
        channel: 'community',
        ...overrides,
      },
    ],
  });
}

test('a missed response window is breached at its due instant and escalates, though the product has no clock code', async () => {
  const handle = await start();
  await env.sleep(31 * MINUTE);
  const waiting = await handle.query(smallCaseQuery);
  expect(waiting.breaches).toEqual([expect.objectContaining({ window: 'response', dueMs: waiting.reportedMs + 30 * MINUTE })]);
  expect(waiting.tier).toBe(2);
  await handle.signal(appointmentAgreed, { by: 'engineer-wang', at: 'tomorrow 10:00' });
  await handle.signal(checkDone, { by: 'engineer-wang', report: 'Indexes rebuilt, logs clean' });
  await handle.signal(confirmed, { by: 'customer' });
  const result = await handle.result();
  expect(result).toMatchObject({ stage: 'closed', closeReason: 'Confirmed by the customer' });
  expect(result.windows.map((window) => [window.name, window.metMs !== null])).toEqual([
    ['response', true],
    ['restore', true],
  ]);
  expect(result.audit.map((entry) => entry.type)).toEqual(expect.arrayContaining(['opened', 'breached', 'escalated', 'appointment-agreed', 'confirmed']));
});

test('a silent customer: the core closes it after a month with the e-mail, and finally a month later', async () => {
  const handle = await start();
  await handle.signal(appointmentAgreed, { by: 'engineer-wang', at: 'today 15:00' });
  await handle.signal(checkDone, { by: 'engineer-wang', report: 'Patch level current' });
  const result = await handle.result();
  expect(result.stage).toBe('closed');
  expect(result.audit.map((entry) => entry.type)).toEqual(expect.arrayContaining(['auto-closed', 'email-sent', 'closed']));
  expect(readdirSync(outbox).some((file) => file.includes(`health-check-${result.caseId}`))).toBe(true);
});
