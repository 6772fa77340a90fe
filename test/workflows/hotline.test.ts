/**
 * Hotline case on the Java time-skipping test server: a month passes in a moment.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { outboxKeyOf } from '../../activities/notify';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CalendarSpec, Weekday } from '../../domain/calendar';
import type { HotlineCase, HotlineIntake } from '../../domain/hotline-case';
import { callBackWorkflowId } from '../../domain/products';
import { hotlineWorkflow } from '../../workflows';
import { caseStateQuery, hotlineSignals, hotlineUpdates } from '../../workflows/messages';
import { type RunningWorker, createTimeSkippingEnv, startWorker } from '../helpers/environments';
import { presetPolicy } from '../../domain/sla-policy';
import { actAndRead, hotlineIntake, uniqueId } from '../helpers/fixtures';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const taskQueue = uniqueId('hotline-tq');
const outbox = mkdtempSync(path.join(tmpdir(), 'aftercare-outbox-'));
let env: TestWorkflowEnvironment;
let worker: RunningWorker;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  worker = await startWorker(env, taskQueue, outbox);
});

afterAll(() => worker?.stop());

const startedIds: string[] = [];

/** Starts a case reported "now" on the server's clock, which earlier sleeps have moved ahead. */
async function start(intake: HotlineIntake) {
  startedIds.push(`hotline-${intake.caseId}`, callBackWorkflowId(intake.caseId, 1));
  const reported = { ...intake, reportedAt: new Date(await env.currentTimeMs()).toISOString() };
  return env.client.workflow.start(hotlineWorkflow, { workflowId: `hotline-${intake.caseId}`, taskQueue, args: [{ intake: reported }] });
}

// Every open case keeps timers; left running they make later tests skip through all of them.
afterEach(async () => {
  const ids = startedIds.splice(0);
  await Promise.all(
    ids.map((id) =>
      env.client.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => undefined),
    ),
  );
});

async function stateOf(handle: Awaited<ReturnType<typeof start>>): Promise<HotlineCase> {
  return handle.query(caseStateQuery);
}

/**
 * Call-backs are covered in satisfaction-call-back.test.ts, one server each: the Java test server
 * stops skipping time once a parent that started a child has closed (sdk-java#1618).
 */
const withoutCallBack = { closing: { callBackSampleRate: 0 } };

function windowNamed(state: HotlineCase, name: string) {
  const window = state.windows.find((candidate) => candidate.name === name && !candidate.superseded);
  if (!window) throw new Error(`no live window ${name}`);
  return window;
}

test('arms the response and diagnosis windows of preset 000 level 1 at the report (30 min / 4 h, 24×7)', async () => {
  const handle = await start(hotlineIntake({ preset: '000', severity: '1' }));
  const state = await stateOf(handle);
  expect(windowNamed(state, 'response').dueMs).toBe(state.reportedMs + 30 * MINUTE);
  expect(windowNamed(state, 'diagnosis').dueMs).toBe(state.reportedMs + 4 * HOUR);
  expect(state.status).toBe('open');
  expect(state.entitlement.decision).toBe('covered');
});

test('records a response breach at its due instant and escalates to tier 2', async () => {
  const handle = await start(hotlineIntake({ preset: '004', severity: 'standard' }));
  await env.sleep(31 * MINUTE);
  const state = await stateOf(handle);
  expect(state.breaches).toHaveLength(1);
  expect(state.breaches[0]).toMatchObject({ window: 'response', level: 'standard', dueMs: state.reportedMs + 30 * MINUTE });
  expect(state.breaches[0].recordedMs).toBeGreaterThanOrEqual(state.breaches[0].dueMs);
  expect(state.tier).toBe(2);
  expect(state.audit.map((entry) => entry.type)).toEqual(expect.arrayContaining(['breached', 'escalated']));
});

test('escalates tier 1 → 2 → 3 as the response and restore windows of preset 004 pass unsolved', async () => {
  const handle = await start(hotlineIntake({ preset: '004', severity: 'standard' }));
  await env.sleep(31 * MINUTE);
  expect((await stateOf(handle)).tier).toBe(2);
  await env.sleep(90 * MINUTE);
  const state = await stateOf(handle);
  expect(state.tier).toBe(3);
  expect(state.breaches.map((breach) => breach.window)).toEqual(['response', 'restore']);
  expect(state.breaches[1].dueMs).toBe(state.reportedMs + 2 * HOUR);
});

test('a response before the due instant meets the window and records no breach', async () => {
  const handle = await start(hotlineIntake({ preset: '000', severity: '1' }));
  await env.sleep(10 * MINUTE);
  const state = await actAndRead(handle, hotlineUpdates.respond, { args: [{ by: 'engineer-wang' }] });
  expect(state.status).toBe('in-progress');
  expect(windowNamed(state, 'response').metMs).not.toBeNull();
  await env.sleep(30 * MINUTE);
  expect((await stateOf(handle)).breaches).toEqual([]);
});

