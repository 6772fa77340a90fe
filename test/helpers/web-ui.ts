/**
 * The Temporal Web UI as `npm start` runs it: its own server (scripts/ensure-ui-server.sh) with the
 * config scripts/ui-server-config.sh writes, so a test sees what ops get, write actions off.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/free-port';
import { until } from './until';

const ROOT = path.resolve(__dirname, '../..');

export interface RunningWebUi {
  url: string;
  stop(): Promise<void>;
}

/** `temporalAddress`: the frontend the UI talks to (host:port). */
export async function startWebUi(temporalAddress: string, { writeActions = false }: { writeActions?: boolean } = {}): Promise<RunningWebUi> {
  const binary = process.env.TEMPORAL_UI_SERVER ?? execFileSync('bash', [path.join(ROOT, 'scripts/ensure-ui-server.sh')], { encoding: 'utf8' }).trim();
  const port = await freePort();
  const configDir = execFileSync('bash', [path.join(ROOT, 'scripts/ui-server-config.sh'), mkdtempSync(path.join(tmpdir(), 'aftercare-ui-'))], {
    encoding: 'utf8',
    env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_UI_PORT: String(port), AFTERCARE_UI_WRITE_ACTIONS: String(writeActions) },
  }).trim();
  const server: ChildProcess = spawn(binary, ['--root', configDir, '--config', '.', '--env', 'aftercare', 'start']);
  let output = '';
  server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await until('the Web UI to answer', async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined), 30_000, 100).catch((error: Error) => {
    server.kill('SIGKILL');
    throw new Error(`${error.message}; it printed: ${output}`);
  });
  return {
    url,
    async stop() {
      if (server.exitCode !== null || server.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
      server.kill('SIGTERM');
      await exited;
    },
  };
}
