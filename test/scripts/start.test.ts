/**
 * `npm start` as users run it (scripts/start.sh, on its own ports and data folder): a worker killed
 * with SIGKILL is started again while the API and the Temporal server keep serving, and a case
 * taken in while no worker ran is opened by the new one; a killed API and a killed server come back
 * too (the server on the same database, the case still there). Ctrl-C (SIGTERM) then stops everything.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { caseRequestBody, uniqueId } from '../helpers/fixtures';
import { freePort } from '../../scripts/free-port';
import { until } from '../helpers/until';

const ROOT = path.resolve(__dirname, '../..');
jest.setTimeout(300_000);

let system: ChildProcess | undefined;
let output = '';
const dataDir = mkdtempSync(path.join(tmpdir(), 'aftercare-start-'));
const pidFile = path.join(dataDir, 'worker.pid');
let baseUrl = '';
let workerMetricsUrl = '';

beforeAll(async () => {
  const [temporalPort, uiPort, apiPort, metricsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  baseUrl = `http://127.0.0.1:${apiPort}`;
  workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const { TEMPORAL_ADDRESS: _address, ...env } = process.env;
  system = spawn('bash', ['scripts/start.sh'], {
    cwd: ROOT,
    detached: true,
    env: {
      ...env,
      AFTERCARE_DATA_DIR: dataDir,
      AFTERCARE_OUTBOX_DIR: path.join(dataDir, 'outbox'),
      AFTERCARE_TASK_QUEUE: uniqueId('start-tq'),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      PORT: String(apiPort),
      AFTERCARE_WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
    },
  });
  system.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  system.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
});

afterAll(async () => {
  if (system?.pid && system.exitCode === null) {
    try {
      process.kill(-system.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** An engineer's key, made with the first admin key that `npm start` printed. */
let engineer = '';
const headers = () => ({ 'content-type': 'application/json', authorization: `Bearer ${engineer}` });

async function postCase(caseId: string): Promise<number> {
  if (!engineer) {
    const admin = /First admin API key .*\n\s*(ac_\S+)/.exec(output)?.[1];
    if (!admin) return 0;
    const made = await fetch(`${baseUrl}/admin/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ principal: 'agent-li', role: 'engineer' }),
    });
    if (made.status !== 201) return made.status;
    engineer = ((await made.json()) as { key: string }).key;
  }
  const response = await fetch(`${baseUrl}/cases`, { method: 'POST', headers: headers(), body: JSON.stringify(caseRequestBody({ caseId })) });
  await response.text();
  return response.status;
}

const readCase = async (caseId: string) => (await fetch(`${baseUrl}/cases/${caseId}`, { headers: headers() })).status;

test('a killed worker is started again while the API and the server keep serving, then the API and the server too; SIGTERM stops it all', async () => {
  await until('a first case through the API', async () => ((await postCase(uniqueId('start-first'))) === 201 ? true : undefined), 240_000).catch((error) => {
    throw new Error(`${(error as Error).message}\n${output.slice(-3000)}`);
  });
  const firstWorker = Number(readFileSync(pidFile, 'utf8'));
  process.kill(firstWorker, 'SIGKILL');

  // The API still answers while no worker runs, and a case taken in now is opened by the next worker.
  expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
  // Taken in at once: 201 when the new worker is up within the API's deadline, else 504 saying so.
  const during = uniqueId('start-during');
  const taken = await fetch(`${baseUrl}/cases`, { method: 'POST', headers: headers(), body: JSON.stringify(caseRequestBody({ caseId: during })) });
  const takenBody = (await taken.json()) as { started?: boolean };
  expect(taken.status === 201 || (taken.status === 504 && takenBody.started === true)).toBe(true);
  await until('the new worker to open it', async () => ((await readCase(during)) === 200 ? true : undefined), 60_000);
  const secondWorker = Number(readFileSync(pidFile, 'utf8'));
  expect(secondWorker).not.toBe(firstWorker);
  // Both Prometheus endpoints: the new worker's on the port its predecessor freed, the API's beside its routes.
  const workerMetrics = await until('the worker metrics', async () => (await fetch(workerMetricsUrl).catch(() => undefined))?.text(), 30_000);
  expect(workerMetrics).toMatch(/^temporal_num_pollers/m);
  expect(await (await fetch(`${baseUrl}/metrics`)).text()).toMatch(/^aftercare_api_requests_total\{/m);
  expect(output).toContain('exited with status 137; starting it again');

  // The API and the Temporal server come back the same way, the server on the same database.
  for (const name of ['api', 'temporal']) {
    const before = Number(readFileSync(path.join(dataDir, `${name}.pid`), 'utf8'));
    process.kill(before, 'SIGKILL');
    await until(
      `the ${name} to be started again`,
      async () => {
        const now = existsSync(path.join(dataDir, `${name}.pid`)) ? Number(readFileSync(path.join(dataDir, `${name}.pid`), 'utf8')) : before;
        return now !== before && isRunning(now) ? true : undefined;
      },
      60_000,
    );
    await until(`the case to be read after the ${name} restarted`, async () => ((await readCase(during)) === 200 ? true : undefined), 120_000);
  }
  expect(output).toContain('exited with status 137; starting it again');

  const exited = new Promise<number | null>((resolve) => system!.once('exit', (code) => resolve(code)));
  process.kill(system!.pid!, 'SIGTERM');
  await exited;
  await until('the worker to stop', async () => (isRunning(secondWorker) ? undefined : true), 30_000);
  for (const name of ['worker', 'api', 'temporal']) expect(existsSync(path.join(dataDir, `${name}.pid`))).toBe(false);
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
