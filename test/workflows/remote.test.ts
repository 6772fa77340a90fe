/**
 * Remote maintenance on the Java time-skipping test server with the real activities: a real TCP
 * port opens to an echo server standing in for the customer's system and is refused once closed,
 * the sealed login details never show in history, and the PDFs land in the document store.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { LOGIN_DETAILS_UNAVAILABLE } from '../../activities/login-details';
import type { RemoteActionPayload, RemoteActionType } from '../../domain/remote-actions';
import type { RemoteCase, RemoteIntake } from '../../domain/remote-case';
import { callBackWorkflowId } from '../../domain/products';
import { presetPolicy, type PresetId } from '../../domain/sla-policy';
import type { HotlineCase } from '../../domain/hotline-case';
import { hotlineWorkflow, remoteWorkflow } from '../../workflows';
import { caseStateQuery, hotlineUpdates } from '../../workflows/messages';
import { remoteStateQuery, remoteSignals, remoteUpdates } from '../../workflows/remote';
import { type RunningWorker, createTimeSkippingEnv, startWorker } from '../helpers/environments';
import { hotlineIntake, uniqueId } from '../helpers/fixtures';
import { encodingsOf } from '../helpers/secrets';
import { connectionRefused, exchange } from '../helpers/tcp';

const MINUTE = 60_000;
const PASSWORD = 'S3cret-远程-Pa55';
const taskQueue = uniqueId('remote-tq');
const outbox = mkdtempSync(path.join(tmpdir(), 'aftercare-remote-outbox-'));
let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let echo: net.Server;
let target: { host: string; port: number };

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  worker = await startWorker(env, taskQueue, outbox);
  echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  target = { host: '127.0.0.1', port: (echo.address() as net.AddressInfo).port };
});

afterAll(async () => {
  await worker?.stop();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

const startedIds: string[] = [];
afterEach(async () => {
  await Promise.all(
    startedIds.splice(0).map((id) =>
      env.client.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => undefined),
    ),
  );
});

async function start(preset: PresetId = '000', overrides: Partial<RemoteIntake> = {}) {
  const caseId = uniqueId('remote-case');
  const intake: RemoteIntake = {
    caseId,
    customer: { id: 'cust-remote', name: '上海示例科技有限公司', email: 'it@example.cn' },
    timeZone: 'Asia/Shanghai',
    policy: presetPolicy(preset, 'Asia/Shanghai'),
    severity: preset === '001' ? 'L2' : '2',
    reportedMs: await env.currentTimeMs(),
    openedBy: 'engineer-wang',
    situation: 'The nightly export job fails with ORA-01555',
    ...overrides,
  };
  // A solved case starts its satisfaction call-back, which keeps timers of its own.
  startedIds.push(`remote-${intake.caseId}`, callBackWorkflowId(intake.caseId, 1));
  return env.client.workflow.start(remoteWorkflow, { workflowId: `remote-${intake.caseId}`, taskQueue, args: [intake] });
}

type Handle = WorkflowHandle<typeof remoteWorkflow>;

function act<T extends RemoteActionType>(handle: Handle, type: T, payload: RemoteActionPayload<T>) {
  return handle.executeUpdate(remoteUpdates[type], { args: [payload] as [RemoteActionPayload<T>] });
}

const stateOf = (handle: Handle): Promise<RemoteCase> => handle.query(remoteStateQuery);

async function waitFor(handle: Handle, done: (state: RemoteCase) => boolean): Promise<RemoteCase> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const state = await stateOf(handle);
    if (done(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the remote case did not get there; it is at ${(await stateOf(handle)).step}`);
}

/** The API's part of the authorisation: seal the login outside history, send only its reference. */
async function authorise(handle: Handle) {
  const { vault } = worker.deps.remoteAccess;
  const sealed = await vault.seal(`${handle.workflowId}.login`, { username: 'ops', password: PASSWORD });
  return act(handle, 'authorise', { by: 'customer-zhao', target, loginReference: sealed.reference, keyId: sealed.keyId });
}

