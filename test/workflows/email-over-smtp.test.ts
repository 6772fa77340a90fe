/**
 * The hotline case's e-mails through a real SMTP conversation (a local sink): what arrives, and what
 * a permanent rejection does — the case records it and goes on instead of retrying forever.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { hotlineWorkflow } from '../../workflows';
import { caseStateQuery, hotlineUpdates } from '../../workflows/messages';
import { type RunningWorker, createTimeSkippingEnv, startWorker } from '../helpers/environments';
import { actAndRead, hotlineIntake, uniqueId } from '../helpers/fixtures';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink';

const MINUTE = 60_000;
let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  env = await createTimeSkippingEnv();
  worker = await startWorker(env, uniqueId('smtp-tq'), { smtpUrl: sink.url });
});

afterAll(async () => {
  await worker?.stop();
  await sink?.close();
});

async function start(overrides: Parameters<typeof hotlineIntake>[0]) {
  const intake = hotlineIntake({ ...overrides, reportedAt: new Date(await env.currentTimeMs()).toISOString() });
  const handle = await env.client.workflow.start(hotlineWorkflow, { workflowId: `hotline-${intake.caseId}`, taskQueue: worker.taskQueue, args: [{ intake }] });
  return { intake, handle };
}

test('a breach notice reaches each recipient over SMTP; a rejected address is recorded and the case goes on', async () => {
  const { intake, handle } = await start({
    preset: '000',
    severity: '1',
    closing: { callBackSampleRate: 0 },
    notices: { to: ['desk@vendor.example', 'no-such-user@vendor.example'], outsideWorkingTime: 'at-once', officeHours: { timeZone: 'Asia/Shanghai', weekly: { mon: [['09:00', '18:00']] } } },
  });
  await env.sleep(31 * MINUTE);
  const state = await handle.query(caseStateQuery);
  const delivered = sink.received.filter((mail) => mail.headers.get('subject')?.includes(intake.caseId));
  expect(delivered.map((mail) => mail.rcptTo)).toEqual([['desk@vendor.example']]);
  expect(delivered[0].headers.get('subject')).toMatch(/Response window \(level 1\) breached/);
  expect(state.audit.filter((entry) => entry.type === 'email-rejected').map((entry) => entry.details)).toEqual([expect.stringContaining('no-such-user@vendor.example')]);
  // The case still works: it answers actions and keeps its clock.
  const solved = await actAndRead(handle, hotlineUpdates['provide-solution'], { args: [{ by: 'engineer-wang', solution: 'Patched' }] });
  expect(solved.status).toBe('solved');
});

test('the automatic close e-mail to a customer whose address is refused does not keep the case open', async () => {
  const { handle } = await start({
    closing: { callBackSampleRate: 0 },
    customer: { id: 'cust-gone', name: 'Gone Ltd', email: 'no-such-user@gone.example' },
  });
  await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by: 'engineer-wang', solution: 'Patched' }] });
  await env.sleep('32 days');
  const state = await handle.query(caseStateQuery);
  expect(state.status).toBe('auto-closed');
  expect(state.audit.map((entry) => entry.type)).toContain('email-rejected');
  expect(state.outbox).toEqual([]);
});
