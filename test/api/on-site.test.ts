/**
 * On-site visits over HTTP against a real worker on the CLI dev server: a hotline case goes to
 * remote maintenance, which fails, then on site, and is driven by engineer, service-manager and
 * customer keys to a signed work order whose PDF a reader opens; a visit started directly; the
 * error contract (409 wrong step, 400 zod issues, 422 a visit the policy does not offer, 403, 404).
 */
import net from 'node:net';
import { createHash } from 'node:crypto';
import { caseRequestBody } from '../helpers/fixtures';
import { request, useApiStack } from '../helpers/http';
import { inspectPdf } from '../helpers/pdf';
import { connectionRefused } from '../helpers/tcp';
import { until } from '../helpers/until';

const stack = useApiStack('on-site-api');
const customer = { customer: 'cust-api' };
const SITE = { address: '北京市海淀区示例路 1 号', zone: 'city' };
/** A 1×1 PNG: the scan of the signed paper. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
let echo: net.Server;
let target: { host: string; port: number };

beforeAll(async () => {
  echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  target = { host: '127.0.0.1', port: (echo.address() as net.AddressInfo).port };
});
afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

function waitsFor(product: 'remote' | 'on-site', caseId: string, action: string) {
  return until(
    `${product} case ${caseId} waits for ${action}`,
    async () => {
      const answer = await stack.get(`/${product}/${caseId}`);
      return answer.body.awaiting?.includes(action) ? answer.body : undefined;
    },
    20_000,
    200,
  );
}

function hotlineCase(caseId: string, what: string, done: (body: { handoffs?: { state: string }[]; status: string }) => boolean) {
  let last: unknown;
  return until(
    `hotline case ${caseId}: ${what}`,
    async () => {
      const answer = await stack.get(`/cases/${caseId}`);
      last = { status: answer.body.status, handoffs: answer.body.handoffs, history: answer.body.history?.slice(-4) };
      return done(answer.body) ? answer.body : undefined;
    },
    20_000,
    200,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last seen ${JSON.stringify(last)}`);
  });
}

/** Appointment to consent, through the API (each caller as the route's roles say). */
async function visitToConsent(caseId: string) {
  await waitsFor('on-site', caseId, 'agree-appointment');
  const ok = async (route: string, body: unknown, as?: typeof customer) => {
    const answer = await stack.post(`/on-site/${caseId}/${route}`, body, {}, as ? { as } : {});
    expect([route, answer.status, answer.body.message]).toEqual([route, 200, undefined]);
    return answer.body;
  };
  await ok('agree-appointment', { at: new Date(Date.now() + 2 * 3_600_000).toISOString() });
  await ok('arrive', { identity: 'Staff card 0042', travelMinutes: 45 });
  await ok('accept-identity', {}, customer);
  await ok('state-problem', { problem: 'Terminals drop every few minutes since Monday' }, customer);
  await ok('permit-backup', {}, customer);
  await ok('report-backup', { note: 'MES database and switch configuration saved' });
  await ok('report-diagnosis', { diagnosis: 'A failing port on the core switch' });
  await ok('propose-solution', { solution: 'Move the uplink to a spare port and replace the module' });
  return ok('consent-solution', {}, customer);
}

