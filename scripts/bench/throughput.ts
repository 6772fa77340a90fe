/**
 * Target 2: hotline intake through the API (POST /cases until 201: the first windows are armed)
 * against the ceiling of the same server, worker and concurrency, trivial workflows start → result.
 * Also full lifecycles through the API, and (target 3) the history size of such a lifecycle.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { caseWorkflowId } from '../../domain/products';
import { type Caller } from '../../test/helpers/callers';
import { caseRequestBody } from '../../test/helpers/fixtures';
import { caseStateQuery } from '../../workflows/messages';
import type { emptyWorkflow } from './workflows';
import { cpuMsOf } from './processes';
import { type Result, percentile, pool, round } from './util';

export interface ThroughputSizes {
  /** Requests (or workflows) in flight at once, the same for all three measurements. */
  concurrency: number;
  /** Not counted: connections, JIT and the worker's first bundle load. */
  warmUp: number;
  emptyWorkflows: number;
  intakes: number;
  lifecycles: number;
  /** Ceiling and intake are measured in this many alternating rounds. */
  rounds: number;
  /** Lifecycle runs whose history events are counted (target 3). */
  historiesCounted: number;
}

export interface ThroughputContext {
  client: Client;
  taskQueue: string;
  baseUrl: string;
  /** `Authorization` values of the bench's callers (an engineer, the bench customer). */
  bearer: (caller: Caller) => Promise<string>;
  runTag: string;
  /** Processes whose CPU time per operation is reported (this process is counted as "bench"). */
  processes: { server: number; worker: number; api: number };
}

const INTAKE_RATIO = 0.8;
const EVENT_BUDGET = 80;
const HISTORY_BYTES_BUDGET = 64 * 1024;
/** After confirm the run needs one more workflow task to return; this is generous. */
const COMPLETION_GRACE_MS = 30_000;

interface Rate {
  perSecond: number;
  completed: number;
  /** Indices of the operations that succeeded. */
  succeeded: number[];
  /** Latency of each successful operation, in ms (for combining rounds; not reported). */
  latencies: number[];
  errors: string[];
  seconds: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** CPU time per completed operation, in ms, by process: where an operation's cost lies. */
  cpuMsPerOperation?: Record<string, number>;
}

type CpuSnapshot = Record<string, number>;

function cpuSnapshot(processes: ThroughputContext['processes']): CpuSnapshot {
  const { user, system } = process.cpuUsage();
  return { ...Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuMsOf(pid)])), bench: (user + system) / 1000 };
}

function cpuPerOperation(before: CpuSnapshot, after: CpuSnapshot, operations: number): Record<string, number> {
  return Object.fromEntries(Object.keys(before).map((name) => [name, round((after[name] - before[name]) / Math.max(operations, 1), 2)]));
}

function describeCpu(cpu: Record<string, number> | undefined): string {
  return cpu
    ? Object.entries(cpu)
        .map(([name, ms]) => `${name} ${ms}`)
        .join(', ')
    : '';
}

/** Runs `count` operations at `concurrency`; each resolves with an error text or null. */
async function measure(count: number, concurrency: number, operation: (index: number) => Promise<string | null>, processes?: ThroughputContext['processes']): Promise<Rate> {
  const latencies: number[] = [];
  const cpuBefore = processes && cpuSnapshot(processes);
  const succeeded: number[] = [];
  const errors: string[] = [];
  const began = performance.now();
  await pool(count, concurrency, async (index) => {
    const start = performance.now();
    let error: string | null;
    try {
      error = await operation(index);
    } catch (caught) {
      error = (caught as Error).message;
    }
    if (error === null) {
      latencies.push(performance.now() - start);
      succeeded.push(index);
    } else {
      errors.push(error);
    }
  });
  const seconds = (performance.now() - began) / 1000;
  const cpuMsPerOperation = processes && cpuBefore && cpuPerOperation(cpuBefore, cpuSnapshot(processes), latencies.length);
  return {
    perSecond: latencies.length / seconds,
    completed: latencies.length,
    succeeded: succeeded.sort((a, b) => a - b),
    latencies,
    errors,
    seconds: round(seconds, 2),
    latencyMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(Math.max(...latencies)) },
    ...(cpuMsPerOperation && { cpuMsPerOperation }),
  };
}

