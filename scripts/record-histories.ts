/**
 * Re-records the workflow histories that test/replay replays: each scenario runs for real on the
 * Java time-skipping server (its own server, so months pass in a moment) and its history is written
 * to test/histories/<scenario>.json in the format `temporal workflow show --output json` writes.
 *
 *   npm run record-histories            # all scenarios
 *   npm run record-histories -- confirmed paused-resumed
 *
 * Record after a deliberate workflow change only when old histories cannot matter any more;
 * otherwise keep the old files (they prove `patched()` keeps them replaying) and add new ones.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type HotlineIntake, openingCase } from '../domain/hotline-case';
import { caseSearchAttributes } from '../workflows/search-attributes';
import { callBackWorkflowId } from '../domain/products';
import { WEEKDAYS, type CalendarSpec } from '../domain/calendar';
import { presetPolicy } from '../domain/sla-policy';
import { contractWorkflow, hotlineWorkflow, officialDaysWorkflow, onSiteWorkflow, remoteWorkflow, satisfactionCallBackWorkflow } from '../workflows';
import { remoteStateQuery, remoteUpdates } from '../workflows/remote';
import { onSiteStateQuery, onSiteUpdates } from '../workflows/on-site';
import type { OnSiteActionPayload, OnSiteActionType } from '../domain/on-site-actions';
import type { RemoteCase } from '../domain/remote-case';
import type { RunningWorker } from '../test/helpers/environments';
import { amendContractUpdate } from '../workflows/contract';
import { addYearUpdate } from '../workflows/official-days';
import { caseStateQuery, hotlineUpdates } from '../workflows/messages';
import { recordSurveyUpdate } from '../workflows/satisfaction-call-back';
import { createTimeSkippingEnv, startWorker } from '../test/helpers/environments';
import { contractTerms } from '../test/helpers/contracts';
import { hotlineIntake, uniqueId } from '../test/helpers/fixtures';

const HISTORIES = path.resolve(__dirname, '../test/histories');
const by = 'engineer-wang';
const silent = { closing: { callBackSampleRate: 0 } };

interface Run {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  worker: RunningWorker;
  start(intake: HotlineIntake): Promise<WorkflowHandle<typeof hotlineWorkflow>>;
  /** Waits for the run to finish (tolerating failure) unless it is an entity that runs on, then saves its history. */
  save(name: string, handle: WorkflowHandle, options?: { running?: boolean }): Promise<void>;
}

/** Office hours only on the day after tomorrow, 09:00–10:00 Shanghai: a breach now is held for them. */
async function officeHoursAfterTomorrow(env: TestWorkflowEnvironment): Promise<CalendarSpec> {
  const day = new Date((await env.currentTimeMs()) + 8 * 3_600_000 + 2 * 86_400_000).getUTCDay();
  return { timeZone: 'Asia/Shanghai', weekly: { [WEEKDAYS[day]]: [['09:00', '10:00']] } };
}

