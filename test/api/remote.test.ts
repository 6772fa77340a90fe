/**
 * Remote maintenance over HTTP against a real worker on the CLI dev server: a hotline case is
 * transferred, driven to its signed confirmation by engineer and customer keys, its documents
 * listed and downloaded as PDFs a reader opens, and the raw history that `temporal workflow show
 * -o json` prints holds no trace of the customer's password.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { promisify } from 'node:util';
import { caseRequestBody } from '../helpers/fixtures';
import { request, useApiStack } from '../helpers/http';
import { inspectPdf } from '../helpers/pdf';
import { encodingsOf } from '../helpers/secrets';
import { connectionRefused, exchange } from '../helpers/tcp';
import { until } from '../helpers/until';

const stack = useApiStack('remote-api');
const customer = { customer: 'cust-api' };
const PASSWORD = 'Zh4ng-San!密码-2026';
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

/** The hotline case, transferred: resolves once the remote case answers. */
async function transferredCase(): Promise<string> {
  const body = caseRequestBody();
  expect((await stack.post('/cases', body)).status).toBe(201);
  const transfer = await stack.post(`/cases/${body.caseId}/transfer`, { to: 'remote', situation: 'The export fails only on the customer’s server' });
  expect(transfer.status).toBe(200);
  await until('the remote case starts', async () => ((await stack.get(`/remote/${body.caseId}`)).status === 200 ? true : undefined), 20_000, 200);
  return body.caseId as string;
}

async function remoteWaitsFor(caseId: string, action: string) {
  return until(
    `remote case ${caseId} waits for ${action}`,
    async () => {
      const answer = await stack.get(`/remote/${caseId}`);
      return answer.body.awaiting?.includes(action) ? answer.body : undefined;
    },
    20_000,
    200,
  );
}

/** The remote case once it has closed. */
function remoteClosed(caseId: string) {
  return until(
    `remote case ${caseId} closes`,
    async () => {
      const answer = await stack.get(`/remote/${caseId}`);
      return answer.body.step === 'closed' ? answer.body : undefined;
    },
    20_000,
    200,
  );
}

