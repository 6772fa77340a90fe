/**
 * Target 5: replaying the committed histories (test/histories) runs at ≥ 0.5 × the events/s of
 * trivial histories recorded in the same run, with the same bundle and replay worker code.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ROOT } from './processes';
import { type Result, round } from './util';

export interface ReplaySizes {
  /** Times the committed set is replayed; the trivial set is repeated to as many histories. */
  committedRounds: number;
}

type History = temporal.api.history.v1.IHistory;
interface Named {
  workflowId: string;
  history: History;
}

const RATIO = 0.5;

function committedHistories(): Named[] {
  const dir = path.join(ROOT, 'test/histories');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      workflowId: path.basename(file, '.json'),
      history: historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8'))),
    }));
}

interface ReplayRate {
  eventsPerSecond: number;
  histories: number;
  events: number;
  seconds: number;
  failures: string[];
}

/**
 * Replays `set` `rounds` times through one replay worker. The clock starts when the first history
 * is done, so building the replay worker (a fixed cost, paid once per call) is not in the rate.
 */
async function replay(bundle: WorkflowBundleWithSourceMap, set: Named[], rounds: number): Promise<ReplayRate> {
  const sizes = new Map(set.map(({ workflowId, history }) => [workflowId, history.events?.length ?? 0]));
  function* repeated() {
    for (let lap = 0; lap < rounds; lap++) {
      for (const { workflowId, history } of set) yield { workflowId: `${workflowId}#${lap}`, history };
    }
  }
  const failures: string[] = [];
  let began = 0;
  let histories = 0;
  let events = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, repeated())) {
    if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    if (began === 0) {
      began = performance.now();
      continue;
    }
    histories++;
    events += sizes.get(result.workflowId.replace(/#\d+$/, '')) ?? 0;
  }
  const seconds = (performance.now() - began) / 1000;
  return { eventsPerSecond: events / seconds, histories, events, seconds: round(seconds, 2), failures };
}

export async function benchReplay(client: Client, bundle: WorkflowBundleWithSourceMap, emptyWorkflowIds: string[], sizes: ReplaySizes, progress: (message: string) => void): Promise<Result> {
  const committed = committedHistories();
  const trivial: Named[] = [];
  for (const workflowId of emptyWorkflowIds) {
    trivial.push({ workflowId, history: await client.workflow.getHandle(workflowId).fetchHistory() });
  }
  if (trivial.length === 0) throw new Error('No trivial workflow ran, so there is no trivial history to compare with');
  const committedCount = committed.length * sizes.committedRounds;
  const trivialRounds = Math.ceil(committedCount / trivial.length);

  progress('replay warm-up');
  await replay(bundle, committed, 1);
  await replay(bundle, trivial, 1);
  progress(`replay: ${committed.length} committed histories × ${sizes.committedRounds}, ${trivial.length} trivial × ${trivialRounds}`);
  const ofCommitted = await replay(bundle, committed, sizes.committedRounds);
  const ofTrivial = await replay(bundle, trivial, trivialRounds);
  const ratio = ofCommitted.eventsPerSecond / ofTrivial.eventsPerSecond;
  const failures = [...ofCommitted.failures, ...ofTrivial.failures];
  return {
    id: '5',
    target: 'replay of committed histories vs trivial histories (events/s)',
    measured: `${Math.round(ofCommitted.eventsPerSecond)} vs ${Math.round(ofTrivial.eventsPerSecond)} events/s = ${round(ratio, 2)} ×${failures.length ? `, ${failures.length} failed` : ''}`,
    limit: `≥ ${RATIO} × trivial`,
    pass: failures.length === 0 && ratio >= RATIO,
    value: ratio,
    unit: '× trivial events/s',
    details: {
      committed: { ...ofCommitted, failures: ofCommitted.failures.slice(0, 5), files: committed.map(({ workflowId, history }) => `${workflowId} (${history.events?.length ?? 0})`) },
      trivial: { ...ofTrivial, failures: ofTrivial.failures.slice(0, 5), eventsPerHistory: trivial.map(({ history }) => history.events?.length ?? 0) },
    },
  };
}
