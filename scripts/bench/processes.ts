/**
 * The bench's child processes: a fresh Temporal dev server on free ports, workers and the API as
 * production runs them (`node --import tsx …`), and their clean-up however the bench ends.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { freePort } from '../free-port';

export const ROOT = path.resolve(__dirname, '../..');

/** Ports the developer's own `npm start` uses: the bench never takes them. */

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  logFile: string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

const children: Child[] = [];
const tempDirs: string[] = [];

/** Stops `child` with SIGTERM (it drains), then SIGKILL after `graceMs`. */
export async function stopChild(child: Child, graceMs = 10_000): Promise<void> {
  const index = children.indexOf(child);
  if (index >= 0) children.splice(index, 1);
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timedOut = await Promise.race([child.exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut) {
    child.process.kill('SIGKILL');
    await child.exited;
  }
}

/** Newest first: the API and the workers drain while the server is still there to answer them. */
export async function stopAll(): Promise<void> {
  for (const child of [...children].reverse()) await stopChild(child);
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Removes `dir` when the bench ends, however it ends. */
export function removeOnExit(dir: string): void {
  tempDirs.push(dir);
}

/** Keeps `dir` after all (its logs explain a failure). */
export function keepOnExit(dir: string): void {
  const index = tempDirs.indexOf(dir);
  if (index >= 0) tempDirs.splice(index, 1);
}

let exitHooksInstalled = false;

/** Ctrl-C, SIGTERM, an uncaught error or a plain exit: no child and no temp file outlives the bench. */
export function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the bench's processes...`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  // Last resort (process.exit elsewhere): exit handlers are synchronous, so no grace period.
  process.once('exit', () => {
    for (const child of children) child.process.kill('SIGKILL');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
}

function track(name: string, child: ChildProcess, logFile: string): Child {
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const tracked: Child = { name, process: child, pid: child.pid, logFile, exited };
  children.push(tracked);
  return tracked;
}

function logTail(child: Child, lines = 20): string {
  try {
    return readFileSync(child.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Environment for a child: ours only, never a developer's TEMPORAL_* or AFTERCARE_* settings. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('TEMPORAL_') && !key.startsWith('AFTERCARE_') && key !== 'PORT') env[key] = value;
  }
  // Workers compute in explicit zones; a host TZ must never leak into workflow code (start.sh).
  return { ...env, TZ: 'UTC', ...extra };
}

export interface DevServer {
  address: string;
  child: Child;
}

/** The CLI from scripts/ensure-temporal-cli.sh (cached in ~/.cache/aftercare). */
export function temporalCli(): string {
  return execFileSync('bash', [path.join(ROOT, 'scripts/ensure-temporal-cli.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/**
 * A fresh dev server: its own ports, a temp SQLite file with the pragmas that make file-backed
 * SQLite usable (temporal-notes.md), headless, with the search attributes start.sh registers.
 */
export async function startDevServer(cli: string, dir: string): Promise<DevServer> {
  const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const args = [
    'server',
    'start-dev',
    '--headless',
    '--db-filename',
    path.join(dir, 'temporal.db'),
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=NORMAL',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--http-port',
    String(httpPort),
    '--metrics-port',
    String(metricsPort),
    '--log-level',
    'error',
  ];
  // The one list of search attributes the scripts share; `exec` keeps the server's own pid.
  const script = 'source scripts/search-attributes.sh && exec "$0" "$@" "${AFTERCARE_SEARCH_ATTRIBUTES[@]}"';
  const child = track(
    'temporal dev server',
    spawn('bash', ['-c', script, cli, ...args], {
      cwd: ROOT,
      env: childEnv({}),
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    path.join(dir, 'temporal-server.log'),
  );
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`The dev server exited:\n${logTail(child)}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        return { address, child };
      } finally {
        await connection.close();
      }
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`The dev server on ${address} did not come up in 60 s: ${(error as Error).message}\n${logTail(child)}`);
      await sleep(250);
    }
  }
}

export interface WorkerSettings {
  address: string;
  taskQueue: string;
  bundlePath: string;
  outboxDir: string;
  /** The audit archive, shared with the API. */
  auditDir: string;
  logFile: string;
}

/** The production worker entry point in its own process, loading the bench's prebuilt bundle. */
export async function startWorkerProcess(settings: WorkerSettings): Promise<Child> {
  const child = track(
    `worker (${settings.taskQueue})`,
    spawn('bash', ['scripts/run-worker.sh'], {
      cwd: ROOT,
      env: childEnv({
        TEMPORAL_ADDRESS: settings.address,
        TEMPORAL_NAMESPACE: 'default',
        AFTERCARE_TASK_QUEUE: settings.taskQueue,
        AFTERCARE_OUTBOX_DIR: settings.outboxDir,
        AFTERCARE_AUDIT_DIR: settings.auditDir,
        AFTERCARE_WORKFLOW_BUNDLE: settings.bundlePath,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    settings.logFile,
  );
  await waitForOutput(child, 'Worker polling task queue', 60_000);
  return child;
}

export interface ApiSettings {
  address: string;
  taskQueue: string;
  auditDir: string;
  /** The API keys file (api/access/keys.ts); the bench makes its callers' keys in it. */
  keysFile: string;
  logFile: string;
}

/** The production API entry point in its own process; resolves with its base URL once healthy. */
export async function startApiProcess(settings: ApiSettings): Promise<{ child: Child; baseUrl: string }> {
  const port = await freePort();
  const child = track(
    'api',
    spawn(process.execPath, ['--import', 'tsx', 'api/index.ts'], {
      cwd: ROOT,
      env: childEnv({
        TEMPORAL_ADDRESS: settings.address,
        TEMPORAL_NAMESPACE: 'default',
        AFTERCARE_TASK_QUEUE: settings.taskQueue,
        AFTERCARE_AUDIT_DIR: settings.auditDir,
        AFTERCARE_API_KEYS_FILE: settings.keysFile,
        PORT: String(port),
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    settings.logFile,
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`The API exited:\n${logTail(child)}`);
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) return { child, baseUrl };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`The API did not answer /health in 60 s:\n${logTail(child)}`);
    await sleep(250);
  }
}

async function waitForOutput(child: Child, text: string, timeoutMs: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => done(new Error(`${child.name} did not print "${text}" in ${timeoutMs / 1000} s:\n${logTail(child)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4096);
      if (seen.includes(text)) done();
    };
    const onExit = () => done(new Error(`${child.name} exited before it was ready:\n${logTail(child)}`));
    function done(error?: Error) {
      clearTimeout(timer);
      child.process.stdout?.off('data', onData);
      child.process.stderr?.off('data', onData);
      child.process.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    }
    child.process.stdout?.on('data', onData);
    child.process.stderr?.on('data', onData);
    child.process.once('exit', onExit);
  });
}

/** VmRSS (now) and VmHWM (peak since start) of a process, in MB, from /proc/<pid>/status. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(match[1]);
  };
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** CPU time a process has used so far (user + system), in ms, from /proc/<pid>/stat. */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name in parentheses may hold spaces; the fields after it are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux the project runs on (`getconf CLK_TCK`). */
const CLOCK_TICKS_PER_SECOND = 100;
