/** The worker as production runs it (scripts/run-worker.sh: compiled, its own process), for tests that kill it or scrape it. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { until } from './until';

const ROOT = path.resolve(__dirname, '../..');

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
}

/** Starts a worker process on `address` and resolves once it says it polls; `env` adds to (or overrides) the test's environment. */
export async function spawnWorker(address: string, env: Record<string, string>): Promise<WorkerProcess> {
  const { TEMPORAL_ADDRESS: _address, ...inherited } = process.env;
  const child = spawn('bash', ['scripts/run-worker.sh'], { cwd: ROOT, env: { ...inherited, TEMPORAL_ADDRESS: address, ...env } });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await until('the worker to poll', async () => (output.includes('Worker polling') ? true : undefined), 120_000, 100).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}; it printed: ${output}`);
  });
  return { child, output: () => output };
}

/** SIGKILL, resolved once the process is gone. */
export function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return exited;
}
