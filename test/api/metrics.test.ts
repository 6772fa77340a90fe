/**
 * Both Prometheus endpoints, scraped over HTTP: the worker's (its own process, as production runs
 * it: the SDK's series and the workflows' breach counter) and the API's (requests by route and
 * status, latency histogram, cases opened).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevServerEnv } from '../helpers/environments';
import { caseDueIn, caseRequestBody, uniqueId } from '../helpers/fixtures';
import { type RunningApi, request, startApi } from '../helpers/http';
import { freePort } from '../../scripts/free-port';
import { until } from '../helpers/until';
import { type WorkerProcess, killHard, spawnWorker } from '../helpers/worker-process';

jest.setTimeout(240_000);

let env: TestWorkflowEnvironment;
let worker: WorkerProcess;
let api: RunningApi;
let workerMetricsUrl: string;

beforeAll(async () => {
  env = await createDevServerEnv();
  const taskQueue = uniqueId('metrics-tq');
  const address = `127.0.0.1:${await freePort()}`;
  const auditDirectory = mkdtempSync(path.join(tmpdir(), 'aftercare-metrics-audit-'));
  worker = await spawnWorker(env.address, {
    AFTERCARE_TASK_QUEUE: taskQueue,
    AFTERCARE_AUDIT_DIR: auditDirectory,
    AFTERCARE_OUTBOX_DIR: mkdtempSync(path.join(tmpdir(), 'aftercare-metrics-outbox-')),
    AFTERCARE_WORKER_METRICS_ADDRESS: address,
  });
  workerMetricsUrl = `http://${address}/metrics`;
  api = await startApi(env.client, taskQueue, { auditDirectory });
});

afterAll(async () => {
  await api?.close();
  if (worker) await killHard(worker.child);
  await env?.teardown();
});

async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

/** The value of the first sample of `name` whose labels include every one given. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

test("the worker's endpoint shows the SDK's series and a breach counted by product and window when a case records it", async () => {
  // Level 1, reported two hours ago: the 30-minute response window is breached as the case opens.
  const breached = caseDueIn(-90 * 60_000);
  expect((await request(api, 'POST', '/cases', breached)).status).toBe(201);
  const text = await until(
    'the breach on the worker metrics',
    async () => {
      const scraped = await scrape(workerMetricsUrl);
      return sample(scraped, 'aftercare_breaches_total', { product: 'hotline' }) === 1 ? scraped : undefined;
    },
    30_000,
  );
  const view = (await request(api, 'GET', `/cases/${breached.caseId}`)).body;
  const window = view.breaches[0].window as string;
  expect(sample(text, 'aftercare_breaches_total', { product: 'hotline', window })).toBe(1);
  // The SDK's own: workflow tasks completed, and how long they took.
  expect(sample(text, 'temporal_workflow_task_execution_latency_count')).toBeGreaterThan(0);
  expect(sample(text, 'temporal_num_pollers', { poller_type: 'workflow_task' })).toBeGreaterThan(0);
  expect(text).not.toContain(breached.caseId);
});

test("the API's endpoint counts requests by route pattern and status, times them, and counts cases opened", async () => {
  const before = await scrape(`${api.baseUrl}/metrics`);
  const opened = (name: string) => sample(name, 'aftercare_cases_opened_total', { product: 'hotline' }) ?? 0;
  const body = caseRequestBody();
  expect((await request(api, 'POST', '/cases', body)).status).toBe(201);
  expect((await request(api, 'POST', '/cases', body)).status).toBe(200);
  expect((await request(api, 'GET', `/cases/${body.caseId}`)).status).toBe(200);
  expect((await request(api, 'GET', '/cases/no-such-case')).status).toBe(404);
  expect((await request(api, 'GET', `/cases/${body.caseId}`, undefined, {}, { as: null })).status).toBe(401);

  const text = await scrape(`${api.baseUrl}/metrics`);
  const count = (scraped: string, labels: Record<string, string>) => sample(scraped, 'aftercare_api_requests_total', labels) ?? 0;
  expect(opened(text) - opened(before)).toBe(1);
  expect(count(text, { method: 'POST', route: 'POST /cases', status: '201' }) - count(before, { method: 'POST', route: 'POST /cases', status: '201' })).toBe(1);
  expect(count(text, { route: 'POST /cases', status: '200' }) - count(before, { route: 'POST /cases', status: '200' })).toBe(1);
  expect(count(text, { route: 'GET /cases/:caseId', status: '200' })).toBeGreaterThanOrEqual(1);
  expect(count(text, { route: 'GET /cases/:caseId', status: '404' })).toBe(1);
  expect(count(text, { route: 'none', status: '401' })).toBeGreaterThanOrEqual(1);
  expect(sample(text, 'aftercare_api_request_duration_seconds_count', { route: 'POST /cases' })).toBeGreaterThanOrEqual(2);
  expect(sample(text, 'aftercare_api_request_duration_seconds_bucket', { route: 'POST /cases', le: '+Inf' })).toBeGreaterThanOrEqual(2);
  expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  // Route patterns, never the ids in a path.
  expect(text).not.toContain(body.caseId);
});
