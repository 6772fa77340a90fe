/**
 * The API's request log as ops read it: one JSON line per request with its request id (the
 * caller's, echoed back), the principal and the workflow; no credentials and no e-mail address.
 */
import { createLogger, maskEmails, sdkLogger } from '../../api/logging';
import { createDevServerEnv, startWorker, type RunningWorker } from '../helpers/environments';
import { caseRequestBody, uniqueId } from '../helpers/fixtures';
import { type RunningApi, request, startApi } from '../helpers/http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

let worker: RunningWorker;
let api: RunningApi;
const lines: string[] = [];

beforeAll(async () => {
  worker = await startWorker(await createDevServerEnv(), uniqueId('logging-tq'), mkdtempSync(path.join(tmpdir(), 'aftercare-outbox-')));
  api = await startApi(worker.env.client, worker.taskQueue, { auditDirectory: worker.auditDirectory, logLines: lines });
});

afterAll(async () => {
  await api?.close();
  await worker?.stop();
});

test('each request is logged as JSON with its request id, principal and workflow id; no key and no e-mail address in any line', async () => {
  const body = caseRequestBody({ customer: { id: 'cust-log', name: 'Log Ltd', email: 'it-desk@log.example' }, notices: { noticeRecipients: ['ops+sla@vendor.example'] } });
  const opened = await request(api, 'POST', '/cases', body, { 'x-request-id': 'req-intake-1' });
  expect(opened.status).toBe(201);
  expect(opened.headers.get('x-request-id')).toBe('req-intake-1');
  const unauthenticated = await request(api, 'GET', `/cases/${body.caseId}`, undefined, {}, { as: null });
  expect(unauthenticated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  const key = (await api.bearer('engineer')).slice('Bearer '.length);

  const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown> & { req?: { id?: string }; res?: { statusCode?: number } });
  const intake = entries.find((entry) => entry.req?.id === 'req-intake-1');
  expect(intake).toMatchObject({ name: 'aftercare-api', principal: 'agent-li', role: 'engineer', workflowId: `hotline-${body.caseId}`, res: { statusCode: 201 } });
  // Refused before it was authenticated or routed: neither a principal nor a workflow.
  const refused = entries.find((entry) => entry.res?.statusCode === 401)!;
  expect([refused.principal, refused.workflowId]).toEqual([undefined, undefined]);
  const all = lines.join('\n');
  expect(all).not.toContain(key);
  expect(all).toContain('[redacted]');
  expect(all).not.toMatch(/it-desk@|ops\+sla@/);
});

test('e-mail addresses are masked wherever they appear in a text', () => {
  expect(maskEmails('The SMTP server rejected the e-mail to ops+sla@vendor.example: 550')).toBe('The SMTP server rejected the e-mail to <e-mail>@vendor.example: 550');
  expect(maskEmails('no address here')).toBe('no address here');
});

test("the worker's SDK logger writes the same JSON format, with the workflow's metadata, e-mail addresses masked", () => {
  const written: string[] = [];
  const logger = sdkLogger(createLogger('aftercare-worker', { write: (line: string) => void written.push(line) }));
  logger.warn('Notice to ops+sla@vendor.example rejected', { workflowId: 'hotline-case-1', workflowType: 'hotlineWorkflow' });
  logger.log('ERROR', 'Activity failed', { activityType: 'sendEmail' });
  const [warning, failure] = written.map((line) => JSON.parse(line));
  expect(warning).toMatchObject({ name: 'aftercare-worker', level: 40, msg: 'Notice to <e-mail>@vendor.example rejected', workflowId: 'hotline-case-1' });
  expect(failure).toMatchObject({ level: 50, msg: 'Activity failed', activityType: 'sendEmail' });
});