function withoutIndices({ succeeded: _succeeded, latencies: _latencies, ...rate }: Rate) {
  return rate;
}

/** One rate of several rounds of the same operation: completions over the time spent in them. */
function combine(rounds: Rate[]): Rate {
  const latencies = rounds.flatMap((round) => round.latencies);
  const completed = latencies.length;
  const seconds = rounds.reduce((sum, round) => sum + round.seconds, 0);
  const cpuNames = Object.keys(rounds[0]?.cpuMsPerOperation ?? {});
  return {
    perSecond: completed / seconds,
    completed,
    succeeded: rounds.flatMap((round) => round.succeeded),
    latencies,
    errors: rounds.flatMap((round) => round.errors),
    seconds: round(seconds, 2),
    latencyMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(Math.max(...latencies)) },
    ...(cpuNames.length > 0 && {
      cpuMsPerOperation: Object.fromEntries(
        cpuNames.map((name) => [name, round(rounds.reduce((sum, each) => sum + (each.cpuMsPerOperation?.[name] ?? 0) * each.completed, 0) / Math.max(completed, 1), 2)]),
      ),
    }),
  };
}

/** The runs still running after `graceMs` (describe, not result(): a hung run's long poll never ends). */
async function stillRunning(handles: WorkflowHandle[], graceMs: number): Promise<WorkflowHandle[]> {
  const deadline = Date.now() + graceMs;
  let pending = handles;
  for (;;) {
    const statuses = await pool(pending.length, 10, async (index) => (await pending[index].describe()).status.name);
    pending = pending.filter((_, index) => statuses[index] === 'RUNNING');
    if (pending.length === 0 || Date.now() >= deadline) return pending;
    await sleep(1_000);
  }
}

function caseBody(caseId: string) {
  // Level 3: a one-hour response window, so these cases never fall due during the bench and
  // never add timer load to the breach measurement. Every solution is called back: the heaviest lifecycle.
  return caseRequestBody({ caseId, customer: { id: BENCH_CUSTOMER, name: 'Bench Ltd', email: 'it@bench.example' }, severity: '3' });
}

/** Round trips of the lifecycles' action requests (respond, provide-solution, confirm), in ms. */
const actionRoundTrips: number[] = [];

const BENCH_CUSTOMER = 'bench';

/** Callers' keys, made before anything is measured (a key's first use costs a scrypt). */
const authorizations = { engineer: '', customer: '' };