const scenarios: Record<string, (run: Run) => Promise<void>> = {
  async confirmed({ env, start, save }) {
    const intake = hotlineIntake({ preset: '000', severity: '2', closing: { callBackSampleRate: 1 } });
    const handle = await start(intake);
    await handle.executeUpdate(hotlineUpdates.respond, { args: [{ by }] });
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Rebuilt the report index' }] });
    await handle.executeUpdate(hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
    await save('hotline-confirmed', handle);
    const callBack = env.client.workflow.getHandle<typeof satisfactionCallBackWorkflow>(callBackWorkflowId(intake.caseId, 1));
    await callBack.executeUpdate(recordSurveyUpdate, { args: [{ by: 'manager-zhao', speed: 5, quality: 4 }] });
    await save('call-back-done', callBack);
  },
  /** After the actions-during-effects-wake patch: the confirmation lands while the call-back starts. */
  async 'confirmed-during-effects'({ start, save }) {
    const handle = await start(hotlineIntake({ preset: '000', severity: '2' }));
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Rebuilt the report index' }] });
    await handle.executeUpdate(hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
    await save('hotline-confirmed-during-effects', handle);
  },
  async 'breached-escalated'({ env, start, save }) {
    const handle = await start(hotlineIntake({ preset: '004', severity: 'standard', ...silent }));
    await env.sleep('31 minutes');
    await env.sleep('90 minutes');
    await handle.executeUpdate(hotlineUpdates.respond, { args: [{ by }] });
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Replaced the failed index' }] });
    await handle.executeUpdate(hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
    await save('hotline-breached-escalated', handle);
  },
  async 'paused-resumed'({ env, start, save }) {
    const handle = await start(hotlineIntake({ preset: '004', severity: 'standard', ...silent }));
    await env.sleep('10 minutes');
    await handle.executeUpdate(hotlineUpdates.pause, { args: [{ by, reason: 'Awaiting database upload' }] });
    await env.sleep('3 hours');
    await handle.executeUpdate(hotlineUpdates.resume, { args: [{ by: 'customer' }] });
    await handle.executeUpdate(hotlineUpdates.respond, { args: [{ by }] });
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Patched' }] });
    await handle.executeUpdate(hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
    await save('hotline-paused-resumed', handle);
  },
  async 'severity-changed'({ env, start, save }) {
    const handle = await start(hotlineIntake({ preset: '000', severity: '3', ...silent }));
    await env.sleep('40 minutes');
    await handle.executeUpdate(hotlineUpdates['change-severity'], { args: [{ by, severity: '1', reason: 'Production down' }] });
    await handle.signal(hotlineUpdates.respond.name, { by });
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Restarted the cluster' }] });
    await handle.executeUpdate(hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
    await save('hotline-severity-changed', handle);
  },
  /** Under rules 2 (the intake says so): the upgrade carries the time used (D-7). */
  async 'severity-carried'({ env, start, save }) {
    const handle = await start(hotlineIntake({ preset: '000', severity: '3', ...silent }));
    await env.sleep('40 minutes');
    await handle.executeUpdate(hotlineUpdates['change-severity'], { args: [{ by, severity: '1', reason: 'Production down' }] });
    await env.sleep('25 minutes');
    await handle.executeUpdate(hotlineUpdates.respond, { args: [{ by }] });
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Restarted the cluster' }] });
    await handle.executeUpdate(hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
    await save('hotline-severity-carried', handle);
  },
  /** Rules 2: an engineer escalates, then the time at tier 2 runs out (D-9). */
  async 'escalated-time-at-tier'({ env, start, save }) {
    const handle = await start(hotlineIntake({ preset: '004', severity: 'complex', policy: { ...presetPolicy('004'), minutesAtTier: [24 * 60, 60] }, ...silent }));
    await handle.executeUpdate(hotlineUpdates.respond, { args: [{ by }] });
    await handle.executeUpdate(hotlineUpdates.escalate, { args: [{ by, reason: 'Needs the service consultant' }] });
    await env.sleep('61 minutes');
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Rebuilt the index' }] });
    await handle.executeUpdate(hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
    await save('hotline-escalated-time-at-tier', handle);
  },
  /** Rules 2: an outcome other than solved, rejected by the customer, then solved (M001-3). */
  async 'outcome-rejected'({ start, save }) {
    const handle = await start(hotlineIntake({ preset: '001', severity: 'L4', ...silent }));
    await handle.executeUpdate(hotlineUpdates['record-outcome'], { args: [{ by: 'manager-zhao', outcome: 'memo', text: 'Platform limit; workaround agreed' }] });
    await handle.executeUpdate(hotlineUpdates.reject, { args: [{ by: 'customer', reason: 'Workaround does not hold' }] });
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Patched in 8.5.3' }] });
    await handle.executeUpdate(hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
    await save('hotline-outcome-rejected', handle);
  },
  /** Rules 2: a phone case is not closed by silence; the customer confirms weeks later (R-001-8). */
  async 'phone-no-auto-close'({ env, start, save }) {
    const handle = await start(hotlineIntake({ channel: 'phone', ...silent }));
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Patched' }] });
    await env.sleep('40 days');
    await handle.executeUpdate(hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
    await save('hotline-phone-no-auto-close', handle);
  },
  async 'auto-closed-reopened'({ env, start, save }) {
    const handle = await start(hotlineIntake(silent));
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Patched' }] });
    await env.sleep('32 days');
    await handle.executeUpdate(hotlineUpdates.reopen, { args: [{ by: 'customer', reason: 'It failed again' }] });
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Patched properly' }] });
    await handle.executeUpdate(hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
    await save('hotline-auto-closed-reopened', handle);
  },
  async 'finally-closed'({ start, save }) {
    const handle = await start(hotlineIntake(silent));
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Patched' }] });
    await save('hotline-finally-closed', handle);
  },
  async 'call-back-missed'({ env, start, save }) {
    const intake = hotlineIntake({ closing: { callBackSampleRate: 1 } });
    await start(intake);
    const handle = env.client.workflow.getHandle(`hotline-${intake.caseId}`);
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Patched' }] });
    await save('call-back-missed', env.client.workflow.getHandle(callBackWorkflowId(intake.caseId, 1)));
  },
  async 'notices-held'({ env, start, save }) {
    const handle = await start(
      hotlineIntake({
        preset: '000',
        severity: '1',
        ...silent,
        notices: { to: ['desk@vendor.example'], warnAtPercent: 80, outsideWorkingTime: 'next-working-instant', officeHours: await officeHoursAfterTomorrow(env) },
      }),
    );
    await env.sleep('31 minutes');
    await env.sleep('3 days');
    await handle.executeUpdate(hotlineUpdates.respond, { args: [{ by }] });
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Restarted the service' }] });
    await handle.executeUpdate(hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
    await save('hotline-notices-held', handle);
  },
  async 'notices-beside-clock'({ env, start, save }) {
    // Warning and breach notice sent at once, beside the clock (mail-beside-clock), then solved.
    const notices = { to: ['desk@vendor.example', 'duty@vendor.example'], warnAtPercent: 50, outsideWorkingTime: 'at-once' as const, officeHours: await officeHoursAfterTomorrow(env) };
    const handle = await start(hotlineIntake({ preset: '000', severity: '1', ...silent, notices }));
    await env.sleep('40 minutes');
    await handle.executeUpdate(hotlineUpdates.respond, { args: [{ by }] });
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Cleared the queue' }] });
    await handle.executeUpdate(hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
    await save('hotline-notices-beside-clock', handle);
  },
  async 'contract-applied'({ start, save }) {
    const intake = hotlineIntake({ preset: '004', severity: 'complex', ...silent, contract: { id: 'contract-demo', version: 1 } });
    const handle = await start(intake);
    await handle.executeUpdate(hotlineUpdates['apply-contract'], {
      args: [{ by: 'ops-liu', severity: '1', policy: presetPolicy('000', intake.timeZone), contract: { id: 'contract-demo', version: 2 } }],
    });
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Patched' }] });
    await handle.executeUpdate(hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
    await save('hotline-contract-applied', handle);
  },
  async 'contract-reminders'({ env, taskQueue, save }) {
    const end = new Date((await env.currentTimeMs()) + 40 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    const handle = await env.client.workflow.start(contractWorkflow, {
      workflowId: `contract-${uniqueId('demo')}`,
      taskQueue,
      args: [{ contractId: 'demo', createdBy: 'sales-chen', terms: contractTerms({ servicePeriods: [{ kind: 'free', start: '2026-01-01', end }] }) }],
    });
    await handle.executeUpdate(amendContractUpdate, { args: [{ by: 'sales-chen', reason: 'VIP upgrade', changes: { vip: true } }] });
    await env.sleep('35 days');
    await save('contract-reminders', handle, { running: true });
  },
  async 'contract-amendments-archived'({ env, taskQueue, save }) {
    const handle = await env.client.workflow.start(contractWorkflow, {
      workflowId: `contract-${uniqueId('amended')}`,
      taskQueue,
      args: [{ contractId: 'amended', createdBy: 'sales-chen', terms: contractTerms({ servicePeriods: [{ kind: 'free', start: '2026-01-01', end: '2099-12-31' }] }) }],
    });
    // Past AMENDMENT_BOUNDS (15 kept at most): the oldest go to the archive.
    for (let index = 1; index <= 16; index += 1) {
      await handle.executeUpdate(amendContractUpdate, { args: [{ by: 'sales-chen', reason: `Revision ${index}`, changes: { freeTrainingSessionsPerYear: index } }] });
    }
    await env.sleep('1 minute');
    await save('contract-amendments-archived', handle, { running: true });
  },
  async 'audit-archived'({ env, start, save }) {
    const handle = await start(hotlineIntake({ preset: '000', severity: '3', rules: 2, ...silent }));
    // Past AUDIT_BOUNDS (192 kB of long reasons): the oldest page goes to the archive; then solved and confirmed.
    for (let index = 0; index < 40; index += 1) {
      await handle.executeUpdate(hotlineUpdates.pause, { args: [{ by, reason: `${index}: ${'Waiting for the server logs of the nightly export. '.repeat(100).slice(0, 4_900)}` }] });
      await handle.executeUpdate(hotlineUpdates.resume, { args: [{ by }] });
    }
    await handle.executeUpdate(hotlineUpdates.respond, { args: [{ by }] });
    await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by, solution: 'Rebuilt the report index' }] });
    await handle.executeUpdate(hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
    await env.sleep('1 minute');
    await save('hotline-audit-archived', handle);
  },
  async 'official-days'({ env, taskQueue, save }) {
    const handle = await env.client.workflow.start(officialDaysWorkflow, { workflowId: `official-days-${uniqueId('CN')}`, taskQueue, args: [{ region: 'CN' }] });
    await handle.executeUpdate(addYearUpdate, { args: [{ year: 2027, holidays: ['2027-01-01'], workingDays: [], by: 'ops-zhang', source: 'example' }] });
    await save('official-days', handle, { running: true });
  },
  async 'not-entitled'({ start, save }) {
    const handle = await start(
      hotlineIntake({
        problem: { description: 'How do I export?', type: 'operation', softwareVersion: '8.5.2', environment: 'Windows' },
        servicePeriods: [{ kind: 'free', start: '2020-01-01', end: '2021-01-01' }],
      }),
    );
    await save('hotline-not-entitled', handle);
  },
};

/** A remote case through its steps to the open port, against an echo server standing in for the customer's system. */
async function remoteToOpenPort(run: Run, remote: WorkflowHandle<typeof remoteWorkflow>, target: { host: string; port: number }): Promise<void> {
  const until = async (done: (state: RemoteCase) => boolean) => {
    while (!done(await remote.query(remoteStateQuery))) await new Promise((resolve) => setTimeout(resolve, 100));
  };
  await until((state) => state.awaiting.includes('agree-appointment'));
  await remote.executeUpdate(remoteUpdates['agree-appointment'], { args: [{ by, at: new Date(await run.env.currentTimeMs()).toISOString() }] });
  await remote.executeUpdate(remoteUpdates['state-scope'], { args: [{ by: 'customer', scope: 'The export job on db01' }] });
  const sealed = await run.worker.deps.remoteAccess.vault.seal(`${remote.workflowId}.login`, { username: 'ops', password: 'recorded-secret' });
  await remote.executeUpdate(remoteUpdates.authorise, { args: [{ by: 'customer', target, loginReference: sealed.reference, keyId: sealed.keyId }] });
  await remote.executeUpdate(remoteUpdates['report-backup'], { args: [{ by }] });
  await until((state) => state.awaiting.includes('report-work'));
}

async function withEchoServer(body: (target: { host: string; port: number }) => Promise<void>): Promise<void> {
  const echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  try {
    await body({ host: '127.0.0.1', port: (echo.address() as net.AddressInfo).port });
  } finally {
    echo.close();
  }
}

const remoteScenarios: Record<string, (run: Run) => Promise<void>> = {
  async 'transferred-to-remote'(run) {
    await withEchoServer(async (target) => {
      const intake = hotlineIntake({ preset: '000', severity: '2', ...silent });
      const hotline = await run.start(intake);
      await hotline.executeUpdate(hotlineUpdates.transfer, { args: [{ by: 'agent-li', to: 'remote', situation: 'The export fails only on the customer server' }] });
      const remote = run.env.client.workflow.getHandle<typeof remoteWorkflow>(`remote-${intake.caseId}`);
      await remoteToOpenPort(run, remote, target);
      await remote.executeUpdate(remoteUpdates['report-work'], { args: [{ by, outcome: 'done', workDone: 'Rebuilt the export index', patches: ['8.5.2-p3'] }] });
      const waitFor = async (action: string) => {
        while (!(await remote.query(remoteStateQuery)).awaiting.includes(action as never)) await new Promise((resolve) => setTimeout(resolve, 100));
      };
      await waitFor('confirm-resolution');
      await remote.executeUpdate(remoteUpdates['confirm-resolution'], { args: [{ by: 'customer' }] });
      await remote.executeUpdate(remoteUpdates['give-advice'], { args: [{ by, advice: 'Rebuild the index after each upgrade' }] });
      await waitFor('sign-confirmation');
      await remote.executeUpdate(remoteUpdates['sign-confirmation'], { args: [{ by: 'customer', method: 'online' }] });
      await run.save('remote-solved', remote);
      await hotline.executeUpdate(hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
      await run.save('hotline-transferred-remote', hotline);
    });
  },
  async 'remote-withdrawn'(run) {
    await withEchoServer(async (target) => {
      const caseId = uniqueId('case');
      const remote = await run.env.client.workflow.start(remoteWorkflow, {
        workflowId: `remote-${caseId}`,
        taskQueue: run.taskQueue,
        args: [
          {
            caseId,
            customer: { id: 'cust-1', name: '上海示例科技有限公司', email: 'it@example.cn' },
            timeZone: 'Asia/Shanghai',
            policy: presetPolicy('001', 'Asia/Shanghai'),
            severity: 'L2',
            reportedMs: await run.env.currentTimeMs(),
            openedBy: by,
            situation: 'The OA mail module hangs',
          },
        ],
      });
      await remoteToOpenPort(run, remote, target);
      await remote.executeUpdate(remoteUpdates.withdraw, { args: [{ by: 'customer', reason: 'Restored from our own backup' }] });
      await run.save('remote-withdrawn', remote);
    });
  },
  async 'remote-failed-then-on-site'(run) {
    await withEchoServer(async (target) => {
      const intake = hotlineIntake({ preset: '001', severity: 'L2', ...silent });
      const hotline = await run.start(intake);
      const handedOver = async (index: number) => {
        while ((await hotline.query(caseStateQuery)).handoffs?.[index]?.state !== 'running') await new Promise((resolve) => setTimeout(resolve, 100));
      };
      await hotline.executeUpdate(hotlineUpdates.transfer, { args: [{ by: 'agent-li', to: 'remote', situation: 'Terminals drop; look remotely first' }] });
      const remote = run.env.client.workflow.getHandle<typeof remoteWorkflow>(`remote-${intake.caseId}`);
      await remoteToOpenPort(run, remote, target);
      await remote.executeUpdate(remoteUpdates['report-work'], { args: [{ by, outcome: 'failed', workDone: 'The software is fine: a switch port drops packets', patches: [] }] });
      await run.save('remote-failed', remote);
      while ((await hotline.query(caseStateQuery)).handoffs?.[0]?.state !== 'failed') await new Promise((resolve) => setTimeout(resolve, 100));
      await hotline.executeUpdate(hotlineUpdates.transfer, {
        args: [{ by: 'agent-li', to: 'on-site', situation: 'Remote could not fix it: a switch port fails', site: { address: '北京市海淀区示例路 1 号', zone: 'city' } }],
      });
      await handedOver(1);
      const visit = run.env.client.workflow.getHandle<typeof onSiteWorkflow>(`onsite-${intake.caseId}`);
      const act = <T extends OnSiteActionType>(type: T, payload: OnSiteActionPayload<T>) => visit.executeUpdate(onSiteUpdates[type], { args: [payload] as [OnSiteActionPayload<T>] });
      const waitFor = async (action: OnSiteActionType) => {
        while (!(await visit.query(onSiteStateQuery)).awaiting.includes(action)) await new Promise((resolve) => setTimeout(resolve, 100));
      };
      await waitFor('agree-appointment');
      await act('agree-appointment', { by, at: new Date((await run.env.currentTimeMs()) + 3_600_000).toISOString() });
      await act('arrive', { by, identity: 'Staff card 0042', travelMinutes: 45 });
      await act('accept-identity', { by: 'customer' });
      await act('state-problem', { by: 'customer', problem: 'Terminals drop every few minutes' });
      await act('permit-backup', { by: 'customer' });
      await act('report-backup', { by });
      await act('report-diagnosis', { by, diagnosis: 'A failing port on the core switch' });
      await act('propose-solution', { by, solution: 'Replace the module' });
      await act('consent-solution', { by: 'customer' });
      await act('record-materials', { by, items: [{ name: 'SFP 光模块', quantity: 1, unit: 'pcs', unitPrice: 480 }] });
      await act('report-fix', { by, outcome: 'fixed', workDone: 'Module replaced' });
      await waitFor('report-system-check');
      await act('report-system-check', { by, result: 'All terminals connected' });
      await act('record-findings', { by, cause: 'Port hardware failure', prevention: 'Monitor port errors', solution: 'Module replaced' });
      await waitFor('confirm-resolution');
      await act('confirm-resolution', { by: 'customer' });
      await act('give-advice', { by, advice: 'Keep a spare module on site' });
      await waitFor('sign-work-order');
      await act('sign-work-order', { by: 'customer', method: 'online' });
      await waitFor('sign-materials-form');
      await act('sign-materials-form', { by: 'customer', method: 'online' });
      await run.save('on-site-solved', visit);
      while ((await hotline.query(caseStateQuery)).status !== 'solved') await new Promise((resolve) => setTimeout(resolve, 100));
      await hotline.executeUpdate(hotlineUpdates.confirm, { args: [{ by: 'customer' }] });
      await run.save('hotline-remote-failed-on-site', hotline);
    });
  },
  async 'on-site-rescheduled-withdrawn'(run) {
    const caseId = uniqueId('case');
    const visit = await run.env.client.workflow.start(onSiteWorkflow, {
      workflowId: `onsite-${caseId}`,
      taskQueue: run.taskQueue,
      args: [
        {
          caseId,
          customer: { id: 'cust-1', name: '上海示例科技有限公司', email: 'it@example.cn' },
          timeZone: 'Asia/Shanghai',
          policy: presetPolicy('002-hardware', 'Asia/Shanghai'),
          severity: 'B',
          reportedMs: await run.env.currentTimeMs(),
          openedBy: by,
          situation: 'Annual inspection of the storage array',
          site: { address: '上海市示例路 2 号', zone: 'city' },
          trigger: 'scheduled',
        },
      ],
    });
    const now = await run.env.currentTimeMs();
    await visit.executeUpdate(onSiteUpdates['agree-appointment'], { args: [{ by, at: new Date(now + 4 * 3_600_000).toISOString() }] });
    await visit.executeUpdate(onSiteUpdates.reschedule, { args: [{ by, at: new Date(now + 20 * 3_600_000).toISOString(), reason: 'The engineer is ill' }] });
    await run.env.sleep(25 * 3_600_000);
    await visit.executeUpdate(onSiteUpdates.withdraw, { args: [{ by: 'customer', reason: 'No longer needed' }] });
    await run.save('on-site-rescheduled-withdrawn', visit);
  },
};
Object.assign(scenarios, remoteScenarios);

async function record(name: string, scenario: (run: Run) => Promise<void>): Promise<void> {
  const env = await createTimeSkippingEnv();
  const worker = await startWorker(env, uniqueId(`record-${name}`), mkdtempSync(path.join(tmpdir(), 'aftercare-outbox-')));
  try {
    await scenario({
      env,
      taskQueue: worker.taskQueue,
      worker,
      async start(intake) {
        const reported = { ...intake, reportedAt: new Date(await env.currentTimeMs()).toISOString() };
        // Under rules 2 the API starts a case with its first search attributes; the recording does too.
        const typedSearchAttributes = reported.rules === undefined ? undefined : caseSearchAttributes(openingCase(reported), 'open');
        return env.client.workflow.start(hotlineWorkflow, { workflowId: `hotline-${intake.caseId}`, taskQueue: worker.taskQueue, args: [{ intake: reported }], typedSearchAttributes });
      },
      async save(file, handle, { running = false } = {}) {
        if (!running) await handle.result().catch(() => undefined);
        const history = await handle.fetchHistory();
        writeFileSync(path.join(HISTORIES, `${file}.json`), `${historyToJSON(history)}\n`);
        console.log(`${file}.json: ${history.events?.length ?? 0} events`);
      },
    });
  } finally {
    await worker.stop();
  }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in scenarios));
  if (unknown.length > 0) throw new Error(`Unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`);
  for (const [name, scenario] of Object.entries(scenarios)) {
    if (wanted.length === 0 || wanted.includes(name)) await record(name, scenario);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
