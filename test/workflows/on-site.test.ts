/**
 * On-site visits on the Java time-skipping test server with the real activities: the arrival
 * windows per preset, a reschedule that leaves the contractual deadline where it was, nothing
 * changed before the customer consents, the work order and materials form as signed PDFs, and the
 * hand-over from a hotline case whose remote maintenance failed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowFailedError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { BusinessCalendar } from '../../domain/calendar';
import type { HotlineCase } from '../../domain/hotline-case';
import type { OnSiteActionPayload, OnSiteActionType } from '../../domain/on-site-actions';
import type { OnSiteCase, OnSiteIntake } from '../../domain/on-site-case';
import { callBackWorkflowId } from '../../domain/products';
import { type PresetId, presetPolicy } from '../../domain/sla-policy';
import { hotlineWorkflow, onSiteWorkflow, remoteWorkflow } from '../../workflows';
import { caseStateQuery, hotlineUpdates } from '../../workflows/messages';
import { onSiteStateQuery, onSiteUpdates } from '../../workflows/on-site';
import { remoteStateQuery, remoteUpdates } from '../../workflows/remote';
import type { RemoteCase } from '../../domain/remote-case';
import { type RunningWorker, createTimeSkippingEnv, startWorker } from '../helpers/environments';
import { hotlineIntake, uniqueId } from '../helpers/fixtures';
import { inspectPdf } from '../helpers/pdf';

const pdfText = async (pdf: Buffer) => (await inspectPdf(pdf)).pages.join('\n');

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const taskQueue = uniqueId('on-site-tq');
const outbox = mkdtempSync(path.join(tmpdir(), 'aftercare-on-site-outbox-'));
let env: TestWorkflowEnvironment;
let worker: RunningWorker;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  worker = await startWorker(env, taskQueue, outbox);
});

afterAll(async () => {
  await worker?.stop();
});

const startedIds: string[] = [];
afterEach(async () => {
  await Promise.all(
    startedIds.splice(0).map((id) =>
      env.client.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => undefined),
    ),
  );
});

async function start(preset: PresetId = '001', overrides: Partial<OnSiteIntake> = {}) {
  const caseId = uniqueId('visit');
  const intake: OnSiteIntake = {
    caseId,
    customer: { id: 'cust-visit', name: '北京示例制造有限公司', email: 'it@example.cn' },
    timeZone: 'Asia/Shanghai',
    policy: presetPolicy(preset, 'Asia/Shanghai'),
    severity: preset === '001' ? 'L2' : preset === '002-hardware' ? 'A' : 'standard',
    reportedMs: await env.currentTimeMs(),
    openedBy: 'engineer-wang',
    situation: 'The production line terminals lose their connection to the MES server',
    site: { address: '北京市海淀区示例路 1 号', zone: 'city' },
    trigger: 'request',
    ...overrides,
  };
  startedIds.push(`onsite-${intake.caseId}`, callBackWorkflowId(intake.caseId, 1));
  return env.client.workflow.start(onSiteWorkflow, { workflowId: `onsite-${intake.caseId}`, taskQueue, args: [intake] });
}

type Handle = WorkflowHandle<typeof onSiteWorkflow>;

function act<T extends OnSiteActionType>(handle: Handle, type: T, payload: OnSiteActionPayload<T>) {
  return handle.executeUpdate(onSiteUpdates[type], { args: [payload] as [OnSiteActionPayload<T>] });
}

const stateOf = (handle: Handle): Promise<OnSiteCase> => handle.query(onSiteStateQuery);

async function waitFor(handle: Handle, done: (state: OnSiteCase) => boolean): Promise<OnSiteCase> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const state = await stateOf(handle);
    if (done(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the visit did not get there; it is at ${(await stateOf(handle)).step}`);
}

function updateFailure(error: unknown): ApplicationFailure {
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  return (error as WorkflowUpdateFailedError).cause as ApplicationFailure;
}

const arrivalWindow = (state: OnSiteCase) => state.windows.find((window) => window.metBy === 'arrival')!;

/** Appointment, arrival with the identity accepted, the problem, the backup with permission, the diagnosis. */
async function throughDiagnosis(handle: Handle) {
  await act(handle, 'agree-appointment', { by: 'engineer-wang', at: new Date((await env.currentTimeMs()) + 2 * HOUR).toISOString() });
  await act(handle, 'arrive', { by: 'engineer-wang', identity: 'Staff card 0042', travelMinutes: 45 });
  await act(handle, 'accept-identity', { by: 'customer-zhao' });
  await act(handle, 'state-problem', { by: 'customer-zhao', problem: 'Terminals drop every few minutes since Monday' });
  await act(handle, 'permit-backup', { by: 'customer-zhao' });
  await act(handle, 'report-backup', { by: 'engineer-wang', note: 'MES database and switch configuration saved' });
  await act(handle, 'report-diagnosis', { by: 'engineer-wang', diagnosis: 'A failing port on the core switch' });
}

