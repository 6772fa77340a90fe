/**
 * Measures the project guide's performance targets in one run, on a fresh Temporal dev server of
 * its own (free ports, temp SQLite file with WAL + synchronous=NORMAL, headless), with the worker
 * and the API as production runs them, each in its own process. Prints
 * "target | measured | limit | pass/fail", writes the same to bench-results.json, and exits 1 when a
 * target fails.
 *
 *   npm run bench              # full sizes, about 20 minutes on two cores
 *   npm run bench -- --quick   # smaller sizes: a smoke check of the bench itself, about 4 minutes
 *
 * Sizes                                            full               --quick
 *  1 breach lateness: open cases                   1,000              100
 *    … their due instants spread over              1 min              1 min
 *    … beside the open cases of target 4           10,000             1,000
 *    … taken in (update-with-start) at a time      4                  4
 *    … histories split into lateness parts         200                100
 *  2 concurrency (ceiling, intake, lifecycles)     20                 20
 *    … warm-up of each (not counted)               100                20
 *    … trivial workflows (ceiling)                 1,000              100
 *    … intakes through the API                     1,000              100
 *    … in alternating rounds of ceiling and intake 6                  2
 *    … lifecycles through the API                  150                20
 *  3 lifecycles counted, one at a time             10                 3
 *    … and as many remote and on-site lifecycles   10 each            3 each
 *  4 open cases for the worker's RSS               10,000             1,000
 *    … started at a time                           50                 50
 *  5 replays of the 22 committed histories         25 rounds (550)    5 rounds (110)
 *    … trivial histories replayed                  as many (550)      as many (110)
 *  6 calendar calls per calendar (after warm-up)   20,000 (2,000)     2,000 (500)
 *  7 generated requests of the route fuzz          3,000              300
 *
 * Order: calendar first (nothing else running), then throughput and lifecycle size, the route fuzz, replay, and
 * last the 10,000 open cases on a fresh worker, with the breach run beside them (the guide's
 * target: 1,000 falling due within one minute among 10,000 open cases).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import { benchBreach, type BreachSizes } from './bench/breach';
import { benchCalendar, type CalendarSizes } from './bench/calendar';
import { benchFuzz, type FuzzSizes } from './bench/fuzz';
import { benchMemory, type MemorySizes } from './bench/memory';
import { KeyStore } from '../api/access/keys';
import { bearers } from '../test/helpers/callers';
import { ROOT, installExitHooks, keepOnExit, removeOnExit, startApiProcess, startDevServer, startWorkerProcess, stopAll, stopChild, temporalCli } from './bench/processes';
import { benchProducts } from './bench/products';
import { benchReplay, type ReplaySizes } from './bench/replay';
import { benchThroughput, type ThroughputSizes } from './bench/throughput';
import { type Result, failed, log, round, table } from './bench/util';

interface Sizes {
  breach: BreachSizes;
  throughput: ThroughputSizes;
  memory: MemorySizes;
  replay: ReplaySizes;
  calendar: CalendarSizes;
  fuzz: FuzzSizes;
}

const FULL: Sizes = {
  breach: { cases: 1_000, spreadMs: 60_000, intakeConcurrency: 4, queryConcurrency: 20, marginMs: 20_000, decomposed: 200 },
  throughput: { concurrency: 20, warmUp: 100, emptyWorkflows: 1_000, intakes: 1_000, rounds: 6, lifecycles: 150, historiesCounted: 10 },
  memory: { cases: 10_000, startConcurrency: 50, settleMs: 10_000 },
  replay: { committedRounds: 25 },
  calendar: { warmUp: 2_000, iterations: 20_000 },
  fuzz: { examples: 3_000 },
};

const QUICK: Sizes = {
  breach: { cases: 100, spreadMs: 60_000, intakeConcurrency: 4, queryConcurrency: 20, marginMs: 10_000, decomposed: 100 },
  throughput: { concurrency: 20, warmUp: 20, emptyWorkflows: 100, intakes: 100, rounds: 2, lifecycles: 20, historiesCounted: 3 },
  memory: { cases: 1_000, startConcurrency: 50, settleMs: 5_000 },
  replay: { committedRounds: 5 },
  calendar: { warmUp: 500, iterations: 2_000 },
  fuzz: { examples: 300 },
};

const RESULTS_FILE = path.join(ROOT, 'bench-results.json');
/** Rows in the guide's order, whatever order the phases ran in. */
const ROW_ORDER = ['1', '2', '2·ceiling', '2·life', '2·action', '3·done', '3', '3·bytes', '3·remote', '3·remote·bytes', '3·on-site', '3·on-site·bytes', '4', '5', '6a', '6b', '7'];

