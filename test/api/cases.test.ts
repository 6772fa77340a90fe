/**
 * The hotline API over real HTTP, against a real worker on the Temporal CLI dev server.
 */
import { mkdtempSync } from 'node:fs';
import { type AddressInfo, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { apiConnection } from '../../api/temporal-connection';
import { caseRequestBody as caseBody, uniqueId } from '../helpers/fixtures';
import { request, startApi, useApiStack } from '../helpers/http';
import { startWorker } from '../helpers/environments';

const stack = useApiStack('api');
const { post, get } = stack;
/** The customer every case of `caseBody` belongs to, acting for itself. */
const AS_CUSTOMER = { as: { customer: caseBody().customer.id } };

/** How many runs the server holds for a case id: proves a refused request started nothing. */
async function runsOf(caseId: string): Promise<number> {
  let count = 0;
  for await (const _ of stack.worker.env.client.workflow.list({ query: `WorkflowId = 'hotline-${caseId}'` })) count++;
  return count;
}

describe('POST /cases', () => {
  test('starts a case with its first windows armed; the same id again returns that case, with another intake it is a 409', async () => {
    const body = caseBody();
    const created = await post('/cases', body);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/cases/${body.caseId}`);
    expect(created.body).toMatchObject({ caseId: body.caseId, status: 'open', severity: '2', policy: { id: '000' } });
    const response = created.body.windows.find((window: { name: string }) => window.name === 'response');
    expect(response).toMatchObject({ status: 'running', level: '2' });
    // Level 2 of preset 000: response within 1 h (24×7), shown with the customer's offset (+08:00).
    expect(Date.parse(response.dueAt) - Date.parse(created.body.reportedAt)).toBe(3_600_000);
    expect(response.dueAt).toMatch(/\+08:00$/);

    const again = await post('/cases', body);
    expect(again.status).toBe(200);
    expect(again.body.caseId).toBe(body.caseId);
    expect(await runsOf(body.caseId)).toBe(1);
    // The same id with another intake is not a repeat: 409, the case as it was.
    const other = await post('/cases', { ...body, severity: '1' });
    expect(other).toMatchObject({ status: 409, body: { error: 'case_exists', message: expect.stringContaining(body.caseId) } });
    expect((await get(`/cases/${body.caseId}`)).body.severity).toBe('2');
    expect(await runsOf(body.caseId)).toBe(1);
  });

  test('writes the search attributes ops filter on in the Web UI', async () => {
    const body = caseBody({ severity: '1' });
    await post('/cases', body);
    const description = await stack.worker.env.client.workflow.getHandle(`hotline-${body.caseId}`).describe();
    expect(description.searchAttributes).toMatchObject({
      Product: ['hotline'],
      CustomerId: ['cust-api'],
      Severity: ['1'],
      CaseStatus: ['open'],
      Breached: [false],
      // 000 enters at the vendor's support, the seed's tier 2 (M000-5).
      EscalationTier: [2],
    });
  });

  test('an unknown severity is a 400 naming the field; nothing is started', async () => {
    const body = caseBody({ severity: '9' });
    const refused = await post('/cases', body);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_request');
    expect(refused.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: ['severity'] })]));
    expect(await runsOf(body.caseId)).toBe(0);
  });

  test.each([
    ['a negative window setting', { closing: { callBackWithinHours: -4 } }, ['closing', 'callBackWithinHours']],
    ['a report in the future', { reportedAt: '2999-01-01T00:00:00+08:00' }, ['reportedAt']],
    [
      'overlapping service periods',
      {
        servicePeriods: [
          { kind: 'free', start: '2026-01-01', end: '2026-12-31' },
          { kind: 'paid', start: '2026-06-01', end: '2027-05-31' },
        ],
      },
      ['servicePeriods'],
    ],
    ['a period ending before it starts', { servicePeriods: [{ kind: 'free', start: '2026-12-31', end: '2026-01-01' }] }, ['servicePeriods', 0, 'end']],
    ['an unknown preset', { preset: '999' }, ['preset']],
    ['an invalid time zone', { timeZone: 'Mars/Olympus' }, ['timeZone']],
    ['a report before 2000 (no fixed zone offsets then)', { reportedAt: '1899-12-31T23:00:00+08:00' }, ['reportedAt']],
    ['a NUL character in the problem', { problem: { description: 'Export\u0000fails', type: 'bug', softwareVersion: '8.5.2', environment: 'CentOS' } }, ['problem', 'description']],
    ['a bidirectional override in the customer name', { customer: { id: 'cust-api', name: 'Acme \u202Edtl', email: 'it@acme.example' } }, ['customer', 'name']],
    ['a lone surrogate in the environment', { problem: { description: 'Export fails', type: 'bug', softwareVersion: '8.5.2', environment: 'CentOS \uD800' } }, ['problem', 'environment']],
  ])('%s is a 400 naming the field', async (_name, overrides, field) => {
    const body = caseBody(overrides);
    const refused = await post('/cases', body);
    expect(refused.status).toBe(400);
    expect(refused.body.issues.map((issue: { path: unknown[] }) => issue.path)).toContainEqual(field);
    expect(await runsOf(body.caseId)).toBe(0);
  });

  test('a bad percent-escape in the path, a body labelled gzip that is not, are 400s, not 500s', async () => {
    const escape = await get('/cases/%zz');
    expect(escape).toMatchObject({ status: 400, body: { error: 'malformed_request' } });
    const gzip = await post('/cases', caseBody(), { 'content-encoding': 'gzip' });
    expect(gzip.status).toBe(400);
    expect(gzip.body.error).toBeDefined();
  });

  test('malformed JSON is a 400, a huge body a 413', async () => {
    const malformed = await post('/cases', '{"caseId": "x",');
    expect(malformed).toMatchObject({ status: 400, body: { error: 'malformed_json' } });
    const huge = await post('/cases', caseBody({ problem: { description: 'x'.repeat(200_000), type: 'bug', softwareVersion: '8.5.2', environment: 'CentOS' } }));
    expect(huge).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
  });

  test('a case outside every service period is refused with the reason (422), or started as paid work when asked', async () => {
    const expired = {
      servicePeriods: [{ kind: 'free', start: '2020-01-01', end: '2021-01-01' }],
      problem: { description: 'How to export?', type: 'operation', softwareVersion: '8.5.2', environment: 'Windows' },
    };
    const refused = await post('/cases', caseBody(expired));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: 'NotEntitled' });
    expect(refused.body.message).toContain('2021-01-01');
    const paid = await post('/cases', caseBody({ ...expired, paidWorkRequested: true }));
    expect(paid.status).toBe(201);
    expect(paid.body.entitlement.decision).toBe('paid-work');
  });
});

describe('case actions', () => {
  test('twenty cases confirmed right after their solution all finish (none waits on a change already made)', async () => {
    const caseIds = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const { caseId } = caseBody();
        await post('/cases', caseBody({ caseId }));
        await post(`/cases/${caseId}/provide-solution`, { solution: 'Patched' });
        await post(`/cases/${caseId}/confirm`, {}, {}, AS_CUSTOMER);
        return caseId;
      }),
    );
    const results = await Promise.all(caseIds.map((caseId) => stack.worker.env.client.workflow.getHandle(`hotline-${caseId}`).result()));
    expect(results.map((result) => result.status)).toEqual(caseIds.map(() => 'closed'));
  }, 30_000);

  test('walks a case from report to confirmation; each state refuses what it does not allow with 409', async () => {
    const { caseId } = caseBody();
    await post('/cases', caseBody({ caseId }));
    const early = await post(`/cases/${caseId}/confirm`, {}, {}, AS_CUSTOMER);
    expect(early.status).toBe(409);
    expect(early.body.error).toBe('InvalidState');

    expect((await post(`/cases/${caseId}/respond`, {})).body.status).toBe('in-progress');
    const solved = await post(`/cases/${caseId}/provide-solution`, { solution: 'Rebuilt the export index' });
    expect(solved.status).toBe(200);
    expect(solved.body.status).toBe('solved');
    const confirmed = await post(`/cases/${caseId}/confirm`, {}, {}, AS_CUSTOMER);
    expect(confirmed.body).toMatchObject({ status: 'closed', closeReason: 'Confirmed by the customer' });

    // The run ends once closed, even when the confirmation came while the call-back was starting.
    const result = await stack.worker.env.client.workflow.getHandle(`hotline-${caseId}`).result();
    expect(result).toMatchObject({ status: 'closed', closeReason: 'Confirmed by the customer' });

    const late = await post(`/cases/${caseId}/respond`, {});
    expect(late.status).toBe(409);
    expect((await get(`/cases/${caseId}`)).body.status).toBe('closed');
    const callBack = await get(`/cases/${caseId}/call-backs/1`);
    expect(callBack).toMatchObject({ status: 200, body: { status: 'due', solutionNumber: 1 } });
  });

  test('the same Idempotency-Key applies an action once; reused for another request it is a 422', async () => {
    const { caseId } = caseBody();
    await post('/cases', caseBody({ caseId }));
    const headers = { 'Idempotency-Key': 'pause-1' };
    const first = await post(`/cases/${caseId}/pause`, { reason: 'Awaiting logs' }, headers);
    const second = await post(`/cases/${caseId}/pause`, { reason: 'Awaiting logs' }, headers);
    expect(first.status).toBe(200);
    // A second pause would be refused (already paused): the 200 is the first answer, replayed.
    expect(second.status).toBe(200);
    expect(second.body.paused).toBe(true);
    expect(second.body.history.filter((entry: { type: string }) => entry.type === 'paused')).toHaveLength(1);
    const fresh = await post(`/cases/${caseId}/pause`, { reason: 'Awaiting logs' }, { 'Idempotency-Key': 'pause-2' });
    expect(fresh.status).toBe(409);
    // The key again with another body or for another action is refused, not answered with the first result.
    for (const [action, body] of [
      ['pause', { reason: 'Something else' }],
      ['resume', {}],
    ] as const) {
      const reused = await post(`/cases/${caseId}/${action}`, body, headers);
      expect(reused).toMatchObject({ status: 422, body: { error: 'idempotency_key_reused', message: expect.stringContaining('pause-1') } });
    }
    const after = (await get(`/cases/${caseId}`)).body;
    expect(after.paused).toBe(true);
    expect(after.history.filter((entry: { type: string }) => entry.type === 'paused' || entry.type === 'resumed')).toHaveLength(1);
  });

  test('an unknown severity change and a transfer are refused with clear errors', async () => {
    const { caseId } = caseBody();
    await post('/cases', caseBody({ caseId }));
    const severity = await post(`/cases/${caseId}/change-severity`, { severity: 'urgent' });
    expect(severity).toMatchObject({ status: 400, body: { error: 'UnknownSeverity' } });
    const noSite = await post(`/cases/${caseId}/transfer`, { to: 'on-site', situation: 'Disk array' });
    expect(noSite).toMatchObject({ status: 400, body: { error: 'InvalidAction' } });
    // The case runs under preset 000: on site only during deployment.
    const transfer = await post(`/cases/${caseId}/transfer`, { to: 'on-site', situation: 'Disk array', site: { address: 'Room 1', zone: 'city' } });
    expect(transfer).toMatchObject({ status: 422, body: { error: 'TransferUnavailable' } });
    const missingField = await post(`/cases/${caseId}/reopen`, {}, {}, AS_CUSTOMER);
    expect(missingField.status).toBe(400);
    expect(missingField.body.issues[0].path).toEqual(['reason']);
  });

  test('ready (200) while Temporal answers and a worker polls the task queue; liveness and readiness need no key', async () => {
    const ready = await get('/readyz', { as: null });
    expect(ready).toMatchObject({ status: 200, body: { ready: true, problems: [] } });
    expect(ready.body.workers).toBeGreaterThanOrEqual(1);
    expect((await get('/healthz', { as: null })).body).toEqual({ ok: true });
  });

  test('an unknown case is a 404, for reads and for actions', async () => {
    expect((await get('/cases/no-such-case')).status).toBe(404);
    expect((await post('/cases/no-such-case/respond', {})).status).toBe(404);
    expect((await get('/nowhere')).status).toBe(404);
  });
});

describe('a request that gets no answer in time', () => {
  const REQUEST_TIMEOUT_MS = 1_500;

  test('with no worker on the task queue: 504 within the deadline, saying the case was taken in; a worker that starts later opens it', async () => {
    const taskQueue = uniqueId('no-worker-tq');
    const api = await startApi(stack.worker.env.client, taskQueue, { requestTimeoutMs: REQUEST_TIMEOUT_MS });
    let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
    try {
      // Not ready: Temporal answers, no worker polls; alive all the same.
      const notReady = await request(api, 'GET', '/readyz', undefined, {}, { as: null });
      expect(notReady).toMatchObject({ status: 503, body: { ready: false, taskQueue, workers: 0, problems: [expect.stringContaining('no worker polls')] } });
      expect((await request(api, 'GET', '/healthz', undefined, {}, { as: null })).status).toBe(200);
      const body = caseBody();
      const began = Date.now();
      const late = await request(api, 'POST', '/cases', body);
      expect(late.status).toBe(504);
      expect(late.body).toMatchObject({ error: 'no_worker_answered', caseId: body.caseId, started: true });
      expect(late.body.message).toMatch(/Temporal is up/);
      // The deadline, the check that Temporal answers and whether the case exists: well under the SDK's 30 s.
      expect(Date.now() - began).toBeLessThan(REQUEST_TIMEOUT_MS + 4_000);

      const read = await request(api, 'GET', `/cases/${body.caseId}`);
      expect(read.status).toBe(504);
      expect(read.body.message).toMatch(/nothing was changed/);
      const action = await request(api, 'POST', `/cases/${body.caseId}/respond`, {}, { 'Idempotency-Key': 'late-respond-1' });
      expect(action.status).toBe(504);
      expect(action.body.message).toMatch(/same Idempotency-Key/);

      worker = await startWorker(stack.worker.env, taskQueue, mkdtempSync(path.join(tmpdir(), 'aftercare-outbox-')));
      // The action the server kept while no worker ran is applied once one runs, as the 504 said it may be;
      // sending it again with the same key applies it no second time.
      const retried = await request(api, 'POST', `/cases/${body.caseId}/respond`, {}, { 'Idempotency-Key': 'late-respond-1' });
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({ caseId: body.caseId, status: 'in-progress' });
      expect(retried.body.history.filter((entry: { by: string; type: string }) => entry.by === 'agent-li' && entry.type === 'responded')).toHaveLength(1);
      // The same intake again answers with the case: nothing was lost, nothing taken in twice.
      expect((await request(api, 'POST', '/cases', body)).status).toBe(200);
      expect(await runsOf(body.caseId)).toBe(1);
    } finally {
      await worker?.stopWorkerOnly();
      await api.close();
    }
  });

  test('with the server hung (it accepts connections and never answers): 503 within the deadline, nothing hangs', async () => {
    const sockets = new Set<Socket>();
    // Accepts and stays silent, like a frozen Temporal frontend.
    const hung = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const client = new Client({ connection: apiConnection({ address: `127.0.0.1:${(hung.address() as AddressInfo).port}` }) });
    const api = await startApi(client, 'nowhere', { requestTimeoutMs: REQUEST_TIMEOUT_MS });
    try {
      const began = Date.now();
      const [intake, read] = await Promise.all([request(api, 'POST', '/cases', caseBody()), request(api, 'GET', '/cases/any-case')]);
      for (const response of [intake, read]) {
        expect(response.status).toBe(503);
        expect(response.body).toMatchObject({ error: 'temporal_unavailable' });
      }
      expect(Date.now() - began).toBeLessThan(REQUEST_TIMEOUT_MS + 4_000);
    } finally {
      await api.close();
      await client.connection.close();
      for (const socket of sockets) socket.destroy();
      hung.close();
    }
  });
});

test('answers 503 with a clear message while Temporal is unreachable', async () => {
  // Port 1 on loopback: nothing listens there.
  const client = new Client({ connection: apiConnection({ address: '127.0.0.1:1' }) });
  const unreachable = await startApi(client, 'nowhere');
  try {
    const response = await request(unreachable, 'POST', '/cases', caseBody());
    expect(response.status).toBe(503);
    const readiness = await request(unreachable, 'GET', '/readyz', undefined, {}, { as: null });
    expect(readiness).toMatchObject({ status: 503, body: { ready: false, problems: [expect.stringContaining('Temporal does not answer')] } });
    expect(response.body).toMatchObject({ error: 'temporal_unavailable' });
    expect(response.body.message).toMatch(/unreachable/i);
  } finally {
    await unreachable.close();
    await client.connection.close();
  }
});

test('with the mail server down, a notice is retried with backoff and shown pending, nothing is recorded as sent, and the clock goes on: the breach is recorded at its instant', async () => {
  const taskQueue = uniqueId('smtp-down-tq');
  // Port 1 on loopback: the connection is refused, as with a mail server that is down.
  const worker = await startWorker(stack.worker.env, taskQueue, { smtpUrl: 'smtp://127.0.0.1:1' }, stack.worker.auditDirectory);
  const api = await startApi(stack.worker.env.client, taskQueue, { auditDirectory: stack.worker.auditDirectory });
  try {
    // Preset 000 level 1 (30-minute response window, 24×7) reported so that it is past the 80 %
    // warning at once and falls due in 3 s.
    const body = caseBody({ severity: '1', reportedAt: new Date(Date.now() - 30 * 60_000 + 3_000).toISOString(), notices: { noticeRecipients: ['desk@vendor.example'] } });
    expect((await request(api, 'POST', '/cases', body)).status).toBe(201);
    const handle = stack.worker.env.client.workflow.getHandle(`hotline-${body.caseId}`);
    const deadline = Date.now() + 30_000;
    let attempt = 0;
    while (attempt < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      attempt = (await handle.describe()).raw.pendingActivities?.[0]?.attempt ?? 0;
    }
    // Failed, and waiting for its retry: still pending, with the reason.
    expect(attempt).toBeGreaterThanOrEqual(2);
    const pending = (await handle.describe()).raw.pendingActivities![0];
    expect(pending.activityType?.name).toBe('sendEmail');
    expect(pending.lastFailure?.message).toMatch(/ECONNREFUSED|connect/i);
    // The clock does not wait for the mail server: the breach is recorded at its instant meanwhile.
    let view = (await request(api, 'GET', `/cases/${body.caseId}`)).body;
    while (view.breaches.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      view = (await request(api, 'GET', `/cases/${body.caseId}`)).body;
    }
    expect(view.breaches).toHaveLength(1);
    expect(Date.parse(view.breaches[0].recordedAt) - Date.parse(view.breaches[0].dueAt)).toBeLessThan(5_000);
    expect(view.history.map((entry: { type: string }) => entry.type)).toEqual(expect.arrayContaining(['warned', 'breach-notified']));
    expect(view.pendingEmails).toEqual([
      expect.objectContaining({ to: 'desk@vendor.example', subject: expect.stringMatching(/Response window \(level 1\) due/) }),
      expect.objectContaining({ to: 'desk@vendor.example', subject: expect.stringMatching(/breached/) }),
    ]);
    expect(view.history.map((entry: { type: string }) => entry.type)).not.toContain('email-sent');
  } finally {
    await api.close();
    await worker.stopWorkerOnly();
  }
}, 60_000);