async function post(baseUrl: string, route: string, body: unknown, expected: number, as: keyof typeof authorizations = 'engineer'): Promise<string | null> {
  const start = performance.now();
  const headers = { 'content-type': 'application/json', authorization: authorizations[as] };
  const response = await fetch(`${baseUrl}${route}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (route !== '/cases' && response.status === expected) actionRoundTrips.push(performance.now() - start);
  return response.status === expected ? null : `POST ${route}: ${response.status} ${text.slice(0, 200)}`;
}

/** create → respond → provide-solution → confirm; `beforeConfirm` may wait for the case to settle. */
async function lifecycle(baseUrl: string, caseId: string, beforeConfirm?: () => Promise<void>): Promise<string | null> {
  const route = `/cases/${caseId}`;
  const solved =
    (await post(baseUrl, '/cases', caseBody(caseId), 201)) ??
    (await post(baseUrl, `${route}/respond`, {}, 200)) ??
    (await post(baseUrl, `${route}/provide-solution`, { solution: 'Rebuilt the report index' }, 200));
  if (solved) return solved;
  await beforeConfirm?.();
  return post(baseUrl, `${route}/confirm`, {}, 200, 'customer');
}

/** Waits until the case has started its satisfaction call-back (the effect of a solution). */
async function callBackStarted(handle: WorkflowHandle): Promise<void> {
  const deadline = Date.now() + COMPLETION_GRACE_MS;
  while (!(await handle.query(caseStateQuery)).audit.some((entry) => entry.type === 'call-back-scheduled')) {
    if (Date.now() > deadline) throw new Error(`${handle.workflowId}: no call-back started ${COMPLETION_GRACE_MS / 1000} s after the solution`);
    await sleep(100);
  }
}

export interface ThroughputOutcome {
  results: Result[];
  /** Workflow ids of finished trivial runs, for target 5's trivial histories. */
  emptyWorkflowIds: string[];
}

export async function benchThroughput(context: ThroughputContext, sizes: ThroughputSizes, progress: (message: string) => void): Promise<ThroughputOutcome> {
  const { client, taskQueue, baseUrl, runTag, processes } = context;
  authorizations.engineer = await context.bearer('engineer');
  authorizations.customer = await context.bearer({ customer: BENCH_CUSTOMER });
  const { concurrency } = sizes;
  const emptyId = (phase: string, index: number) => `bench-empty-${runTag}-${phase}-${index}`;
  const caseId = (phase: string, index: number) => `bench-${runTag}-${phase}-${index}`;
  const runEmpty = (phase: string) => async (index: number) => {
    await client.workflow.execute<typeof emptyWorkflow>('emptyWorkflow', { workflowId: emptyId(phase, index), taskQueue });
    return null;
  };

  progress(`warm-up: ${sizes.warmUp} trivial workflows, intakes and lifecycles`);
  await measure(sizes.warmUp, concurrency, runEmpty('warm'));
  await measure(sizes.warmUp, concurrency, (index) => post(baseUrl, '/cases', caseBody(caseId('warm-intake', index)), 201));
  await measure(Math.ceil(sizes.warmUp / 4), concurrency, (index) => lifecycle(baseUrl, caseId('warm-life', index)));

  // Ceiling and intake in alternating rounds (the order swapped each round), so that a drift of the
  // machine or of the growing database over the run weighs on both alike.
  progress(
    `ceiling and intake: ${sizes.emptyWorkflows} trivial workflows start → result and ${sizes.intakes} × POST /cases until 201, ${concurrency} at a time, in ${sizes.rounds} alternating rounds`,
  );
  const perRound = (total: number, index: number) => Math.floor((total * (index + 1)) / sizes.rounds) - Math.floor((total * index) / sizes.rounds);
  const series = [
    { name: 'ceiling', unit: 'workflows/s', per: 'workflow', total: sizes.emptyWorkflows, operation: runEmpty('ceiling'), rounds: [] as Rate[] },
    { name: 'intake', unit: 'cases/s', per: 'case', total: sizes.intakes, operation: (index: number) => post(baseUrl, '/cases', caseBody(caseId('intake', index)), 201), rounds: [] as Rate[] },
  ];
  for (let roundIndex = 0; roundIndex < sizes.rounds; roundIndex += 1) {
    for (const each of roundIndex % 2 === 0 ? series : [...series].reverse()) {
      const from = Math.floor((each.total * roundIndex) / sizes.rounds);
      const rate = await measure(perRound(each.total, roundIndex), concurrency, (index) => each.operation(from + index), processes);
      each.rounds.push({ ...rate, succeeded: rate.succeeded.map((index) => from + index) });
      progress(`  round ${roundIndex + 1} ${each.name}: ${round(rate.perSecond)} ${each.unit}; CPU ms per ${each.per}: ${describeCpu(rate.cpuMsPerOperation)}`);
    }
  }
  const [ceiling, intake] = series.map((each) => combine(each.rounds));
  progress(`  ceiling ${round(ceiling.perSecond)} workflows/s, intake ${round(intake.perSecond)} cases/s = ${round(intake.perSecond / ceiling.perSecond, 2)} × ceiling`);
  progress(`lifecycles: ${sizes.lifecycles} × create → respond → provide-solution → confirm, ${concurrency} at a time`);
  actionRoundTrips.length = 0;
  const lifecycles = await measure(sizes.lifecycles, concurrency, (index) => lifecycle(baseUrl, caseId('life', index)));
  progress(`  ${round(lifecycles.perSecond, 2)} lifecycles/s`);

  const roundTrips = [...actionRoundTrips];
  const limitPerSecond = INTAKE_RATIO * ceiling.perSecond;
  const results: Result[] = [
    {
      id: '2',
      target: 'hotline intake via API (POST /cases → 201, window armed)',
      measured: `${round(intake.perSecond)} cases/s = ${round(intake.perSecond / ceiling.perSecond, 2)} × ceiling${intake.errors.length ? `, ${intake.errors.length} errors` : ''}`,
      limit: `≥ ${INTAKE_RATIO} × ceiling = ${round(limitPerSecond)}/s`,
      pass: intake.errors.length === 0 && intake.perSecond >= limitPerSecond,
      value: intake.perSecond,
      unit: 'cases/s',
      details: { concurrency, ...withoutIndices(intake), errors: intake.errors.slice(0, 5), errorCount: intake.errors.length, ceilingPerSecond: ceiling.perSecond },
    },
    {
      id: '2·ceiling',
      target: 'ceiling: trivial workflow start → result, same server and concurrency',
      measured: `${round(ceiling.perSecond)} workflows/s${ceiling.errors.length ? `, ${ceiling.errors.length} errors` : ''}`,
      limit: '—',
      pass: ceiling.errors.length === 0 ? null : false,
      value: ceiling.perSecond,
      unit: 'workflows/s',
      details: { concurrency, ...withoutIndices(ceiling), errors: ceiling.errors.slice(0, 5), errorCount: ceiling.errors.length },
    },
    {
      id: '2·life',
      target: 'full lifecycles via API (create → respond → solve → confirm)',
      measured: `${round(lifecycles.perSecond, 2)} lifecycles/s (${round(lifecycles.perSecond * 4, 1)} requests/s)${lifecycles.errors.length ? `, ${lifecycles.errors.length} errors` : ''}`,
      limit: '—',
      pass: lifecycles.errors.length === 0 ? null : false,
      value: lifecycles.perSecond,
      unit: 'lifecycles/s',
      details: { concurrency, ...withoutIndices(lifecycles), errors: lifecycles.errors.slice(0, 5), errorCount: lifecycles.errors.length },
    },
  ];

  results.push({
    id: '2·action',
    target: 'API action round trip during the lifecycles (update, then query)',
    measured: roundTrips.length ? `p50 ${round(percentile(roundTrips, 50))} ms, p99 ${round(percentile(roundTrips, 99))} ms (${roundTrips.length} requests)` : 'none',
    limit: '—',
    pass: roundTrips.length > 0 ? null : false,
    value: percentile(roundTrips, 99),
    unit: 'ms (p99)',
    details: { p50: percentile(roundTrips, 50), p99: percentile(roundTrips, 99), max: Math.max(...roundTrips), count: roundTrips.length },
  });

  // Every confirmed case's run must return; one that never does is a lifecycle of no size at all.
  const runs = lifecycles.succeeded.map((index) => client.workflow.getHandle(caseWorkflowId('hotline', caseId('life', index))));
  progress(`completion: waiting for ${runs.length} confirmed runs to return`);
  const running = await stillRunning(runs, COMPLETION_GRACE_MS);
  const stuck: Record<string, unknown>[] = [];
  for (const handle of running.slice(0, 3)) {
    const state = await handle.query(caseStateQuery);
    stuck.push({
      workflowId: handle.workflowId,
      status: state.status,
      closeReason: state.closeReason,
      audit: state.audit.map((entry) => entry.type),
      historyEvents: (await handle.fetchHistory()).events?.length ?? 0,
    });
  }
  results.push({
    id: '3·done',
    target: 'lifecycles above: confirmed runs that completed',
    measured: `${runs.length - running.length} of ${runs.length}${running.length ? ` (${running.length} still running ${COMPLETION_GRACE_MS / 1000} s after confirm)` : ''}`,
    limit: 'all',
    pass: runs.length > 0 && running.length === 0,
    value: runs.length ? (runs.length - running.length) / runs.length : Number.NaN,
    unit: 'share completed',
    details: { confirmed: runs.length, completed: runs.length - running.length, stillRunning: running.length, examples: stuck },
  });

  // Target 3: lifecycles one at a time, confirmed once the call-back has started (a confirm that
  // overtakes it is the case above), each counted when its run has returned.
  progress(`history size: ${sizes.historiesCounted} lifecycles, one at a time`);
  const eventsByRun: Record<string, number> = {};
  const bytesByRun: Record<string, number> = {};
  const sizeErrors: string[] = [];
  for (let index = 0; index < sizes.historiesCounted; index++) {
    const id = caseId('size', index);
    const handle = client.workflow.getHandle(caseWorkflowId('hotline', id));
    try {
      const error = await lifecycle(baseUrl, id, () => callBackStarted(handle));
      if (error) throw new Error(error);
      if ((await stillRunning([handle], COMPLETION_GRACE_MS)).length > 0) throw new Error(`${handle.workflowId} still running after confirm`);
      const history = await handle.fetchHistory();
      eventsByRun[handle.workflowId] = history.events?.length ?? 0;
      bytesByRun[handle.workflowId] = temporal.api.history.v1.History.encode(history).finish().length;
    } catch (error) {
      sizeErrors.push((error as Error).message);
    }
  }
  const eventCounts = Object.values(eventsByRun);
  const maxEvents = eventCounts.length ? Math.max(...eventCounts) : Number.NaN;
  results.push({
    id: '3',
    target: 'history events of a full hotline lifecycle (max of runs)',
    measured: eventCounts.length
      ? `${maxEvents} events (${eventCounts.length} runs: ${[...new Set(eventCounts)].sort((a, b) => a - b).join(', ')})${sizeErrors.length ? `, ${sizeErrors.length} failed` : ''}`
      : 'no completed lifecycle',
    limit: `≤ ${EVENT_BUDGET}`,
    pass: eventCounts.length > 0 && sizeErrors.length === 0 && maxEvents <= EVENT_BUDGET,
    value: maxEvents,
    unit: 'events',
    details: { runs: eventsByRun, errors: sizeErrors.slice(0, 5) },
  });

  const byteCounts = Object.values(bytesByRun);
  const maxBytes = byteCounts.length ? Math.max(...byteCounts) : Number.NaN;
  results.push({
    id: '3·bytes',
    target: 'history bytes of a full hotline lifecycle (max of the runs above)',
    measured: byteCounts.length ? `${round(maxBytes / 1024, 1)} kB (${byteCounts.length} runs, min ${round(Math.min(...byteCounts) / 1024, 1)} kB)` : 'no completed lifecycle',
    limit: `≤ ${HISTORY_BYTES_BUDGET / 1024} kB`,
    pass: byteCounts.length > 0 && maxBytes <= HISTORY_BYTES_BUDGET,
    value: maxBytes,
    unit: 'bytes',
    details: { runs: bytesByRun },
  });

  const emptyWorkflowIds = Array.from({ length: Math.min(5, sizes.emptyWorkflows) }, (_, index) => emptyId('ceiling', index));
  return { results, emptyWorkflowIds };
}