/** webpack's module listing is noise; keep its warnings and errors (worker/build-bundle.ts). */
const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

const PHASES = ['calendar', 'throughput', 'products', 'fuzz', 'replay', 'memory'] as const;
type PhaseName = (typeof PHASES)[number];

/** `--quick`, and `--only=<phase>[,<phase>]` to measure some phases while working on them. */
function parseArgs(argv: string[]): { quick: boolean; runs: (name: PhaseName) => boolean } {
  const only = argv
    .find((arg) => arg.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const unknown = argv.filter((arg) => arg !== '--quick' && !arg.startsWith('--only='));
  const unknownPhases = (only ?? []).filter((name) => !(PHASES as readonly string[]).includes(name));
  if (unknown.length > 0 || unknownPhases.length > 0) {
    throw new Error(`Unknown argument(s): ${[...unknown, ...unknownPhases].join(' ')}; options: --quick, --only=${PHASES.join('|')}[,…]`);
  }
  return { quick: argv.includes('--quick'), runs: (name) => only === undefined || only.includes(name) };
}

/** Runs one phase; an error becomes failing rows so the other targets are still measured. */
async function phase(results: Result[], rows: { id: string; target: string; limit: string }[], run: () => Promise<Result[]>): Promise<void> {
  try {
    results.push(...(await run()));
  } catch (error) {
    log(`phase failed: ${(error as Error).stack ?? String(error)}`);
    results.push(...rows.map(({ id, target, limit }) => failed(id, target, limit, error)));
  }
}

async function main(): Promise<number> {
  const { quick, runs } = parseArgs(process.argv.slice(2));
  const sizes = quick ? QUICK : FULL;
  installExitHooks();
  // The replay worker runs in this process: its SDK logs down to warnings.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const began = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'aftercare-bench-'));
  removeOnExit(dir);
  const outboxDir = path.join(dir, 'outbox');
  mkdirSync(outboxDir);
  const auditDir = path.join(dir, 'audit');
  const results: Result[] = [];
  log(`Aftercare bench (${quick ? 'quick' : 'full'} sizes); working files in ${dir}`);

  if (runs('calendar')) log('calendar: adding a year of working time');
  if (runs('calendar')) await phase(results, [{ id: '6', target: 'calendar: add a year of working time', limit: '≤ 1000 µs' }], async () => benchCalendar(sizes.calendar));

  const runTag = Date.now().toString(36);
  let connection: Connection | undefined;
  try {
    const cli = temporalCli();
    const server = await startDevServer(cli, dir);
    log(`dev server on ${server.address} (pid ${server.child.pid}, SQLite ${path.join(dir, 'temporal.db')})`);
    const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./bench/workflows'), logger: quietLogger });
    const bundlePath = path.join(dir, 'bench-workflow-bundle.js');
    writeFileSync(bundlePath, bundle.code);
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: 'default' });

    const taskQueue = `bench-${runTag}`;
    const worker = await startWorkerProcess({ address: server.address, taskQueue, bundlePath, outboxDir, auditDir, logFile: path.join(dir, 'worker.log') });
    const keysFile = path.join(dir, 'api-keys.json');
    const api = await startApiProcess({ address: server.address, taskQueue, auditDir, keysFile, logFile: path.join(dir, 'api.log') });
    const bearer = bearers(new KeyStore(keysFile));
    log(`worker pid ${worker.pid} and API ${api.baseUrl} (pid ${api.child.pid}) on task queue ${taskQueue}`);

    let emptyWorkflowIds: string[] = [];
    if (runs('throughput'))
      await phase(
        results,
        [
          { id: '2', target: 'hotline intake via API', limit: '≥ 0.8 × ceiling' },
          { id: '3', target: 'history events of a full hotline lifecycle', limit: '≤ 80' },
        ],
        async () => {
          const processes = { server: server.child.pid, worker: worker.pid, api: api.child.pid };
          const outcome = await benchThroughput({ client, taskQueue, baseUrl: api.baseUrl, bearer, runTag, processes }, sizes.throughput, log);
          emptyWorkflowIds = outcome.emptyWorkflowIds;
          return outcome.results;
        },
      );
    if (runs('products'))
      await phase(results, [{ id: '3·remote', target: 'history events of full remote and on-site lifecycles', limit: '≤ 80' }], async () =>
        benchProducts({ client, baseUrl: api.baseUrl, bearer, runTag }, sizes.throughput.historiesCounted, log),
      );
    if (runs('fuzz')) {
      await phase(results, [{ id: '7', target: 'route fuzz', limit: '0 5xx' }], async () => [await benchFuzz(api.baseUrl, bearer, sizes.fuzz, log)]);
    }
    if (runs('replay'))
      await phase(results, [{ id: '5', target: 'replay of committed histories vs trivial', limit: '≥ 0.5 × trivial' }], async () => [
        await benchReplay(client, bundle, emptyWorkflowIds, sizes.replay, log),
      ]);
    await stopChild(api.child);
    await stopChild(worker);

    // A fresh worker process: its memory is the open cases' and the cache's, nothing earlier.
    if (runs('memory'))
      await phase(results, [{ id: '4', target: 'worker RSS with open cases', limit: '≤ 400 MB' }], async () => {
        const memoryQueue = `bench-rss-${runTag}`;
        const memoryWorker = await startWorkerProcess({ address: server.address, taskQueue: memoryQueue, bundlePath, outboxDir, auditDir, logFile: path.join(dir, 'worker-rss.log') });
        try {
          const memory = await benchMemory(client, memoryQueue, memoryWorker, runTag, sizes.memory, log);
          // The guide's breach target: 1,000 cases falling due within one minute while the open
          // cases above stay open on the same worker (their windows are an hour long).
          await phase(results, [{ id: '1', target: 'breach recorded after due instant (p99)', limit: 'p99 ≤ 1000 ms' }], async () => [
            await benchBreach(client, memoryQueue, runTag, sizes.breach, log, sizes.memory.cases),
          ]);
          return [memory];
        } finally {
          await stopChild(memoryWorker);
        }
      });
  } catch (error) {
    log(`setup failed: ${(error as Error).stack ?? String(error)}`);
    results.push(failed('setup', 'dev server, worker and API for targets 1–5', '—', error));
  } finally {
    await connection?.close();
  }

  results.sort((a, b) => order(a.id) - order(b.id));
  const passed = results.every((result) => result.pass !== false);
  console.log(`\n${table(results)}\n`);
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify(
      {
        mode: quick ? 'quick' : 'full',
        startedAt: new Date(began).toISOString(),
        durationSeconds: round((Date.now() - began) / 1000),
        passed,
        machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model },
        sizes,
        results,
      },
      null,
      2,
    )}\n`,
  );
  log(`${passed ? 'all targets met' : 'TARGETS FAILED'} in ${round((Date.now() - began) / 60_000)} min; results in ${path.relative(process.cwd(), RESULTS_FILE) || RESULTS_FILE}`);
  if (!passed) keepOnExit(dir);
  await stopAll();
  if (!passed) {
    // The logs explain a failure; the database is only bulk.
    for (const file of readdirSync(dir).filter((name) => name.startsWith('temporal.db'))) rmSync(path.join(dir, file));
    log(`server, worker and API logs kept in ${dir}`);
  }
  return passed ? 0 : 1;
}

function order(id: string): number {
  const index = ROW_ORDER.indexOf(id);
  return index >= 0 ? index : ROW_ORDER.length;
}

main().then(
  (code) => process.exit(code),
  async (error) => {
    console.error(error);
    await stopAll();
    process.exit(1);
  },
);