async function consentAndFix(handle: Handle) {
  await act(handle, 'propose-solution', { by: 'engineer-wang', solution: 'Move the uplink to a spare port and replace the module' });
  await act(handle, 'consent-solution', { by: 'customer-zhao' });
  await act(handle, 'record-materials', { by: 'engineer-wang', items: [{ name: 'SFP 光模块 1000BASE-LX', quantity: 1, unit: 'pcs', unitPrice: 480 }] });
  await act(handle, 'report-fix', { by: 'engineer-wang', outcome: 'fixed', workDone: 'Uplink moved, module replaced' });
}

async function throughWorkOrder(handle: Handle) {
  await waitFor(handle, (state) => state.awaiting.includes('report-system-check'));
  await act(handle, 'report-system-check', { by: 'engineer-wang', result: 'All 40 terminals connected for 30 minutes, no drops' });
  await act(handle, 'record-findings', { by: 'engineer-wang', cause: 'Port hardware failure', prevention: 'Monitor port errors weekly', solution: 'Module replaced' });
  await waitFor(handle, (state) => state.awaiting.includes('confirm-resolution'));
  await act(handle, 'confirm-resolution', { by: 'customer-zhao' });
  await act(handle, 'give-advice', { by: 'engineer-wang', advice: 'Keep one spare module on site' });
  await waitFor(handle, (state) => state.awaiting.includes('sign-work-order'));
  await act(handle, 'sign-work-order', { by: 'customer-zhao', method: 'online' });
  await waitFor(handle, (state) => state.awaiting.includes('sign-materials-form'));
  await act(handle, 'sign-materials-form', { by: 'customer-zhao', method: 'online' });
}