test('a pause while waiting on the customer stops the clock; resume continues with the time left', async () => {
  const handle = await start(hotlineIntake({ preset: '004', severity: 'standard' }));
  await env.sleep(10 * MINUTE);
  await handle.executeUpdate(hotlineUpdates.pause, { args: [{ by: 'engineer-wang', reason: 'Awaiting database upload' }] });
  await env.sleep(3 * HOUR);
  const paused = await stateOf(handle);
  expect(paused.breaches).toEqual([]);
  expect(windowNamed(paused, 'response').dueMs).toBeNull();
  const resumed = await actAndRead(handle, hotlineUpdates.resume, { args: [{ by: 'customer' }] });
  const response = windowNamed(resumed, 'response');
  expect(response.consumedMs).toBeGreaterThanOrEqual(10 * MINUTE);
  expect(response.dueMs! - response.runningSinceMs!).toBe(30 * MINUTE - response.consumedMs);
  expect(resumed.pauses).toHaveLength(1);
});

test('002 software: an upgrade restarts the open windows at the moment of reclassification (R-002-2)', async () => {
  const handle = await start(hotlineIntake({ preset: '002-software', severity: 'B' }));
  await env.sleep(40 * MINUTE);
  const state = await actAndRead(handle, hotlineUpdates['change-severity'], { args: [{ by: 'engineer-wang', severity: 'C' }] });
  const window = windowNamed(state, 'remote-start');
  expect(state.severity).toBe('C');
  expect(window.dueMs).toBe(window.runningSinceMs! + 12 * HOUR);
  expect(window.runningSinceMs).toBeGreaterThanOrEqual(state.reportedMs + 40 * MINUTE);
  expect(state.breaches).toEqual([]);
});

test('000: an upgrade after 40 minutes carries the time used and is not breached by the change itself (D-7)', async () => {
  const handle = await start(hotlineIntake({ preset: '000', severity: '3' }));
  await env.sleep(40 * MINUTE);
  const state = await actAndRead(handle, hotlineUpdates['change-severity'], { args: [{ by: 'engineer-wang', severity: '1' }] });
  const response = windowNamed(state, 'response');
  expect(response.level).toBe('1');
  // Level 1 owes its 30 minutes from the report; they had passed, so the old due instant (60 min) stands.
  expect(response.dueMs).toBe(state.reportedMs + HOUR);
  expect(state.breaches).toEqual([]);
});

test('rejects actions the state does not allow, synchronously and without touching the case', async () => {
  const handle = await start(hotlineIntake());
  const before = await stateOf(handle);
  const failure = await actAndRead(handle, hotlineUpdates.confirm, { args: [{ by: 'customer' }] }).catch((error) => error);
  expect(failure).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((failure.cause as ApplicationFailure).type).toBe('InvalidState');
  const after = await stateOf(handle);
  expect(after.audit).toEqual(before.audit);
});

test('refuses a transfer to on-site under preset 000, which offers visits only during deployment', async () => {
  const handle = await start(hotlineIntake());
  const site = { address: 'Room 1', zone: 'city' as const };
  const failure = await handle.executeUpdate(hotlineUpdates.transfer, { args: [{ by: 'engineer-wang', to: 'on-site', situation: 'Disk array fails', site }] }).catch((error) => error);
  expect((failure.cause as ApplicationFailure).type).toBe('TransferUnavailable');
  expect((failure.cause as ApplicationFailure).message).toMatch(/only during deployment/);
});

test('a signal in the wrong state is kept on the record as ignored', async () => {
  const handle = await start(hotlineIntake());
  await handle.signal(hotlineSignals.reopen, { by: 'customer', reason: 'still broken' });
  const state = await stateOf(handle);
  expect(state.status).toBe('open');
  expect(state.audit.at(-1)).toMatchObject({ type: 'ignored', by: 'customer' });
});

test('auto-closes one month after the solution when the customer is silent, and e-mails the customer', async () => {
  const intake = hotlineIntake(withoutCallBack);
  const handle = await start(intake);
  await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by: 'engineer-wang', solution: 'Patched' }] });
  await env.sleep('32 days');
  const state = await stateOf(handle);
  expect(state.status).toBe('auto-closed');
  expect(state.audit.map((entry) => entry.type)).toContain('email-sent');
  const mail = readdirSync(outbox).find((file) => file.includes(intake.caseId));
  expect(mail).toBeDefined();
  const text = readFileSync(path.join(outbox, mail!), 'utf8');
  expect(text).toContain('To: it@acme.example');
  expect(text).toContain(`Subject: Case ${intake.caseId} closed automatically`);
});

