/**
 * Real Temporal servers for tests: the Java time-skipping test server and the CLI dev server,
 * both obtained by scripts/ensure-*.sh (paths in TEMPORAL_TEST_SERVER / TEMPORAL_CLI).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { MailTransportConfig } from '../../activities/notify';
import { type TestActivityDeps, testActivityDeps } from './activity-deps';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/search-attributes';
import './quiet-runtime';

const ROOT = path.resolve(__dirname, '../..');

function binary(envVar: 'TEMPORAL_TEST_SERVER' | 'TEMPORAL_CLI', script: string): string {
  return process.env[envVar] ?? execFileSync('bash', [path.join(ROOT, 'scripts', script)], { encoding: 'utf8' }).trim();
}

const INDEXED_TYPE: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
};

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: binary('TEMPORAL_TEST_SERVER', 'ensure-test-server.sh') } },
  });
  // The test server knows only its own attributes; a workflow upserting an unknown one hangs.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map(({ name, type }) => [name, INDEXED_TYPE[type]])),
  });
  return env;
}

/** `dbFilename`: a SQLite file that outlives the server (a restart on the same database). */
export async function createDevServerEnv({ dbFilename }: { dbFilename?: string } = {}): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: binary('TEMPORAL_CLI', 'ensure-temporal-cli.sh') },
      ...(dbFilename && { dbFilename }),
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      extraArgs: ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL'],
    },
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger });
  return bundle;
}

const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

export interface RunningWorker {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  /** The worker's documents, sealed logins and remote ports (the API in a test shares them). */
  deps: TestActivityDeps;
  /** Where the worker archives older audit entries (the API reads them there). */
  auditDirectory: string;
  /** Stops the worker, then the server. */
  stop(): Promise<void>;
  /** Stops the worker and leaves the server running (another worker shares it). */
  stopWorkerOnly(): Promise<void>;
}

/** A worker with the real activities on the given server: e-mail into an outbox directory, or over SMTP. */
export async function startWorker(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  mail: string | { smtpUrl: string },
  auditDirectory = mkdtempSync(path.join(tmpdir(), 'aftercare-audit-')),
): Promise<RunningWorker> {
  const transport: MailTransportConfig = typeof mail === 'string' ? { kind: 'outbox', directory: mail } : { kind: 'smtp', url: mail.smtpUrl };
  const deps = testActivityDeps({ transport, directory: mkdtempSync(path.join(tmpdir(), 'aftercare-data-')), auditDirectory, gatewayQueue: taskQueue });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities(deps),
  });
  const running = worker.run();
  return {
    env,
    taskQueue,
    deps,
    auditDirectory,
    async stopWorkerOnly() {
      worker.shutdown();
      await running;
      await deps.remoteAccess.gateway.closeAll();
    },
    async stop() {
      worker.shutdown();
      await running;
      await deps.remoteAccess.gateway.closeAll();
      await env.teardown();
    },
  };
}