describe('remote maintenance over HTTP', () => {
  it('takes a transferred hotline case to a signed confirmation, with its PDFs listed and downloadable', async () => {
    const caseId = await transferredCase();
    expect((await stack.get(`/cases/${caseId}`)).body.status).toBe('in-progress');
    await remoteWaitsFor(caseId, 'agree-appointment');
    expect((await stack.post(`/remote/${caseId}/agree-appointment`, { at: new Date(Date.now() + 3_600_000).toISOString() })).status).toBe(200);
    expect((await stack.post(`/remote/${caseId}/state-scope`, { scope: 'The export job on db01' }, {}, { as: customer })).status).toBe(200);
    const authorised = await stack.post(`/remote/${caseId}/authorise`, { target, login: { username: 'ops', password: PASSWORD } }, {}, { as: customer });
    expect(authorised.status).toBe(200);
    expect(authorised.body.login).toEqual({ sealed: true, keyId: expect.any(String) });
    expect(JSON.stringify(authorised.body)).not.toContain(PASSWORD);
    expect((await stack.post(`/remote/${caseId}/report-backup`, { note: 'RMAN full backup' })).status).toBe(200);

    const working = await remoteWaitsFor(caseId, 'report-work');
    const { port } = working.sessions[0];
    expect(await exchange(port, 'ping')).toBe('ping');
    const reported = await stack.post(`/remote/${caseId}/report-work`, { outcome: 'done', workDone: 'Rebuilt the export index', patches: ['8.5.2-p3'] });
    expect(reported.status).toBe(200);
    await remoteWaitsFor(caseId, 'confirm-resolution');
    expect(await connectionRefused(port)).toBe(true);
    expect((await stack.post(`/remote/${caseId}/confirm-resolution`, {}, {}, { as: customer })).status).toBe(200);
    expect((await stack.post(`/remote/${caseId}/give-advice`, { advice: 'Rebuild the index after each upgrade' })).status).toBe(200);
    await remoteWaitsFor(caseId, 'sign-confirmation');
    expect((await stack.post(`/remote/${caseId}/sign-confirmation`, {}, {}, { as: customer })).status).toBe(200);

    const done = await remoteClosed(caseId);
    expect(done.outcome).toBe('solved');
    expect(done.confirmation).toMatchObject({ signedBy: 'contact-cust-api', method: 'online' });
    expect(done.login).toEqual({ sealed: false, keyId: expect.any(String) });
    await until('the hotline case has the solution', async () => ((await stack.get(`/cases/${caseId}`)).body.status === 'solved' ? true : undefined), 20_000, 200);

    const listed = await stack.get(`/remote/${caseId}/documents`, { as: customer });
    expect(listed.status).toBe(200);
    expect(listed.body.documents.map((document: { kind: string }) => document.kind).sort()).toEqual(['maintenance-confirmation', 'remote-report']);
    const report = listed.body.documents.find((document: { kind: string }) => document.kind === 'remote-report');
    const download = await fetch(`${stack.api.baseUrl}${report.download}`, { headers: { authorization: await stack.api.bearer(customer) } });
    expect([download.status, download.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    const pdf = await inspectPdf(Buffer.from(await download.arrayBuffer()));
    expect(pdf.pages.join('')).toContain('远程维护报告');
    expect(pdf.pages.join('')).toContain('Rebuilt the export index');
    expect(pdf.darkShareOfPage1).toBeGreaterThan(0);
  });

  it('shows neither the password nor any encoding of it in `temporal workflow show -o json`', async () => {
    const caseId = await transferredCase();
    await remoteWaitsFor(caseId, 'agree-appointment');
    await stack.post(`/remote/${caseId}/agree-appointment`, { at: new Date().toISOString() });
    await stack.post(`/remote/${caseId}/state-scope`, { scope: 'ERP' }, {}, { as: customer });
    expect((await stack.post(`/remote/${caseId}/authorise`, { target, login: { username: 'ops', password: PASSWORD } }, {}, { as: customer })).status).toBe(200);
    await stack.post(`/remote/${caseId}/report-backup`, {});
    await remoteWaitsFor(caseId, 'report-work');
    const { stdout } = await promisify(execFile)(process.env.TEMPORAL_CLI!, ['workflow', 'show', '--address', stack.worker.env.address, '--workflow-id', `remote-${caseId}`, '-o', 'json'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const payloads = [...stdout.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g)].map((match) => Buffer.from(match[1], 'base64').toString('utf8'));
    expect(payloads.some((payload) => payload.includes(`remote-${caseId}.login-`))).toBe(true);
    const leaks = encodingsOf(PASSWORD).filter((encoding) => [stdout, ...payloads].some((text) => text.includes(encoding)));
    expect(leaks).toEqual([]);
    await stack.post(`/remote/${caseId}/withdraw`, { reason: 'Test over' }, {}, { as: customer });
  });

  it('answers a wrong step with 409, a login given in a signal-free body with 400 naming the field, and another customer with 404', async () => {
    const caseId = await transferredCase();
    await remoteWaitsFor(caseId, 'agree-appointment');
    const early = await stack.post(`/remote/${caseId}/report-work`, { outcome: 'done', workDone: 'x' });
    expect([early.status, early.body.error]).toEqual([409, 'InvalidState']);
    expect(early.body.message).toMatch(/waits for agree-appointment/);
    const noPassword = await stack.post(`/remote/${caseId}/authorise`, { target, login: { username: 'ops' } }, {}, { as: customer });
    expect(noPassword.status).toBe(400);
    expect(JSON.stringify(noPassword.body)).toContain('password');
    const stranger = await stack.get(`/remote/${caseId}`, { as: { customer: 'someone-else' } });
    expect(stranger.status).toBe(404);
    const asEngineer = await request(stack.api, 'POST', `/remote/${caseId}/sign-confirmation`, {}, {}, { as: 'engineer' });
    expect(asEngineer.status).toBe(403);
    await stack.post(`/remote/${caseId}/withdraw`, { reason: 'Test over' });
  });

  it('takes the signed paper as an uploaded scan: stored with its hash beside the confirmation, a non-image refused with 400', async () => {
    const caseId = await transferredCase();
    await remoteWaitsFor(caseId, 'agree-appointment');
    await stack.post(`/remote/${caseId}/agree-appointment`, { at: new Date().toISOString() });
    await stack.post(`/remote/${caseId}/state-scope`, { scope: 'ERP' }, {}, { as: customer });
    await stack.post(`/remote/${caseId}/authorise`, { target, login: { username: 'ops', password: PASSWORD } }, {}, { as: customer });
    await stack.post(`/remote/${caseId}/report-backup`, {});
    await remoteWaitsFor(caseId, 'report-work');
    await stack.post(`/remote/${caseId}/report-work`, { outcome: 'done', workDone: 'Cleared the stuck queue' });
    await remoteWaitsFor(caseId, 'confirm-resolution');
    await stack.post(`/remote/${caseId}/confirm-resolution`, {}, {}, { as: customer });
    await stack.post(`/remote/${caseId}/give-advice`, { advice: 'Watch the queue length' });
    await remoteWaitsFor(caseId, 'sign-confirmation');

    const upload = async (bytes: Buffer, type: string) =>
      fetch(`${stack.api.baseUrl}/remote/${caseId}/confirmation-scan`, { method: 'POST', headers: { authorization: await stack.api.bearer(customer), 'content-type': type }, body: bytes });
    const notAnImage = await upload(Buffer.from('GIF89a-not-a-scan'), 'image/png');
    expect([notAnImage.status, ((await notAnImage.json()) as { error: string }).error]).toEqual([400, 'InvalidDocument']);
    const scan = await upload(PNG, 'image/png');
    expect(scan.status).toBe(200);
    const done = await remoteClosed(caseId);
    expect(done.confirmation).toMatchObject({ signedBy: 'contact-cust-api', method: 'uploaded-scan' });
    const { documents } = (await stack.get(`/remote/${caseId}/documents`, { as: customer })).body;
    const confirmation = documents.find((document: { kind: string }) => document.kind === 'maintenance-confirmation');
    expect(confirmation.signatures).toEqual([
      expect.objectContaining({ method: 'uploaded-scan', documentSha256: confirmation.sha256, scanSha256: createHash('sha256').update(PNG).digest('hex') }),
    ]);
  });
});