/** Through the steps to an open port; returns the port. */
async function openPort(handle: Handle): Promise<number> {
  await act(handle, 'agree-appointment', { by: 'engineer-wang', at: new Date((await env.currentTimeMs()) + 10 * MINUTE).toISOString() });
  await act(handle, 'state-scope', { by: 'customer-zhao', scope: 'The export job on db01' });
  await authorise(handle);
  await act(handle, 'report-backup', { by: 'engineer-wang', note: 'RMAN full backup' });
  const state = await waitFor(handle, (current) => current.step === 'remote-work' && current.sessions.length > 0);
  return state.sessions[0].port;
}

function updateFailure(error: unknown): ApplicationFailure {
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  return (error as WorkflowUpdateFailedError).cause as ApplicationFailure;
}

describe('remote maintenance', () => {
  // The tests that let server time pass come first, while nothing else runs on the server.
  it('closes the port by itself at the session time limit; the work is still reported afterwards', async () => {
    const handle = await start();
    const port = await openPort(handle);
    const { terms } = await stateOf(handle);
    await env.sleep((terms.sessionLimitMinutes + 1) * MINUTE);
    const state = await waitFor(handle, (current) => current.sessions[0].closedMs !== null);
    expect(state.sessions[0].closedBecause).toBe('the session reached its time limit');
    expect(await connectionRefused(port)).toBe(true);
    await act(handle, 'report-work', { by: 'engineer-wang', outcome: 'failed', workDone: 'The cause is in the storage array, not the software', patches: [] });
    expect((await handle.result()).outcome).toBe('failed');
  });

  it('records a breach when no appointment is agreed within the response window', async () => {
    const handle = await start('000');
    const before = await stateOf(handle);
    const window = before.windows.find((candidate) => candidate.metBy === 'response')!;
    await env.sleep(window.dueMs! - (await env.currentTimeMs()) + MINUTE);
    const state = await waitFor(handle, (current) => current.breaches.length > 0);
    expect(state.breaches[0]).toMatchObject({ window: window.name });
  });

  it('runs the seed steps in order: the port forwards during the work, is refused after it, and the signed confirmation ends the case', async () => {
    const handle = await start();
    const port = await openPort(handle);
    expect(await exchange(port, 'SELECT 1')).toBe('SELECT 1');
    await act(handle, 'report-work', { by: 'engineer-wang', outcome: 'done', workDone: 'Raised UNDO_RETENTION, re-ran the export', patches: ['8.5.2-p3'] });
    let state = await waitFor(handle, (current) => current.awaiting.includes('confirm-resolution'));
    expect(state.sessions[0].closedMs).not.toBeNull();
    expect(await connectionRefused(port)).toBe(true);
    await act(handle, 'confirm-resolution', { by: 'customer-zhao' });
    await act(handle, 'give-advice', { by: 'engineer-wang', advice: 'Watch the undo tablespace before month end' });
    state = await waitFor(handle, (current) => current.awaiting.includes('sign-confirmation'));
    await act(handle, 'sign-confirmation', { by: 'customer-zhao', method: 'online' });
    const result = await handle.result();
    expect(result.outcome).toBe('solved');

    state = await stateOf(handle);
    expect(state.login?.destroyed).toBe(true);
    const { store } = worker.deps.documents;
    const report = await store.readExisting(state.report!.documentId);
    expect(report.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const confirmation = (await store.list(state.caseId)).find((document) => document.kind === 'maintenance-confirmation');
    expect(confirmation?.signatures).toEqual([expect.objectContaining({ signedBy: 'customer-zhao', method: 'online', documentSha256: confirmation?.sha256 })]);
    // Long headers are folded (RFC 5322): unfold before reading the subject.
    const subjects = readdirSync(outbox).map((file) => /^Subject: (.*)$/m.exec(readFileSync(path.join(outbox, file), 'utf8').replace(/\r?\n[ \t]/g, ' '))?.[1]);
    expect(subjects).toContain(`Case ${state.caseId}: please change the login password now`);
    await expect(worker.deps.remoteAccess.vault.open(`${handle.workflowId}.login`)).rejects.toMatchObject({ type: LOGIN_DETAILS_UNAVAILABLE });
  });

  it('keeps neither the password nor any encoding of it in the workflow history', async () => {
    const handle = await start();
    await openPort(handle);
    await act(handle, 'report-work', { by: 'engineer-wang', outcome: 'done', workDone: 'Re-indexed', patches: [] });
    await waitFor(handle, (current) => current.awaiting.includes('confirm-resolution'));
    const history = JSON.stringify(await handle.fetchHistory());
    // Payloads are base64 in the JSON of history: decode each, so an encoded secret is seen too.
    const payloads = [...history.matchAll(/"data":"([A-Za-z0-9+/=]+)"/g)].map((match) => Buffer.from(match[1], 'base64').toString('utf8'));
    expect(payloads.some((payload) => payload.includes(`${handle.workflowId}.login`))).toBe(true);
    const leaks = encodingsOf(PASSWORD).filter((encoding) => [history, ...payloads].some((text) => text.includes(encoding)));
    expect(leaks).toEqual([]);
  });

  it('closes the port and destroys the login when the workflow is cancelled during the remote work', async () => {
    const handle = await start();
    const port = await openPort(handle);
    expect(await exchange(port, 'still here')).toBe('still here');
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect(await connectionRefused(port)).toBe(true);
    await expect(worker.deps.remoteAccess.vault.open(`${handle.workflowId}.login`)).rejects.toMatchObject({ type: LOGIN_DETAILS_UNAVAILABLE });
  });

  it('closes the port when the customer withdraws, and tells the customer to change the password', async () => {
    const handle = await start();
    const port = await openPort(handle);
    await act(handle, 'withdraw', { by: 'customer-zhao', reason: 'We restored from last night’s backup ourselves' });
    const result = await handle.result();
    expect(result.outcome).toBe('withdrawn');
    expect(await connectionRefused(port)).toBe(true);
    const state = await stateOf(handle);
    expect(state.sessions[0].closedBecause).toMatch(/ended/);
  });

  it('waits for the customer’s backup before any work under preset 001, and refuses work reported before it', async () => {
    const handle = await start('001');
    await act(handle, 'agree-appointment', { by: 'engineer-wang', at: new Date(await env.currentTimeMs()).toISOString() });
    await act(handle, 'state-scope', { by: 'customer-zhao', scope: 'The OA mail module' });
    await authorise(handle);
    const state = await waitFor(handle, (current) => current.step === 'backup');
    expect(state.terms.backupBy).toBe('customer');
    expect(state.sessions).toEqual([]);
    const refusal = updateFailure(await act(handle, 'report-work', { by: 'engineer-wang', outcome: 'done', workDone: 'x', patches: [] }).catch((error: unknown) => error));
    expect(refusal.type).toBe('InvalidState');
    expect(refusal.message).toMatch(/at step backup, it waits for report-backup/);
  });

  it('refuses an authorisation sent as a signal, which could carry the login in clear, and records it', async () => {
    const handle = await start();
    await act(handle, 'agree-appointment', { by: 'engineer-wang', at: new Date(await env.currentTimeMs()).toISOString() });
    await act(handle, 'state-scope', { by: 'customer-zhao', scope: 'ERP' });
    await handle.signal(remoteSignals.authorise, { by: 'customer-zhao', target, loginReference: 'made-up', keyId: 'k' });
    const state = await waitFor(handle, (current) => current.audit.some((entry) => entry.type === 'ignored'));
    expect(state.step).toBe('authorisation');
    expect(state.login).toBeUndefined();
  });

  it('fails with InvalidIntake, not a retried task, when the severity is not in the policy', async () => {
    const handle = await start('000', { severity: 'L9' });
    const failure = await handle.result().catch((error: unknown) => (error as { cause?: ApplicationFailure }).cause);
    expect(failure).toMatchObject({ type: 'InvalidIntake', nonRetryable: true });
  });

  it('takes a hotline case by transfer: the agent owns it until remote accepts, and the solution returns to the case', async () => {
    // Preset 004 calls back every solution: only the hotline case may, not the remote case too.
    const intake = { ...hotlineIntake({ preset: '004', severity: 'standard' }), reportedAt: new Date(await env.currentTimeMs()).toISOString() };
    const hotlineId = `hotline-${intake.caseId}`;
    startedIds.push(hotlineId, `remote-${intake.caseId}`, callBackWorkflowId(intake.caseId, 1));
    const hotline = await env.client.workflow.start(hotlineWorkflow, { workflowId: hotlineId, taskQueue, args: [{ intake }] });
    await hotline.executeUpdate(hotlineUpdates.transfer, { args: [{ by: 'agent-li', to: 'remote', situation: 'The export fails only on the customer’s server' }] });
    const caseNow = () => hotline.query(caseStateQuery) as Promise<HotlineCase>;
    const until = async (done: (state: HotlineCase) => boolean) => {
      for (let attempt = 0; attempt < 100 && !done(await caseNow()); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      return caseNow();
    };
    let state = await until((current) => current.handoffs?.[0]?.state === 'running');
    expect([state.status, state.owner]).toEqual(['in-progress', 'agent-li']);

    const remote = env.client.workflow.getHandle<typeof remoteWorkflow>(`remote-${intake.caseId}`);
    expect((await stateOf(remote)).parent).toMatchObject({ workflowId: hotlineId, product: 'hotline' });
    await openPort(remote);
    state = await until((current) => current.handoffs?.[0]?.state === 'accepted');
    expect(state.owner).toBe('engineer-wang');
    await act(remote, 'report-work', { by: 'engineer-wang', outcome: 'done', workDone: 'Rebuilt the export index', patches: [] });
    await waitFor(remote, (current) => current.awaiting.includes('confirm-resolution'));
    await act(remote, 'confirm-resolution', { by: 'customer-zhao' });
    await act(remote, 'give-advice', { by: 'engineer-wang', advice: 'Rebuild the index after each upgrade' });
    await waitFor(remote, (current) => current.awaiting.includes('sign-confirmation'));
    await act(remote, 'sign-confirmation', { by: 'customer-zhao', method: 'online' });
    expect((await remote.result()).outcome).toBe('solved');
    state = await until((current) => current.handoffs?.[0]?.state === 'solved');
    expect(state.status).toBe('solved');
    expect(state.audit.map((entry) => entry.type)).toEqual(expect.arrayContaining(['transferred', 'handoff-started', 'handoff-accepted', 'handoff-solved']));
    // The customer is called back by the hotline case only, not by the remote case too.
    const remoteHistory = await remote.fetchHistory();
    expect(remoteHistory.events?.filter((event) => event.startChildWorkflowExecutionInitiatedEventAttributes)).toEqual([]);
  });

  it('ends a transfer whose remote case runs already (started directly) and keeps the case with its agent', async () => {
    const intake = { ...hotlineIntake({ severity: '2' }), reportedAt: new Date(await env.currentTimeMs()).toISOString() };
    await start('000', { caseId: intake.caseId });
    const hotlineId = `hotline-${intake.caseId}`;
    startedIds.push(hotlineId);
    const hotline = await env.client.workflow.start(hotlineWorkflow, { workflowId: hotlineId, taskQueue, args: [{ intake }] });
    await hotline.executeUpdate(hotlineUpdates.transfer, { args: [{ by: 'agent-li', to: 'remote', situation: 'Needs a look' }] });
    let state = (await hotline.query(caseStateQuery)) as HotlineCase;
    for (let attempt = 0; attempt < 50 && state.handoffs?.[0]?.state === 'starting'; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = (await hotline.query(caseStateQuery)) as HotlineCase;
    }
    expect(state.handoffs?.[0]?.state).toBe('failed');
    expect(state.owner).toBe('agent-li');
    expect(state.audit.map((entry) => entry.type)).toContain('handoff-refused');
  });
});
