/**
 * Every history under test/histories (recorded from real runs by `npm run record-histories`) must
 * replay against today's workflow code: a change that would break running cases fails here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { workflowBundle } from '../helpers/environments';

const HISTORIES = path.resolve(__dirname, '../histories');
const files = readdirSync(HISTORIES)
  .filter((file) => file.endsWith('.json'))
  .sort();

function histories(names: string[] = files) {
  return names.map((file) => ({
    workflowId: path.basename(file, '.json'),
    history: historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8'))),
  }));
}

test('the committed histories cover every hotline outcome, the call-back, contracts, official days, remote and on-site', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'hotline-confirmed.json',
      'hotline-breached-escalated.json',
      'hotline-paused-resumed.json',
      'hotline-severity-changed.json',
      'hotline-auto-closed-reopened.json',
      'hotline-finally-closed.json',
      'hotline-not-entitled.json',
      'hotline-notices-held.json',
      'hotline-contract-applied.json',
      'hotline-confirmed-during-effects.json',
      // Rules 2 (the seeds' reading): reclassification by role, escalation clock, outcomes, channel rule.
      'hotline-severity-carried.json',
      'hotline-escalated-time-at-tier.json',
      'hotline-outcome-rejected.json',
      'hotline-phone-no-auto-close.json',
      // E-mails sent beside the clock (mail-beside-clock).
      'hotline-notices-beside-clock.json',
      // A long audit archived in pages, and one recorded before the archive existed (patched).
      'hotline-audit-archived.json',
      'hotline-audit-long-before-archive.json',
      'call-back-done.json',
      'call-back-missed.json',
      'contract-reminders.json',
      'contract-amendments-archived.json',
      'contract-amended-before-archive.json',
      'official-days.json',
      // Remote maintenance: handed over by a hotline case and solved; withdrawn with the port open.
      'hotline-transferred-remote.json',
      'remote-solved.json',
      'remote-withdrawn.json',
      // Recorded before the standing deadline timer and before failed remote work closed its case (patched).
      // Remote failed, then on site: the hotline case, the failed remote case, the solved visit; a visit rescheduled and withdrawn.
      'hotline-remote-failed-on-site.json',
      'remote-failed.json',
      'on-site-solved.json',
      'on-site-rescheduled-withdrawn.json',
    ]),
  );
});

test('every committed history replays against the current workflow code', async () => {
  const results: { workflowId: string; error?: unknown }[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories())) {
    results.push({ workflowId: result.workflowId, error: result.error });
  }
  expect(results.map((result) => result.workflowId).sort()).toEqual(files.map((file) => path.basename(file, '.json')).sort());
  expect(results.filter((result) => result.error !== undefined)).toEqual([]);
});

/** Eighty actions into one case, on purpose: they exercise the audit archive, not a lifecycle. */
const LONG_ON_PURPOSE = ['hotline-audit-archived.json', 'hotline-audit-long-before-archive.json'];

/**
 * A case handed over twice (remote, then on site) carries two children, their four reports and two
 * hand-over e-mails: about 30 events a hand-over, measured, so it gets a budget of its own.
 */
const HANDED_OVER_TWICE = { 'hotline-remote-failed-on-site': 90 } as Record<string, number>;

test('a full hotline lifecycle stays within the 80-event budget (a case handed over twice within its own)', () => {
  const sizes = histories(files.filter((file) => file.startsWith('hotline-') && !LONG_ON_PURPOSE.includes(file))).map(({ workflowId, history }) => ({
    workflowId,
    events: history.events!.length,
  }));
  expect(sizes.filter((size) => size.events > (HANDED_OVER_TWICE[size.workflowId] ?? 80))).toEqual([]);
});

test('a workflow change without patched() is caught as a determinism violation', async () => {
  const changed = await bundleWorkflowCode({ workflowsPath: require.resolve('./changed-workflow'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
  const [confirmed] = histories(['hotline-confirmed.json']);
  await expect(Worker.runReplayHistory({ workflowBundle: changed }, confirmed.history, confirmed.workflowId)).rejects.toBeInstanceOf(DeterminismViolationError);
});
