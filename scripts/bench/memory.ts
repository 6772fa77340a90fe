/**
 * Target 4: the worker's RSS stays ≤ 400 MB with many open cases: the workflow cache
 * (AFTERCARE_MAX_CACHED_WORKFLOWS, default 250) bounds memory, not the number of open cases.
 * The worker is the production entry point in its own process, fresh for this target.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { caseWorkflowId } from '../../domain/products';
import { hotlineIntake } from '../../test/helpers/fixtures';
import type { hotlineWorkflow } from '../../workflows/hotline';
import { parseWorkerConfig } from '../../worker/config';
import { type Child, memoryOf } from './processes';
import { type Result, pool, round } from './util';

export interface MemorySizes {
  cases: number;
  startConcurrency: number;
  /** Waited after the last first workflow task, so the final reading is a settled one. */
  settleMs: number;
}

const LIMIT_MB = 400;
const SAMPLE_MS = 250;
const FIRST_TASKS_TIMEOUT_MS = 15 * 60_000;

export async function benchMemory(client: Client, taskQueue: string, worker: Child, runTag: string, sizes: MemorySizes, progress: (message: string) => void): Promise<Result> {
  const samples: number[] = [];
  const sampler = setInterval(() => {
    try {
      samples.push(memoryOf(worker.pid).rssMb);
    } catch {
      // the worker is gone; the wait below notices
    }
  }, SAMPLE_MS);
  try {
    const idleMb = memoryOf(worker.pid).rssMb;
    progress(`memory: worker pid ${worker.pid} at ${round(idleMb)} MB; starting ${sizes.cases} open cases, ${sizes.startConcurrency} at a time`);
    const began = Date.now();
    let started = 0;
    await pool(sizes.cases, sizes.startConcurrency, async (index) => {
      // Level 3: a one-hour response window, so nothing falls due while memory is measured.
      const intake = hotlineIntake({ caseId: `bench-rss-${runTag}-${index}`, preset: '000', severity: '3' });
      await client.workflow.start<typeof hotlineWorkflow>('hotlineWorkflow', { workflowId: caseWorkflowId('hotline', intake.caseId), taskQueue, args: [{ intake }] });
      if (++started % 1000 === 0) progress(`  ${started} started, worker at ${round(memoryOf(worker.pid).rssMb)} MB`);
    });
    progress(`  started in ${round((Date.now() - began) / 1000)} s; waiting until every case has had its first workflow task`);

    // The first workflow task upserts CaseStatus: a case counted here has run it.
    const query = `TaskQueue = '${taskQueue}' AND CaseStatus = 'open'`;
    let open = 0;
    let reportedMs = 0;
    while ((open = await client.workflow.count(query).then((count) => count.count)) < sizes.cases) {
      if (worker.process.exitCode !== null) throw new Error(`The worker exited with ${worker.process.exitCode}`);
      if (Date.now() - began > FIRST_TASKS_TIMEOUT_MS) throw new Error(`Only ${open} of ${sizes.cases} cases ran their first workflow task in ${FIRST_TASKS_TIMEOUT_MS / 60_000} min`);
      if (Date.now() - reportedMs >= 15_000) {
        progress(`  ${open} of ${sizes.cases} have run their first task; worker at ${round(memoryOf(worker.pid).rssMb)} MB`);
        reportedMs = Date.now();
      }
      await sleep(2_000);
    }
    const allRunMs = Date.now() - began;
    await sleep(sizes.settleMs);
    const { rssMb: finalMb, peakMb } = memoryOf(worker.pid);
    const sampledPeakMb = Math.max(...samples);
    const cacheSize = parseWorkerConfig({}).maxCachedWorkflows;
    return {
      id: '4',
      target: `worker RSS with ${sizes.cases} open cases (cache ${cacheSize} runs, peak)`,
      measured: `peak ${round(peakMb)} MB, final ${round(finalMb)} MB`,
      limit: `≤ ${LIMIT_MB} MB`,
      pass: peakMb <= LIMIT_MB,
      value: peakMb,
      unit: 'MB',
      details: {
        cases: sizes.cases,
        openCounted: open,
        maxCachedWorkflows: cacheSize,
        idleMb: round(idleMb),
        peakMb: round(peakMb),
        sampledPeakMb: round(sampledPeakMb),
        finalMb: round(finalMb),
        secondsUntilAllFirstTasks: round(allRunMs / 1000),
        peakSource: '/proc/<pid>/status VmHWM (high-water mark since the worker started)',
      },
    };
  } finally {
    clearInterval(sampler);
  }
}