test('a reopen within a month of the automatic close puts the case back in progress with a fresh window', async () => {
  const handle = await start(hotlineIntake(withoutCallBack));
  await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by: 'engineer-wang', solution: 'Patched' }] });
  await env.sleep('32 days');
  const reopened = await actAndRead(handle, hotlineUpdates.reopen, { args: [{ by: 'customer', reason: 'It failed again' }] });
  expect(reopened.status).toBe('in-progress');
  const diagnosis = windowNamed(reopened, 'diagnosis');
  expect(diagnosis.metMs).toBeNull();
  expect(diagnosis.dueMs! - diagnosis.runningSinceMs!).toBe(4 * HOUR);
});

test('finally closes when not reopened within a month of the automatic close', async () => {
  const handle = await start(hotlineIntake(withoutCallBack));
  await handle.executeUpdate(hotlineUpdates['provide-solution'], { args: [{ by: 'engineer-wang', solution: 'Patched' }] });
  const result = await handle.result();
  expect(result.status).toBe('closed');
  expect(result.closeReason).toMatch(/Not reopened within 1 month/);
  const late = await actAndRead(handle, hotlineUpdates.reopen, { args: [{ by: 'customer', reason: 'again' }] }).catch((error) => error);
  expect(late).toBeInstanceOf(Error);
});

test('a case outside every service period is refused with the reason (not entitled)', async () => {
  const intake = hotlineIntake({
    problem: { description: 'How do I export?', type: 'operation', softwareVersion: '8.5.2', environment: 'Windows' },
    servicePeriods: [{ kind: 'free', start: '2020-01-01', end: '2021-01-01' }],
  });
  const handle = await start(intake);
  const failure = await handle.result().catch((error) => error);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  expect((failure.cause as ApplicationFailure).type).toBe('NotEntitled');
  expect((failure.cause as ApplicationFailure).message).toContain('2021-01-01');
});