describe('on-site visit', () => {
  // The tests that let server time pass come first, while nothing else runs on the server.
  it('records a reschedule told in advance with its reason, keeps the contractual arrival due instant, and breaches it when missed', async () => {
    const handle = await start('001');
    const opened = await stateOf(handle);
    const window = arrivalWindow(opened);
    // 001 city: 48 h, elapsed (C8).
    expect([window.calendar, window.budgetMs, window.dueMs! - opened.intakeMs]).toEqual(['24x7', 48 * HOUR, 48 * HOUR]);
    const now = await env.currentTimeMs();
    await act(handle, 'agree-appointment', { by: 'engineer-wang', at: new Date(now + 24 * HOUR).toISOString() });
    await act(handle, 'reschedule', { by: 'engineer-wang', at: new Date(now + 72 * HOUR).toISOString(), reason: 'The spare module arrives only on Thursday' });
    let state = await stateOf(handle);
    expect(state.reschedules).toEqual([expect.objectContaining({ reason: 'The spare module arrives only on Thursday', inAdvance: true, toMs: now + 72 * HOUR })]);
    expect(arrivalWindow(state).dueMs).toBe(window.dueMs);
    expect(state.outbox.map((email) => email.subject).concat(state.audit.map((entry) => entry.details ?? ''))).toEqual(expect.arrayContaining([expect.stringContaining('the visit moves to')]));

    await env.sleep(window.dueMs! - (await env.currentTimeMs()) + MINUTE);
    state = await waitFor(handle, (current) => current.breaches.length > 0);
    expect(state.breaches[0]).toMatchObject({ window: 'arrival', dueMs: window.dueMs });
    expect(state.tier).toBe(2);
  });

  it('opens the preset’s arrival window: 002 hardware A 1 h from the request, 001 elsewhere 3 working days on the on-site calendar, 001 L1 24 h', async () => {
    const reportedMs = (await env.currentTimeMs()) - 20 * MINUTE;
    const hardware = await stateOf(await start('002-hardware', { reportedMs }));
    expect([arrivalWindow(hardware).calendar, arrivalWindow(hardware).dueMs]).toEqual(['24x7', reportedMs + HOUR]);

    const elsewhere = await stateOf(await start('001', { site: { address: '河北省廊坊市示例路 9 号', zone: 'elsewhere' } }));
    const onSiteCalendar = new BusinessCalendar(presetPolicy('001').calendars['001-onsite']);
    expect(arrivalWindow(elsewhere)).toMatchObject({ calendar: '001-onsite', dueMs: onSiteCalendar.addWorkingTime(elsewhere.intakeMs, 27 * HOUR) });

    const systemDown = await stateOf(await start('001', { severity: 'L1' }));
    expect(arrivalWindow(systemDown).dueMs! - systemDown.intakeMs).toBe(24 * HOUR);
  });

  it('runs the ten steps in order, changes nothing before consent, and ends with the signed work order and materials form', async () => {
    const handle = await start('001');
    await throughDiagnosis(handle);
    // Nothing is changed before the customer consents (M004-19).
    await waitFor(handle, (state) => state.awaiting.includes('propose-solution'));
    const early = updateFailure(await act(handle, 'report-fix', { by: 'engineer-wang', outcome: 'fixed', workDone: 'Swapped the module' }).catch((error: unknown) => error));
    expect(early.type).toBe('InvalidState');
    expect(early.message).toContain('waits for propose-solution');
    await consentAndFix(handle);
    await throughWorkOrder(handle);
    const result = await handle.result();
    expect(result.outcome).toBe('solved');

    const state = await stateOf(handle);
    // E-mails and the call-back draw (R-003-5, by the case id) come between the steps.
    expect(state.audit.map((entry) => entry.type).filter((type) => !type.startsWith('email') && !type.startsWith('call-back'))).toEqual([
      'opened',
      'appointment-agreed',
      'arrived',
      'identity-accepted',
      'problem-stated',
      'backup-permitted',
      'backup-reported',
      'diagnosed',
      'solution-proposed',
      'solution-consented',
      'materials-recorded',
      'fixed',
      'system-checked',
      'findings-recorded',
      'resolution-confirmed',
      'advice-given',
      'work-order-produced',
      'work-order-signed',
      'materials-form-signed',
    ]);
    expect([state.step, state.stage, state.closeReason]).toEqual(['closed', 'closed', expect.any(String)]);
    expect(arrivalWindow(state).metMs).not.toBeNull();
    expect(state.workOrder).toMatchObject({ signedBy: 'customer-zhao', method: 'online' });
    const order = await worker.deps.documents.store.read(state.workOrder!.documentId);
    const text = await pdfText(order!.bytes);
    expect(text).toContain('客服维护工作单');
    expect(text).toContain('用户联');
    expect(text).toContain('北京示例制造有限公司');
    // 001: on-site service is paid and the customer pays travel (M001-1).
    expect(text).toMatch(/差旅 · Travel.*45 min.*billable/s);
    const form = await worker.deps.documents.store.read(state.materialsForm!.documentId);
    expect(await pdfText(form!.bytes)).toContain('工程材料增补单');
    expect(state.audit.find((entry) => entry.type === 'email-sent' && entry.details?.includes('your copy of the service work order'))).toBeDefined();
  });

  it('escalates a fault not fixable at once to the direct supervisor, and takes an expert consultation only once the service manager approves', async () => {
    const handle = await start('002-hardware', { severity: 'B' });
    await throughDiagnosis(handle);
    await act(handle, 'propose-solution', { by: 'engineer-wang', solution: 'Replace the controller board' });
    await act(handle, 'consent-solution', { by: 'customer-zhao' });
    await act(handle, 'report-fix', { by: 'engineer-wang', outcome: 'not-fixable', workDone: 'No spare controller board in stock; ordered, arrives in 2 days' });
    let state = await waitFor(handle, (current) => current.awaiting.includes('report-fix'));
    expect(state.tier).toBe(2);
    expect(state.audit.find((entry) => entry.type === 'escalated')?.details).toContain('Direct supervisor');
    expect(
      state.outbox
        .concat()
        .map((email) => email.subject)
        .join() + state.audit.map((entry) => entry.details).join(),
    ).toContain('cannot be fixed at once');

    await act(handle, 'request-consultation', { by: 'engineer-wang', expert: 'Storage expert Liu', reason: 'Controller errors point to firmware' });
    const early = updateFailure(await act(handle, 'report-fix', { by: 'engineer-wang', outcome: 'fixed', workDone: 'x' }).catch((error: unknown) => error));
    expect(early.message).toContain('approve-consultation');
    await act(handle, 'approve-consultation', { by: 'manager-sun' });
    await act(handle, 'report-fix', { by: 'engineer-wang', outcome: 'fixed', workDone: 'Board replaced, firmware updated' });
    state = await waitFor(handle, (current) => current.awaiting.includes('report-system-check'));
    expect(state.consultations).toEqual([expect.objectContaining({ expert: 'Storage expert Liu', approvedBy: 'manager-sun' })]);
  });

  it('sends the engineer back to the fix when the customer rejects the resolution, and declines a solution without changing anything', async () => {
    const handle = await start('001');
    await throughDiagnosis(handle);
    await act(handle, 'propose-solution', { by: 'engineer-wang', solution: 'Reinstall the MES client' });
    await act(handle, 'decline-solution', { by: 'customer-zhao', reason: 'Not during production' });
    let state = await waitFor(handle, (current) => current.awaiting.includes('propose-solution'));
    expect(state.proposals).toEqual([expect.objectContaining({ declined: 'Not during production' })]);
    await consentAndFix(handle);
    await waitFor(handle, (current) => current.awaiting.includes('report-system-check'));
    await act(handle, 'report-system-check', { by: 'engineer-wang', result: 'Looks fine' });
    await act(handle, 'record-findings', { by: 'engineer-wang', cause: 'Port', prevention: 'Monitor', solution: 'Module' });
    await waitFor(handle, (current) => current.awaiting.includes('reject-resolution'));
    await act(handle, 'reject-resolution', { by: 'customer-zhao', reason: 'Two terminals still drop' });
    state = await waitFor(handle, (current) => current.step === 'fix' && current.awaiting.includes('report-fix'));
    expect(state.audit.map((entry) => entry.type)).toContain('resolution-rejected');
    expect(state.stage).toBe('working');
  });

  it('sends the engineer back when the customer refuses the identity, and the visit is withdrawn at any step', async () => {
    const handle = await start('004', { servicePeriod: { kind: 'free', start: '2020-01-01', end: '2099-12-31' } });
    await act(handle, 'agree-appointment', { by: 'engineer-wang', at: new Date((await env.currentTimeMs()) + HOUR).toISOString() });
    await act(handle, 'arrive', { by: 'engineer-x', identity: 'No card', travelMinutes: 10 });
    await act(handle, 'refuse-identity', { by: 'customer-zhao', reason: 'Not on the visitor list' });
    let state = await waitFor(handle, (current) => current.awaiting.includes('arrive'));
    expect(state.refusedArrivals).toEqual([expect.objectContaining({ by: 'engineer-x', reason: 'Not on the visitor list' })]);
    expect(arrivalWindow(state)?.metMs ?? null).toBeNull();
    await act(handle, 'withdraw', { by: 'customer-zhao', reason: 'Solved it ourselves' });
    expect((await handle.result()).outcome).toBe('withdrawn');
    state = await stateOf(handle);
    expect([state.step, state.stage]).toEqual(['closed', 'closed']);
  });

  it('tells the hotline case the visit was withdrawn when an operator cancels it', async () => {
    const intake = { ...hotlineIntake({ preset: '004', severity: 'standard' }), reportedAt: new Date(await env.currentTimeMs()).toISOString() };
    const hotlineId = `hotline-${intake.caseId}`;
    startedIds.push(hotlineId, `onsite-${intake.caseId}`);
    const hotline = await env.client.workflow.start(hotlineWorkflow, { workflowId: hotlineId, taskQueue, args: [{ intake }] });
    await hotline.executeUpdate(hotlineUpdates.transfer, { args: [{ by: 'agent-li', to: 'on-site', situation: 'Printer server down', site: { address: '上海市示例路 2 号', zone: 'city' } }] });
    const visit = env.client.workflow.getHandle<typeof onSiteWorkflow>(`onsite-${intake.caseId}`);
    for (
      let attempt = 0;
      attempt < 100 &&
      !(await visit.describe().then(
        () => true,
        () => false,
      ));
      attempt += 1
    )
      await new Promise((resolve) => setTimeout(resolve, 100));
    await throughDiagnosis(visit);
    await visit.cancel();
    await expect(visit.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    let handoff = ((await hotline.query(caseStateQuery)) as HotlineCase).handoffs?.[0];
    for (let attempt = 0; attempt < 100 && handoff?.state !== 'withdrawn'; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      handoff = ((await hotline.query(caseStateQuery)) as HotlineCase).handoffs?.[0];
    }
    expect(handoff?.state).toBe('withdrawn');
    // Free inside the service period (004): the visit's record says so.
    expect((await stateOf(visit)).servicePeriod).toMatchObject({ kind: 'free' });
  });

  it('fails with InvalidIntake when the policy offers no visit for the purpose (000: during deployment only)', async () => {
    const handle = await start('000', { severity: '2' });
    const failure = await handle.result().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(((failure as WorkflowFailedError).cause as ApplicationFailure).message).toContain('only during deployment');
    const deployment = await start('000', { severity: '2', purpose: 'deployment' });
    expect((await stateOf(deployment)).billing).toBe('deployment-only');
  });

  it('follows a remote case that ended without a fix: the hotline case goes to remote, then on site, and the visit’s solution returns to the case', async () => {
    const intake = { ...hotlineIntake({ preset: '001', severity: 'L2' }), reportedAt: new Date(await env.currentTimeMs()).toISOString() };
    const hotlineId = `hotline-${intake.caseId}`;
    startedIds.push(hotlineId, `remote-${intake.caseId}`, `onsite-${intake.caseId}`, callBackWorkflowId(intake.caseId, 1));
    const hotline = await env.client.workflow.start(hotlineWorkflow, { workflowId: hotlineId, taskQueue, args: [{ intake }] });
    const caseNow = () => hotline.query(caseStateQuery) as Promise<HotlineCase>;
    const until = async (done: (state: HotlineCase) => boolean) => {
      for (let attempt = 0; attempt < 100 && !done(await caseNow()); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      return caseNow();
    };
    const refused = await hotline
      .executeUpdate(hotlineUpdates.transfer, { args: [{ by: 'agent-li', to: 'on-site', situation: 'Needs a visit' }] })
      .catch((error: unknown) => updateFailure(error));
    expect((refused as ApplicationFailure).message).toContain('names the site');

    await hotline.executeUpdate(hotlineUpdates.transfer, { args: [{ by: 'agent-li', to: 'remote', situation: 'Terminals drop; look remotely first' }] });
    await until((current) => current.handoffs?.[0]?.state === 'running');
    const remote = env.client.workflow.getHandle<typeof remoteWorkflow>(`remote-${intake.caseId}`);
    await remote.executeUpdate(remoteUpdates['agree-appointment'], { args: [{ by: 'engineer-wang', at: new Date((await env.currentTimeMs()) + HOUR).toISOString() }] });
    await remote.executeUpdate(remoteUpdates.withdraw, { args: [{ by: 'engineer-wang', reason: 'The fault is in the hardware: it needs a visit' }] });
    expect((await remote.result()).outcome).toBe('withdrawn');
    expect(((await remote.query(remoteStateQuery)) as RemoteCase).step).toBe('closed');
    await until((current) => current.handoffs?.[0]?.state === 'withdrawn');

    await hotline.executeUpdate(hotlineUpdates.transfer, {
      args: [{ by: 'agent-li', to: 'on-site', situation: 'Remote could not fix it: a switch port fails', site: { address: '北京市海淀区示例路 1 号', zone: 'city' } }],
    });
    let state = await until((current) => current.handoffs?.[1]?.state === 'running');
    expect(state.handoffs?.[1]).toMatchObject({ to: 'on-site', workflowId: `onsite-${intake.caseId}` });
    const visit = env.client.workflow.getHandle<typeof onSiteWorkflow>(`onsite-${intake.caseId}`);
    const opened = await stateOf(visit);
    expect(opened).toMatchObject({ trigger: 'transfer', parent: { workflowId: hotlineId } });
    // 001: the hotline owns the response window; the visit opens its own arrival window.
    expect(opened.windows.map((window) => window.name)).toEqual(['arrival']);
    await throughDiagnosis(visit);
    state = await until((current) => current.handoffs?.[1]?.state === 'accepted');
    expect(state.owner).toBe('engineer-wang');
    await consentAndFix(visit);
    await throughWorkOrder(visit);
    expect((await visit.result()).outcome).toBe('solved');
    state = await until((current) => current.handoffs?.[1]?.state === 'solved');
    expect(state.status).toBe('solved');
    expect(state.solution?.text).toBe('Uplink moved, module replaced');
  });

  it('gives the hotline’s one 002 software C window 24 h once the case goes on site and meets it by the arrival (R-002-1), opening no second one', async () => {
    const intake = { ...hotlineIntake({ preset: '002-software', severity: 'C' }), reportedAt: new Date(await env.currentTimeMs()).toISOString() };
    const hotlineId = `hotline-${intake.caseId}`;
    startedIds.push(hotlineId, `onsite-${intake.caseId}`);
    const hotline = await env.client.workflow.start(hotlineWorkflow, { workflowId: hotlineId, taskQueue, args: [{ intake }] });
    await hotline.executeUpdate(hotlineUpdates.transfer, {
      args: [{ by: 'agent-li', to: 'on-site', situation: 'The server does not boot', site: { address: '上海市示例路 2 号', zone: 'city' } }],
    });
    const visit = env.client.workflow.getHandle<typeof onSiteWorkflow>(`onsite-${intake.caseId}`);
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if (
        await visit.describe().then(
          () => true,
          () => false,
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await stateOf(visit)).windows).toEqual([]);
    // Remote work within 12 h, or on site within 24 h: going on site gives the one window 24 h from its start.
    const extended = ((await hotline.query(caseStateQuery)) as HotlineCase).windows[0];
    expect([extended.budgetMs, extended.dueMs! - extended.runningSinceMs!]).toEqual([24 * HOUR, 24 * HOUR]);
    await act(visit, 'agree-appointment', { by: 'engineer-wang', at: new Date((await env.currentTimeMs()) + HOUR).toISOString() });
    await act(visit, 'arrive', { by: 'engineer-wang', identity: 'Staff card 0042', travelMinutes: 30 });
    await act(visit, 'accept-identity', { by: 'customer-zhao' });
    let window = ((await hotline.query(caseStateQuery)) as HotlineCase).windows[0];
    for (let attempt = 0; attempt < 100 && window.metMs === null; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      window = ((await hotline.query(caseStateQuery)) as HotlineCase).windows[0];
    }
    expect(window).toMatchObject({ name: 'remote-start' });
    expect(window.metMs).not.toBeNull();
  });
});