describe('on-site visits over HTTP', () => {
  it('takes a hotline case through failed remote maintenance to a visit that ends with the signed work order, its PDF parsed', async () => {
    const body = caseRequestBody({ preset: '001', severity: 'L2' });
    const caseId = body.caseId as string;
    expect((await stack.post('/cases', body)).status).toBe(201);
    expect((await stack.post(`/cases/${caseId}/transfer`, { to: 'remote', situation: 'Terminals drop; look remotely first' })).status).toBe(200);

    // Remote maintenance fails: the port opened and closed, the hotline case hears it.
    await waitsFor('remote', caseId, 'agree-appointment');
    await stack.post(`/remote/${caseId}/agree-appointment`, { at: new Date().toISOString() });
    await stack.post(`/remote/${caseId}/state-scope`, { scope: 'The MES server' }, {}, { as: customer });
    await stack.post(`/remote/${caseId}/authorise`, { target, login: { username: 'ops', password: 'Pa55-word' } }, {}, { as: customer });
    await waitsFor('remote', caseId, 'report-backup');
    await stack.post(`/remote/${caseId}/report-backup`, {}, {}, { as: customer });
    const working = await waitsFor('remote', caseId, 'report-work');
    expect((await stack.post(`/remote/${caseId}/report-work`, { outcome: 'failed', workDone: 'The software is fine: a switch port drops packets' })).status).toBe(200);
    await hotlineCase(caseId, 'remote failed', (current) => current.handoffs?.[0]?.state === 'failed');
    expect(await connectionRefused(working.sessions[0].port)).toBe(true);

    // On site.
    const noSite = await stack.post(`/cases/${caseId}/transfer`, { to: 'on-site', situation: 'A switch port fails' });
    expect([noSite.status, noSite.body.error]).toEqual([400, 'InvalidAction']);
    const transfer = await stack.post(`/cases/${caseId}/transfer`, { to: 'on-site', situation: 'Remote could not fix it: a switch port fails', site: SITE });
    expect(transfer.status).toBe(200);
    await until('the visit starts', async () => ((await stack.get(`/on-site/${caseId}`)).status === 200 ? true : undefined), 20_000, 200);
    const started = (await stack.get(`/on-site/${caseId}`)).body;
    expect(started).toMatchObject({ trigger: 'transfer', parent: `hotline-${caseId}`, site: SITE, billing: { terms: 'paid' } });
    await visitToConsent(caseId);
    expect((await hotlineCase(caseId, 'on-site accepted', (current) => current.handoffs?.[1]?.state === 'accepted')).owner).toBe('agent-li');

    const early = await stack.post(`/on-site/${caseId}/give-advice`, { advice: 'x' });
    expect([early.status, early.body.error]).toEqual([409, 'InvalidState']);
    expect((await stack.post(`/on-site/${caseId}/request-consultation`, { expert: 'Network expert Liu', reason: 'Intermittent drops' })).status).toBe(200);
    const engineerApproves = await request(stack.api, 'POST', `/on-site/${caseId}/approve-consultation`, {}, {}, { as: 'engineer' });
    expect(engineerApproves.status).toBe(403);
    expect((await stack.post(`/on-site/${caseId}/approve-consultation`, {}, {}, { as: 'service-manager' })).status).toBe(200);
    expect((await stack.post(`/on-site/${caseId}/record-materials`, { items: [{ name: 'SFP 光模块 1000BASE-LX', quantity: 1, unitPrice: 480 }] })).status).toBe(200);
    expect((await stack.post(`/on-site/${caseId}/report-fix`, { outcome: 'fixed', workDone: 'Uplink moved, module replaced' })).status).toBe(200);
    await waitsFor('on-site', caseId, 'report-system-check');
    await stack.post(`/on-site/${caseId}/report-system-check`, { result: 'All 40 terminals connected for 30 minutes' });
    await stack.post(`/on-site/${caseId}/record-findings`, { cause: 'Port hardware failure', prevention: 'Monitor port errors weekly', solution: 'Module replaced' });
    await waitsFor('on-site', caseId, 'confirm-resolution');
    await stack.post(`/on-site/${caseId}/confirm-resolution`, {}, {}, { as: customer });
    await stack.post(`/on-site/${caseId}/give-advice`, { advice: 'Keep one spare module on site' });
    const signing = await waitsFor('on-site', caseId, 'sign-work-order');
    expect(signing.billing.lines.map((line: { item: string; billable: boolean }) => [line.item, line.billable])).toEqual([
      ['time-on-site', true],
      ['travel', true],
      ['materials', true],
    ]);

    // The customer signs the paper work order; its scan is uploaded. The materials form is signed online.
    const scan = await fetch(`${stack.api.baseUrl}/on-site/${caseId}/work-order-scan`, {
      method: 'POST',
      headers: { authorization: await stack.api.bearer(customer), 'content-type': 'image/png' },
      body: PNG,
    });
    expect(scan.status).toBe(200);
    await waitsFor('on-site', caseId, 'sign-materials-form');
    expect((await stack.post(`/on-site/${caseId}/sign-materials-form`, {}, {}, { as: customer })).status).toBe(200);
    const closed = await until(
      'the visit closes',
      async () => {
        const answer = await stack.get(`/on-site/${caseId}`);
        return answer.body.step === 'closed' ? answer.body : undefined;
      },
      20_000,
      200,
    );
    expect(closed).toMatchObject({ outcome: 'solved', workOrder: { signedBy: 'contact-cust-api', method: 'uploaded-scan' }, materialsForm: { signedBy: 'contact-cust-api', method: 'online' } });
    const solved = await hotlineCase(caseId, 'solved', (current) => current.status === 'solved');
    expect(solved.handoffs.map((handoff: { to: string; state: string }) => [handoff.to, handoff.state])).toEqual([
      ['remote', 'failed'],
      ['on-site', 'solved'],
    ]);

    const listed = await stack.get(`/on-site/${caseId}/documents`, { as: customer });
    expect(listed.body.documents.map((document: { kind: string }) => document.kind).sort()).toEqual(['materials-form', 'work-order']);
    const order = listed.body.documents.find((document: { kind: string }) => document.kind === 'work-order');
    expect(order.signatures).toEqual([expect.objectContaining({ method: 'uploaded-scan', documentSha256: order.sha256, scanSha256: createHash('sha256').update(PNG).digest('hex') })]);
    const download = await fetch(`${stack.api.baseUrl}${order.download}`, { headers: { authorization: await stack.api.bearer(customer) } });
    expect([download.status, download.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    const pdf = await inspectPdf(Buffer.from(await download.arrayBuffer()));
    const text = pdf.pages.join('\n');
    expect(text).toContain('客服维护工作单');
    expect(text).toContain('用户联');
    expect(text).toContain('Uplink moved, module replaced');
    expect(pdf.darkShareOfPage1).toBeGreaterThan(0);
    // The remote case's documents stay under /remote.
    expect((await stack.get(`/remote/${caseId}/documents/${encodeURIComponent(order.id)}`, { as: customer })).status).toBe(404);
  });

  it('starts a visit directly, refuses one the policy does not offer with 422 and a bad body with 400, and hides it from another customer', async () => {
    const body = { ...caseRequestBody({ preset: '004', severity: 'standard' }), problem: undefined, situation: 'Annual on-site inspection', site: SITE, trigger: 'scheduled' };
    const created = await stack.post('/on-site', body);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/on-site/${body.caseId}`);
    expect(created.body).toMatchObject({ step: 'appointment', trigger: 'scheduled', billing: { terms: 'free-in-period', servicePeriod: { kind: 'free' } } });
    expect((await stack.post('/on-site', body)).status).toBe(200);
    const notOffered = await stack.post('/on-site', { ...caseRequestBody(), problem: undefined, situation: 'Please come', site: SITE });
    expect([notOffered.status, notOffered.body.error]).toEqual([422, 'VisitNotOffered']);
    const noSite = await stack.post('/on-site', { ...body, caseId: undefined, site: { zone: 'moon' } });
    expect(noSite.status).toBe(400);
    expect(JSON.stringify(noSite.body.issues)).toContain('address');
    expect((await stack.get(`/on-site/${body.caseId}`, { as: { customer: 'someone-else' } })).status).toBe(404);
    await waitsFor('on-site', body.caseId, 'agree-appointment');
    const notYet = await stack.post(`/on-site/${body.caseId}/sign-work-order`, {}, {}, { as: customer });
    expect([notYet.status, notYet.body.message]).toEqual([409, expect.stringContaining('waits for agree-appointment')]);
    expect((await stack.post(`/on-site/${body.caseId}/withdraw`, { reason: 'Test over' }, {}, { as: customer })).status).toBe(200);
  });
});