describe('pre-breach warnings and breach notices', () => {
  const officeHoursOn = (weekday: Weekday): CalendarSpec => ({ timeZone: 'Asia/Shanghai', weekly: { [weekday]: [['09:00', '10:00']] } });
  const mailsOf = (caseId: string, kind: string) => readdirSync(outbox).filter((file) => (outboxKeyOf(file) ?? '').includes(`${caseId}/${kind}/`));

  test('warns at 80 % of the window and notifies the breach at once under a 24×7 policy', async () => {
    const intake = hotlineIntake({
      preset: '000',
      severity: '1',
      notices: { to: ['desk@vendor.example'], warnAtPercent: 80, outsideWorkingTime: 'at-once', officeHours: officeHoursOn('sun') },
    });
    const handle = await start(intake);
    await env.sleep(23 * MINUTE);
    expect(mailsOf(intake.caseId, 'warning')).toEqual([]);
    await env.sleep(2 * MINUTE);
    const warned = await stateOf(handle);
    expect(warned.audit.filter((entry) => entry.type === 'warned').map((entry) => entry.details)).toEqual(['Response window (level 1)']);
    // 80 % of 30 minutes, recorded when the timer fires (the worker's task may start a moment later).
    const warnedAfter = warned.audit.find((entry) => entry.type === 'warned')!.atMs - warned.reportedMs;
    expect(warnedAfter).toBeGreaterThanOrEqual(24 * MINUTE);
    expect(warnedAfter).toBeLessThan(24 * MINUTE + 5_000);
    expect(mailsOf(intake.caseId, 'warning')).toHaveLength(1);
    await env.sleep(6 * MINUTE);
    const breached = await stateOf(handle);
    expect(breached.audit.map((entry) => entry.type)).toContain('breach-notified');
    const [breachMail] = mailsOf(intake.caseId, 'breach');
    expect(readFileSync(path.join(outbox, breachMail), 'utf8')).toMatch(/Subject: Case .* Response window \(level 1\) breached/);
  });

  test('a notice outside office hours waits for their next instant when the contract says so', async () => {
    const nowMs = await env.currentTimeMs();
    // Office hours only on the day after tomorrow (Shanghai), 09:00–10:00: now is surely outside.
    const dayAfterTomorrow = new Date(nowMs + 8 * HOUR + 2 * 24 * HOUR);
    const weekday = (['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const)[dayAfterTomorrow.getUTCDay()];
    const intake = hotlineIntake({
      preset: '000',
      severity: '1',
      notices: { to: ['desk@vendor.example'], outsideWorkingTime: 'next-working-instant', officeHours: officeHoursOn(weekday) },
    });
    const handle = await start(intake);
    await env.sleep(31 * MINUTE);
    const held = await stateOf(handle);
    expect(held.breaches).toHaveLength(1);
    expect(held.audit.find((entry) => entry.type === 'breach-notified')!.details).toContain('held until');
    expect(mailsOf(intake.caseId, 'breach')).toEqual([]);
    await env.sleep('3 days');
    // The response breach (window 0) and, four hours in, the diagnosis breach: both held, both sent.
    expect(mailsOf(intake.caseId, 'breach/0')).toHaveLength(1);
    const sent = (await stateOf(handle)).audit.find((entry) => entry.type === 'email-sent' && entry.details!.includes('Response window (level 1) breached'))!;
    const local = new Date(sent.atMs + 8 * HOUR);
    expect([local.getUTCDate(), local.getUTCHours()]).toEqual([dayAfterTomorrow.getUTCDate(), 9]);
  });
});

test('an engineer escalates with a reason; the tier change is recorded with who, why and when (D-9)', async () => {
  // A contract's own time at tier 2: two hours (the default is a day).
  const handle = await start(hotlineIntake({ severity: 'complex', policy: { ...presetPolicy('004'), minutesAtTier: [24 * 60, 2 * 60] } }));
  await handle.executeUpdate(hotlineUpdates.respond, { args: [{ by: 'engineer-wang' }] });
  const state = await actAndRead(handle, hotlineUpdates.escalate, { args: [{ by: 'engineer-wang', reason: 'Needs the service consultant' }] });
  expect(state.tier).toBe(2);
  expect(state.tierChanges).toEqual([expect.objectContaining({ from: 1, to: 2, cause: 'engineer', by: 'engineer-wang', reason: 'Needs the service consultant' })]);
  // Tier 2's own time runs from the change: unsolved past it, the case moves up again.
  await env.sleep(2 * HOUR + MINUTE);
  const later = await stateOf(handle);
  expect(later.tier).toBe(3);
  expect(later.tierChanges!.map((change) => change.cause)).toEqual(['engineer', 'time-at-tier']);
});

test('a signal the action schema rejects is recorded as ignored; a case opened under rules 1 takes it as it always did', async () => {
  const current = await start(hotlineIntake({ preset: '004', severity: 'standard' }));
  const first = await start(hotlineIntake({ preset: '004', severity: 'standard', rules: undefined }));
  for (const handle of [current, first]) await handle.signal(hotlineSignals.pause, { by: 'ops-web-ui' } as never);
  const ignored = await stateOf(current);
  expect(ignored.paused).toBe(false);
  expect(ignored.audit.at(-1)).toMatchObject({ type: 'ignored', by: 'ops-web-ui', details: expect.stringContaining('reason') });
  expect((await stateOf(first)).paused).toBe(true);
});

test('an input that trips the case up where no check foresaw it (a contract policy sent past the API, its calendar without working time) is recorded on the case and undone; the case keeps running', async () => {
  const handle = await start(hotlineIntake({ severity: '2' }));
  const before = await stateOf(handle);
  const policy = presetPolicy('000', 'Asia/Shanghai');
  // One minute of working time, in 2020: the schema takes it, no due instant can be found on it.
  const barren = { timeZone: 'Asia/Shanghai', weekly: {}, extraWorkingDays: ['2020-01-02'], extraWorkingDayHours: [['09:00', '09:01']] as [string, string][] };
  const unusable = { ...policy, id: 'barren', calendars: Object.fromEntries(Object.keys(policy.calendars).map((name) => [name, barren])) };
  const failure = await handle
    .executeUpdate(hotlineUpdates['apply-contract'], { args: [{ by: 'ops-cli', contract: { id: 'contract-x', version: 2 }, policy: unusable }] })
    .catch((error) => error);
  expect(failure).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((failure.cause as ApplicationFailure).type).toBe('UnexpectedInput');
  const after = await stateOf(handle);
  expect(after.policy).toEqual(before.policy);
  expect(after.windows).toEqual(before.windows);
  expect(after.audit.at(-1)).toMatchObject({ type: 'unexpected-input', by: 'ops-cli', details: expect.stringMatching(/apply-contract.*working time/) });
  // The case still takes actions and runs: its response window breaches at its due instant.
  expect((await actAndRead(handle, hotlineUpdates['change-severity'], { args: [{ by: 'engineer-wang', severity: '1' }] })).severity).toBe('1');
  const dueMs = (await stateOf(handle)).windows.find((window) => window.name === 'response' && !window.superseded)!.dueMs!;
  await env.sleep(dueMs - (await env.currentTimeMs()) + MINUTE);
  expect((await stateOf(handle)).breaches).toEqual([expect.objectContaining({ window: 'response' })]);
});
