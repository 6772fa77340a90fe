/**
 * The hotline case as a pure state machine (clocks D-1, reclassification D-6/D-7, escalation D-9,
 * waiting M004-7/D-8, closing and reopening R-001-8/D-23). Every instant is fixed; nothing reads the clock.
 */
import {
  HOTLINE_ACTION_TYPES,
  SPOT_CHECK_RATE,
  type HotlineAction,
  type HotlineCase,
  type HotlineIntake,
  type HotlineStatus,
  NotEntitledError,
  applyAction,
  applyTime,
  createHotlineCase,
  isSampledForCallBack,
  nextDeadline,
  refusalOf,
} from '../../domain/hotline-case';
import { parseAction } from '../../domain/hotline-actions';
import { type PresetId, presetPolicy } from '../../domain/sla-policy';
import { PolicyCalendars, type SlaWindow } from '../../domain/sla-windows';
import { ZoneOffsets, formatInstant } from '../../domain/time-zone';

const MIN = 60_000;
const HOUR = 60 * MIN;
const shanghai = new ZoneOffsets('Asia/Shanghai');

/** Shanghai wall-clock time as epoch ms: at('2025-06-10 10:00'). */
function at(local: string): number {
  return Date.parse(`${local.replace(' ', 'T')}:00+08:00`);
}
function show(utcMs: number | null): string | null {
  return utcMs === null ? null : formatInstant(utcMs, shanghai);
}

/** Tuesday 2025-06-10 10:00 in Shanghai. */
const T0 = at('2025-06-10 10:00');

function intake(preset: PresetId, severity: string, overrides: Partial<HotlineIntake> = {}): HotlineIntake {
  return {
    caseId: `case-${preset}-${severity}`,
    customer: { id: 'cust-1', name: 'Acme Ltd', email: 'it@acme.example' },
    problem: { description: 'Reports page fails to load', type: 'operation', softwareVersion: '8.5.2', environment: 'CentOS 7, Oracle 19c' },
    severity,
    reportedAt: new Date(T0).toISOString(),
    timeZone: 'Asia/Shanghai',
    policy: presetPolicy(preset),
    servicePeriods: [{ kind: 'free', start: '2025-01-01', end: '2026-12-31' }],
    openedBy: 'agent-li',
    // Submitted through the customer community, the channel whose cases close themselves (R-001-8).
    channel: 'community',
    ...overrides,
  };
}

function openCase(preset: PresetId, severity: string, overrides: Partial<HotlineIntake> = {}, nowMs = T0) {
  const input = intake(preset, severity, overrides);
  const calendars = new PolicyCalendars(input.policy);
  const state = createHotlineCase(input, nowMs, calendars);
  /** Applies an action the rules allow (failing the test if they do not). */
  const act = (action: HotlineAction, atMs: number) => {
    expect(refusalOf(state, action)).toBeNull();
    applyAction(state, action, atMs, calendars);
  };
  const tick = (atMs: number) => applyTime(state, atMs, calendars);
  return { state, calendars, act, tick };
}

/** The windows still owed (not superseded), by name. */
function live(state: HotlineCase): Record<string, SlaWindow> {
  return Object.fromEntries(state.windows.filter((window) => !window.superseded).map((window) => [window.name, window]));
}
function dueOf(state: HotlineCase, name: string): string | null {
  return show(live(state)[name].dueMs);
}

const respond: HotlineAction = { type: 'respond', by: 'agent-li' };
const solve = (by = 'agent-li'): HotlineAction => ({ type: 'provide-solution', by, solution: 'Rebuilt the report index' });
const pause: HotlineAction = { type: 'pause', by: 'agent-li', reason: 'Waiting for the customer’s backup (001)' };
const resume: HotlineAction = { type: 'resume', by: 'agent-li' };
const escalate = (reason: string): HotlineAction => ({ type: 'escalate', by: 'agent-li', reason });
const outcome = (kind: 'memo' | 'unresolvable' | 'out-of-scope' | 'suggestion' | 'change-request'): HotlineAction => ({
  type: 'record-outcome',
  by: 'manager-zhao',
  outcome: kind,
  text: `Recorded as ${kind}`,
});
const confirm: HotlineAction = { type: 'confirm', by: 'customer' };
const reopen: HotlineAction = { type: 'reopen', by: 'customer', reason: 'It failed again' };
const severity = (level: string): HotlineAction => ({ type: 'change-severity', by: 'agent-wang', severity: level });
const applyContract = (version: number, severityId?: string): HotlineAction => ({
  type: 'apply-contract',
  by: 'ops-liu',
  contract: { id: 'acme', version },
  policy: presetPolicy('004'),
  ...(severityId && { severity: severityId }),
});

describe('intake', () => {
  test('counts from when the report was received, not from intake (an e-mail that arrived overnight)', () => {
    const { state } = openCase('000', '1', { reportedAt: new Date(T0 - 20 * MIN).toISOString() });
    expect(state.reportedMs).toBe(T0 - 20 * MIN);
    expect(state.intakeMs).toBe(T0);
    expect(dueOf(state, 'response')).toBe('2025-06-10T10:10:00+08:00');
    expect(dueOf(state, 'diagnosis')).toBe('2025-06-10T13:40:00+08:00');
    expect(state).toMatchObject({ status: 'open', tier: 2, owner: 'agent-li', paused: false, breaches: [], outbox: [] });
    expect(state.audit).toEqual([{ atMs: T0, type: 'opened', by: 'agent-li', details: expect.stringContaining('covered') }]);
  });

  test('a report time in the future is taken as the intake instant', () => {
    const { state } = openCase('000', '1', { reportedAt: new Date(T0 + 2 * HOUR).toISOString() });
    expect(state.reportedMs).toBe(T0);
    expect(dueOf(state, 'response')).toBe('2025-06-10T10:30:00+08:00');
  });

  test('002 software keeps both the report time and the later clock start (D-17)', () => {
    const { state } = openCase('002-software', 'A', { reportedAt: new Date(at('2025-06-13 20:00')).toISOString() }, at('2025-06-13 20:05'));
    expect(show(state.reportedMs)).toBe('2025-06-13T20:00:00+08:00');
    expect(show(state.clockStartMs)).toBe('2025-06-16T09:00:00+08:00');
    expect(dueOf(state, 'resolution')).toBe('2025-06-16T21:00:00+08:00');
  });

  test('an unknown severity is rejected', () => {
    expect(() => openCase('000', '9')).toThrow(/no severity "9"/);
  });

  test('outside the service period the case is refused, unless paid work is requested (R-001-1, D-10)', () => {
    const late = { reportedAt: '2027-01-05T02:00:00.000Z' };
    expect(() => openCase('000', '1', late, Date.parse(late.reportedAt))).toThrow(NotEntitledError);
    const { state } = openCase('000', '1', { ...late, paidWorkRequested: true }, Date.parse(late.reportedAt));
    expect(state.entitlement.decision).toBe('paid-work');
  });

  test('entitlement reads the report’s date in the customer’s zone', () => {
    // 2026-12-31T17:00Z is already 2027-01-01 01:00 in Shanghai, the day after the period ends.
    const reportedAt = '2026-12-31T17:00:00.000Z';
    expect(() => openCase('000', '1', { reportedAt }, Date.parse(reportedAt))).toThrow(NotEntitledError);
    expect(openCase('000', '1', { reportedAt, timeZone: 'Europe/Berlin' }, Date.parse(reportedAt)).state.entitlement.decision).toBe('covered');
  });

  test('a software defect outside the service period: fixed free under 002 (free for life), supported under 000 with a paid fix, refused under 001 (C4)', () => {
    const reportedAt = '2027-03-01T02:00:00.000Z';
    const bug = { problem: { ...intake('000', '1').problem, type: 'bug' as const } };
    expect(openCase('002-software', 'A', { reportedAt, ...bug }, Date.parse(reportedAt)).state.entitlement).toMatchObject({ decision: 'covered', fix: 'free' });
    expect(() => openCase('001', 'L1', { reportedAt, ...bug }, Date.parse(reportedAt))).toThrow(NotEntitledError);
  });

  test('000: a defect after the free year gets support without time limit; the code fix is paid work (R-000-3, C4)', () => {
    const reportedAt = '2027-03-01T02:00:00.000Z';
    const bug = { problem: { ...intake('000', '1').problem, type: 'bug' as const } };
    const { state } = openCase('000', '1', { reportedAt, ...bug }, Date.parse(reportedAt));
    expect(state.entitlement).toMatchObject({ decision: 'covered', fix: 'paid', reason: expect.stringContaining('without time limit') });
    expect(state.windows.map((window) => window.name)).toEqual(['response', 'diagnosis']);
  });

  test('a case whose policy was snapshotted before the defect rule keeps the old reading (refused under 000)', () => {
    const reportedAt = '2027-03-01T02:00:00.000Z';
    const bug = { problem: { ...intake('000', '1').problem, type: 'bug' as const } };
    const { defects: _defects, requirements: _requirements, ...before } = presetPolicy('000');
    expect(() => openCase('000', '1', { reportedAt, ...bug, policy: before }, Date.parse(reportedAt))).toThrow(NotEntitledError);
  });

  describe('new requirements are routed by the preset, never counted as covered fault support (D-11)', () => {
    const requirement = { problem: { ...intake('000', '1').problem, type: 'requirement' as const } };
    test('001 and 002: paid custom development, even inside the free period (M001-9, 002 功能改进)', () => {
      expect(() => openCase('001', 'L3', requirement)).toThrow(/paid custom development/);
      expect(openCase('002-software', 'A', { ...requirement, paidWorkRequested: true }).state.entitlement).toMatchObject({ decision: 'paid-work' });
    });
    test('004: a small change inside the service period is included (≤ 1 person-day, ≤ 30 working days a year)', () => {
      expect(openCase('004', 'standard', requirement).state.entitlement).toMatchObject({ decision: 'covered', route: 'small-change' });
    });
    test('000: a change request in the first year after installation is taken, with a solution and fix date within 2 days (M000-7); later it is custom development', () => {
      expect(openCase('000', '1', requirement).state.entitlement).toMatchObject({ decision: 'covered', route: 'change-request' });
      const reportedAt = '2026-06-01T02:00:00.000Z';
      expect(() => openCase('000', '1', { ...requirement, reportedAt }, Date.parse(reportedAt))).toThrow(/after the first year/);
    });
  });
});

describe('refusalOf: which action each status allows', () => {
  const STATUSES: HotlineStatus[] = ['open', 'in-progress', 'solved', 'auto-closed', 'closed'];
  const ACTIONS: Record<HotlineAction['type'], HotlineAction> = {
    respond,
    'provide-solution': solve(),
    confirm,
    reject: { type: 'reject', by: 'customer', reason: 'Still broken' },
    reopen,
    'change-severity': severity('complex'),
    pause,
    resume,
    transfer: { type: 'transfer', by: 'agent-li', to: 'remote', situation: 'Needs a look at the server' },
    escalate: { type: 'escalate', by: 'agent-li', reason: 'Needs the maintenance team' },
    'record-outcome': outcome('memo'),
    close: { type: 'close', by: 'manager-zhao', reason: 'Customer unreachable for three months' },
    'apply-contract': applyContract(2),
  };
  /** The statuses in which each action is allowed (the case not paused). */
  const ALLOWED: Record<HotlineAction['type'], HotlineStatus[]> = {
    respond: ['open'],
    'provide-solution': ['open', 'in-progress'],
    confirm: ['solved', 'auto-closed'],
    reject: ['solved'],
    reopen: ['auto-closed'],
    'change-severity': ['open', 'in-progress'],
    pause: ['open', 'in-progress'],
    resume: [],
    transfer: ['open', 'in-progress'],
    escalate: ['open', 'in-progress'],
    'record-outcome': ['open', 'in-progress'],
    close: ['solved', 'auto-closed'],
    'apply-contract': ['open', 'in-progress', 'solved', 'auto-closed'],
  };

  test('the table covers every action type', () => {
    expect(Object.keys(ACTIONS).sort()).toEqual([...HOTLINE_ACTION_TYPES].sort());
  });

  const rows = STATUSES.flatMap((status) => HOTLINE_ACTION_TYPES.map((type) => [status, type, ALLOWED[type].includes(status)] as const));
  test.each(rows)('%s case, %s → allowed: %s', (status, type, allowed) => {
    const { state } = openCase('004', 'standard');
    state.status = status;
    state.stage = status === 'open' || status === 'in-progress' ? 'working' : status;
    const refusal = refusalOf(state, ACTIONS[type]);
    if (allowed) expect(refusal).toBeNull();
    else expect(refusal).toEqual({ type: 'InvalidState', message: expect.any(String) });
  });

  test('a paused case can be resumed but not paused again', () => {
    const { state, act } = openCase('004', 'standard');
    act(pause, T0 + MIN);
    expect(refusalOf(state, pause)).toEqual({ type: 'InvalidState', message: 'The case is already paused' });
    expect(refusalOf(state, resume)).toBeNull();
  });

  test('a severity the policy does not have, or the current one, is refused', () => {
    const { state } = openCase('004', 'standard');
    expect(refusalOf(state, severity('urgent'))).toEqual({ type: 'UnknownSeverity', message: expect.stringContaining('standard, complex') });
    expect(refusalOf(state, severity('standard'))?.type).toBe('InvalidState');
  });

  test('an amended contract applies once per version, and only with a level its policy has', () => {
    const { state, act } = openCase('004', 'standard', { contract: { id: 'acme', version: 1 } });
    expect(refusalOf(state, applyContract(1))).toEqual({ type: 'InvalidState', message: expect.stringContaining('already applied') });
    act(applyContract(2), T0 + MIN);
    expect(state.contract).toEqual({ id: 'acme', version: 2 });
    expect(refusalOf(state, applyContract(2))?.type).toBe('InvalidState');
    const other = openCase('000', '1');
    expect(refusalOf(other.state, applyContract(2))?.type).toBe('UnknownSeverity');
    expect(refusalOf(other.state, applyContract(2, 'complex'))).toBeNull();
  });

  test('a transfer to on-site names the site, and is refused where the policy offers no visit outside deployment (000)', () => {
    const { state } = openCase('004', 'standard');
    const site = { address: 'Room 1', zone: 'city' as const };
    expect(refusalOf(state, { type: 'transfer', by: 'agent-li', to: 'on-site', situation: 'x' })).toMatchObject({ type: 'InvalidAction', message: expect.stringMatching(/names the site/) });
    expect(refusalOf(state, { type: 'transfer', by: 'agent-li', to: 'on-site', situation: 'x', site })).toBeNull();
    const crm = openCase('000', '2').state;
    expect(refusalOf(crm, { type: 'transfer', by: 'agent-li', to: 'on-site', situation: 'x', site })).toMatchObject({
      type: 'TransferUnavailable',
      message: expect.stringMatching(/only during deployment/),
    });
  });

  test('002 software C: going on site gives the one window 24 h from its start; a window already breached keeps its breach (R-002-1)', () => {
    const HOUR = 3_600_000;
    const site = { address: 'Room 1', zone: 'city' as const };
    const early = openCase('002-software', 'C');
    const start = early.state.windows[0].runningSinceMs!;
    expect(early.state.windows[0].dueMs! - start).toBe(12 * HOUR);
    early.act({ type: 'transfer', by: 'agent-li', to: 'on-site', situation: 'Server does not boot', site }, start + HOUR);
    expect(early.state.windows[0].dueMs! - start).toBe(24 * HOUR);
    expect(early.state.audit.at(-1)?.type).toBe('window-extended');

    const late = openCase('002-software', 'C');
    const lateStart = late.state.windows[0].runningSinceMs!;
    late.tick(lateStart + 13 * HOUR);
    expect(late.state.breaches).toHaveLength(1);
    late.act({ type: 'transfer', by: 'agent-li', to: 'on-site', situation: 'Server does not boot', site }, lateStart + 13 * HOUR);
    expect(late.state.windows[0].budgetMs).toBe(12 * HOUR);
  });

  test('a second transfer is refused while the first product still has the case', () => {
    const { state, act } = openCase('004', 'standard');
    act(ACTIONS.transfer, T0 + MIN);
    expect(state.status).toBe('in-progress');
    expect(state.handoffs).toEqual([expect.objectContaining({ to: 'remote', state: 'starting', by: 'agent-li' })]);
    expect(state.outbox.at(-1)?.subject).toMatch(/handed to remote maintenance/);
    expect(refusalOf(state, ACTIONS.transfer)).toEqual({ type: 'InvalidState', message: expect.stringContaining('is with remote already') });
  });
});

describe('responding and solving meet windows', () => {
  test('a response meets the response window only and moves the case in progress', () => {
    const { state, act } = openCase('000', '1');
    act({ type: 'respond', by: 'agent-zhao', note: 'Called back' }, T0 + 10 * MIN);
    expect(state.status).toBe('in-progress');
    expect(live(state).response).toMatchObject({ metMs: T0 + 10 * MIN, dueMs: null, consumedMs: 10 * MIN });
    expect(live(state).diagnosis).toMatchObject({ metMs: null, dueMs: T0 + 4 * HOUR });
    expect(state.audit.at(-1)).toEqual({ atMs: T0 + 10 * MIN, type: 'responded', by: 'agent-zhao', details: 'Called back' });
  });

  test('a solution without an earlier response meets both', () => {
    const { state, act } = openCase('000', '1');
    act(solve('agent-zhao'), T0 + HOUR);
    expect(state.status).toBe('solved');
    expect(state.solution).toEqual({ text: 'Rebuilt the report index', by: 'agent-zhao', atMs: T0 + HOUR });
    expect(Object.values(live(state)).map((window) => window.metMs)).toEqual([T0 + HOUR, T0 + HOUR]);
    expect(nextDeadline(state)?.kind).toBe('auto-close');
  });
});

describe('pause and resume (waiting on the customer, M004-7): pause time is never lost (D-8)', () => {
  test('a pause stops the clock; resuming continues with the time that was left', () => {
    const { state, act, tick } = openCase('000', '1');
    act(pause, T0 + 10 * MIN);
    expect(state.paused).toBe(true);
    expect(Object.values(live(state)).map((window) => window.dueMs)).toEqual([null, null]);
    expect(nextDeadline(state)).toBeNull();
    // Long past the original response due (10:30): no breach while paused.
    tick(T0 + 2 * HOUR);
    expect(state.breaches).toEqual([]);

    act(resume, T0 + 3 * HOUR);
    expect(state.paused).toBe(false);
    expect(state.pauses).toEqual([{ fromMs: T0 + 10 * MIN, toMs: T0 + 3 * HOUR }]);
    expect(dueOf(state, 'response')).toBe('2025-06-10T13:20:00+08:00');
    expect(dueOf(state, 'diagnosis')).toBe('2025-06-10T16:50:00+08:00');
    expect(nextDeadline(state)).toEqual({ atMs: T0 + 3 * HOUR + 20 * MIN, kind: 'window' });
    expect(state.audit.slice(-2).map(({ type, by, atMs }) => ({ type, by, atMs }))).toEqual([
      { type: 'paused', by: 'agent-li', atMs: T0 + 10 * MIN },
      { type: 'resumed', by: 'agent-li', atMs: T0 + 3 * HOUR },
    ]);
  });

  test('several pauses add up', () => {
    const { state, act } = openCase('000', '1');
    act(pause, T0 + 5 * MIN);
    act(resume, T0 + HOUR);
    act(pause, T0 + HOUR + 10 * MIN);
    act(resume, T0 + 2 * HOUR);
    // 5 + 10 minutes used: 15 left on the response window, 3 h 45 on the diagnosis.
    expect(live(state).response.dueMs).toBe(T0 + 2 * HOUR + 15 * MIN);
    expect(live(state).diagnosis.dueMs).toBe(T0 + 2 * HOUR + 3 * HOUR + 45 * MIN);
    expect(state.pauses).toHaveLength(2);
  });

  test('in working time (001 L2, 8 working hours of 8:30–17:30): two hours used before the pause, six after', () => {
    const { state, act } = openCase('001', 'L2', { reportedAt: new Date(at('2025-06-09 09:00')).toISOString() }, at('2025-06-09 09:00'));
    expect(dueOf(state, 'response')).toBe('2025-06-09T17:00:00+08:00');
    act(pause, at('2025-06-09 11:00'));
    act(resume, at('2025-06-11 14:00'));
    // Wed 14:00–17:30 is 3.5 h; the remaining 2.5 h run Thu 8:30–11:00.
    expect(dueOf(state, 'response')).toBe('2025-06-12T11:00:00+08:00');
  });

  test('a solution given while paused ends the pause and counts only the time before it', () => {
    const { state, act } = openCase('000', '1');
    act(pause, T0 + 10 * MIN);
    act(solve(), T0 + 5 * HOUR);
    expect(state).toMatchObject({ status: 'solved', paused: false, pausedSinceMs: null, pauses: [{ fromMs: T0 + 10 * MIN, toMs: T0 + 5 * HOUR }] });
    expect(Object.values(live(state)).map((window) => [window.consumedMs, window.metMs, window.breachedDueMs])).toEqual([
      [10 * MIN, T0 + 5 * HOUR, null],
      [10 * MIN, T0 + 5 * HOUR, null],
    ]);
  });
});

describe('reclassification (D-6, D-7 default rule)', () => {
  test('000, a more severe level carries the time used: due 30 min after the report, never later than before (D-7)', () => {
    const { state, act } = openCase('000', '3');
    act(severity('1'), T0 + 20 * MIN);
    expect(live(state).response).toMatchObject({ level: '1', dueMs: T0 + 30 * MIN, consumedMs: 20 * MIN });
    expect(live(state).diagnosis).toMatchObject({ level: '1', dueMs: T0 + 4 * HOUR });
  });

  test('000 level 3 raised to level 1 after 50 minutes keeps its response due at 60 minutes, not 80, and is not breached by the change (D-7)', () => {
    const { state, act, tick } = openCase('000', '3');
    act(severity('1'), T0 + 50 * MIN);
    tick(T0 + 50 * MIN);
    expect(state.breaches).toEqual([]);
    expect(live(state).response.dueMs).toBe(T0 + HOUR);
  });

  test('002 software B → A after 13 h: the carried time exceeds A’s 12 h, so the due instant stays where it was, no breach (D-7)', () => {
    const { state, act, tick } = openCase('002-software', 'B');
    const start = state.clockStartMs;
    act(severity('A'), start + 13 * HOUR);
    tick(start + 13 * HOUR);
    expect(state.breaches).toEqual([]);
    expect(live(state).resolution).toMatchObject({ level: 'A', dueMs: start + 24 * HOUR });
  });

  test('002 software C → B carries the time used into the resolution window, though the names differ (D-7)', () => {
    const { state, act } = openCase('002-software', 'C');
    const start = state.clockStartMs;
    act(severity('B'), start + 5 * HOUR);
    expect(live(state).resolution).toMatchObject({ level: 'B', consumedMs: 5 * HOUR, dueMs: start + 24 * HOUR });
  });

  test('cases opened under the first rules (rules 1) keep them: a more severe level restarts the open windows when it is confirmed', () => {
    const { state, act } = openCase('000', '3', { rules: 1 });
    act(severity('1'), T0 + 20 * MIN);
    expect(state.severity).toBe('1');
    expect(live(state).response).toMatchObject({ level: '1', dueMs: T0 + 50 * MIN, consumedMs: 0 });
    expect(live(state).diagnosis).toMatchObject({ level: '1', dueMs: T0 + 20 * MIN + 4 * HOUR });
    expect(state.windows.filter((window) => window.superseded).map((window) => [window.name, window.level])).toEqual([
      ['response', '3'],
      ['diagnosis', '3'],
    ]);
    expect(state.audit.at(-1)).toMatchObject({ atMs: T0 + 20 * MIN, type: 'severity-changed', by: 'agent-wang', details: '3 → 1' });
  });

  test('a less severe level keeps the time already used', () => {
    const { state, act } = openCase('000', '1');
    act(severity('3'), T0 + 20 * MIN);
    // Level 3: response 1 h, diagnosis 24 h, with 20 minutes already used.
    expect(live(state).response).toMatchObject({ level: '3', dueMs: T0 + HOUR, consumedMs: 20 * MIN });
    expect(live(state).diagnosis).toMatchObject({ level: '3', dueMs: T0 + 24 * HOUR });
  });

  test('a less severe level keeps the working time used, in working hours (001 L1 → L3)', () => {
    const { state, act } = openCase('001', 'L1', { reportedAt: new Date(at('2025-06-09 09:00')).toISOString() }, at('2025-06-09 09:00'));
    act(severity('L3'), at('2025-06-09 09:40'));
    // 12 h − 40 min: Mon 9:40–17:30 (7 h 50) + Tue 8:30–12:00 (3 h 30).
    expect(dueOf(state, 'response')).toBe('2025-06-10T12:00:00+08:00');
  });

  test('a window already met stays met; only the open ones move to the new level', () => {
    const { state, act } = openCase('000', '3');
    act(respond, T0 + 5 * MIN);
    act(severity('1'), T0 + 20 * MIN);
    expect(live(state).response).toMatchObject({ level: '3', metMs: T0 + 5 * MIN });
    expect(live(state).diagnosis).toMatchObject({ level: '1', dueMs: T0 + 4 * HOUR });
  });

  test('during a pause the new windows wait for the resume, then run with the time left (pause time is never lost)', () => {
    const { state, act } = openCase('000', '3');
    act(pause, T0 + 10 * MIN);
    act(severity('1'), T0 + 20 * MIN);
    expect(live(state).response.dueMs).toBeNull();
    act(resume, T0 + HOUR);
    expect(live(state).response.dueMs).toBe(T0 + HOUR + 20 * MIN);
  });

  test('002 software B → C restarts at the confirmation: remote work due 12 elapsed hours later', () => {
    const { state, act } = openCase('002-software', 'B');
    act(severity('C'), T0 + HOUR);
    expect(dueOf(state, 'remote-start')).toBe('2025-06-10T23:00:00+08:00');
    // C has no "solved within" window: the B window is no longer owed.
    expect(live(state).resolution).toBeUndefined();
  });
});

describe('reclassification rules a contract states for itself (D-6: "until a contract states its own rule")', () => {
  const withRule = (reclassification: 'restart' | 'carry-elapsed' | 'from-report') => ({ policy: { ...presetPolicy('000'), reclassification } });

  test('restart: even a less severe level starts its windows afresh', () => {
    const { state, act } = openCase('000', '1', withRule('restart'));
    act(severity('3'), T0 + 20 * MIN);
    expect(live(state).response).toMatchObject({ dueMs: T0 + 20 * MIN + HOUR, consumedMs: 0 });
  });

  test('carry-elapsed: even a more severe level keeps the time used', () => {
    const { state, act } = openCase('000', '3', withRule('carry-elapsed'));
    act(severity('1'), T0 + 20 * MIN);
    expect(live(state).response).toMatchObject({ dueMs: T0 + 30 * MIN, consumedMs: 20 * MIN });
  });

  test('from-report: the new level counts from the clock start, as if it had applied all along', () => {
    const { state, act } = openCase('000', '3', withRule('from-report'));
    act(severity('1'), T0 + 20 * MIN);
    expect(live(state).response.dueMs).toBe(T0 + 30 * MIN);
    expect(live(state).diagnosis.dueMs).toBe(T0 + 4 * HOUR);
  });

  test('from-report leaves out a pause that has ended', () => {
    const { state, act } = openCase('000', '3', withRule('from-report'));
    act(pause, T0 + 5 * MIN);
    act(resume, T0 + 15 * MIN);
    act(severity('1'), T0 + 25 * MIN);
    // 15 of the 25 minutes ran: 15 left of level 1's 30.
    expect(live(state).response.dueMs).toBe(T0 + 40 * MIN);
  });

  test('from-report leaves out the pause still running when the level changes (pause time is never lost)', () => {
    const { state, act } = openCase('000', '3', withRule('from-report'));
    act(pause, T0 + 10 * MIN);
    act(severity('1'), T0 + HOUR);
    expect(live(state).response).toMatchObject({ dueMs: null, consumedMs: 10 * MIN });
    act(resume, T0 + 2 * HOUR);
    expect(live(state).response.dueMs).toBe(T0 + 2 * HOUR + 20 * MIN);
    expect(live(state).diagnosis.dueMs).toBe(T0 + 2 * HOUR + 3 * HOUR + 50 * MIN);
  });
});

describe('an amended contract applied to an open case', () => {
  test('switches policy and level, keeping the working time a window of the same name has used', () => {
    const { state, act } = openCase('000', '1');
    act(applyContract(2, 'standard'), T0 + 20 * MIN);
    expect(state).toMatchObject({ severity: 'standard', policy: { id: '004' }, contract: { id: 'acme', version: 2 } });
    expect(live(state).response).toMatchObject({ policyId: '004', level: 'standard', consumedMs: 20 * MIN, dueMs: T0 + 30 * MIN });
    expect(state.audit.at(-1)).toMatchObject({ atMs: T0 + 20 * MIN, type: 'contract-applied', by: 'ops-liu' });
  });

  test('loses no pause: applied while paused, the windows wait for the resume', () => {
    const { state, act } = openCase('000', '1');
    act(pause, T0 + 10 * MIN);
    act(applyContract(2, 'standard'), T0 + 20 * MIN);
    expect(live(state).response).toMatchObject({ consumedMs: 10 * MIN, dueMs: null });
    act(resume, T0 + HOUR);
    expect(live(state).response.dueMs).toBe(T0 + HOUR + 20 * MIN);
  });
});

describe('002 software level C: one window met by remote work started or an on-site arrival (R-002-1)', () => {
  test('a response does not meet it; a solution does', () => {
    const { state, act } = openCase('002-software', 'C');
    act(respond, state.clockStartMs + HOUR);
    expect(live(state)['remote-start']).toMatchObject({ metMs: null, dueMs: state.clockStartMs + 12 * HOUR });
    act(solve(), state.clockStartMs + 2 * HOUR);
    expect(live(state)['remote-start'].metMs).toBe(state.clockStartMs + 2 * HOUR);
  });

  test('an upgrade from B to C after an answer is not recorded as missing the window, and the window restarts (R-002-2)', () => {
    const { state, act, tick } = openCase('002-software', 'B');
    act(respond, state.clockStartMs + HOUR);
    act(severity('C'), state.clockStartMs + 2 * HOUR);
    tick(state.clockStartMs + 2 * HOUR);
    expect(state.breaches).toEqual([]);
    expect(live(state)['remote-start']).toMatchObject({ level: 'C', dueMs: state.clockStartMs + 14 * HOUR });
  });
});

describe('outcomes besides solved (M001-3, M000-10, M004-6, M001-27)', () => {
  test.each([
    ['memo', 'M001-3', 'Memo confirmed by both sides’ project leads'],
    ['unresolvable', 'M000-10', 'Filed as unresolvable; the customer was told'],
    ['out-of-scope', 'M000-10, M004-6', 'Out of scope: advice given'],
    ['suggestion', 'M001-27', 'Forwarded to product review, no commitment'],
    ['change-request', 'M001-27', 'Routed to paid customisation'],
  ] as const)('%s (%s) closes the clocks, keeps the breach, and closes on confirmation as "%s"', (kind, _rule, reason) => {
    const { state, act, tick } = openCase('004', 'standard');
    tick(T0 + 31 * MIN);
    act(outcome(kind), T0 + HOUR);
    expect(state.status).toBe('solved');
    expect(state.solution).toMatchObject({ outcome: kind, by: 'manager-zhao' });
    expect(state.windows.every((window) => window.metMs !== null)).toBe(true);
    expect(state.breaches).toHaveLength(1);
    expect(state.callBacksDue).toEqual([]);
    act(confirm, T0 + 2 * HOUR);
    expect(state.closeReason).toBe(reason);
  });

  test('the customer may reject an outcome: the case reopens with its windows running on', () => {
    const { state, act } = openCase('004', 'standard');
    act(outcome('out-of-scope'), T0 + 20 * MIN);
    act({ type: 'reject', by: 'customer', reason: 'It is a defect, not a request' }, T0 + HOUR);
    expect(state.status).toBe('in-progress');
    expect(live(state).restore).toMatchObject({ metMs: null, dueMs: T0 + HOUR + 100 * MIN });
  });
});

describe('escalation is its own clock (D-9)', () => {
  test('001 reaches tier 3: unsolved past tier 2’s time after a missed response, though answered (R-001-2)', () => {
    const reportedAt = at('2025-06-09 09:00');
    const { state, act, tick } = openCase('001', 'L1', { reportedAt: new Date(reportedAt).toISOString() }, reportedAt);
    act(respond, at('2025-06-09 09:30'));
    act(escalate('The specialist cannot reproduce it'), at('2025-06-09 10:00'));
    expect(state.tier).toBe(2);
    expect(state.policy.escalationTiers[state.tier - 1]).toBe('Dedicated maintenance team');
    // 24 working hours of 8:30–17:30 from Monday 10:00: 7 h 30 + 9 h + 7 h 30, Wednesday 16:00.
    expect(nextDeadline(state)).toEqual({ atMs: at('2025-06-11 16:00'), kind: 'escalation' });
    tick(at('2025-06-11 16:00'));
    expect(state.tier).toBe(3);
    expect(state.tierChanges!.map((change) => [change.cause, change.to, show(change.dueMs)])).toEqual([
      ['engineer', 2, '2025-06-09T10:00:00+08:00'],
      ['time-at-tier', 3, '2025-06-11T16:00:00+08:00'],
    ]);
    expect(state.tierChanges![0]).toMatchObject({ by: 'agent-li', reason: 'The specialist cannot reproduce it' });
    expect(refusalOf(state, escalate('again'))).toMatchObject({ type: 'InvalidState', message: expect.stringContaining('last tier') });
  });

  test('the time at a tier stops while the case waits on the customer and once it is solved', () => {
    const { state, act, tick } = openCase('004', 'complex');
    act(pause, T0 + 10 * HOUR);
    act(resume, T0 + 20 * HOUR);
    expect(state.tierClock).toMatchObject({ tier: 1, dueMs: T0 + 34 * HOUR });
    act(solve(), T0 + 30 * HOUR);
    tick(T0 + 40 * HOUR);
    expect(state.tier).toBe(1);
    expect(nextDeadline(state)?.kind).toBe('auto-close');
  });

  test('000 enters at the vendor’s tier 2, the customer’s own operators being tier 1 (M000-5)', () => {
    const { state } = openCase('000', '1');
    expect(state.tier).toBe(2);
    expect(state.policy.escalationTiers[state.tier - 1]).toBe('Tier 2: vendor customer support');
    expect(refusalOf(state, escalate('No one above'))?.type).toBe('InvalidState');
  });

  test('a case opened under the first rules (rules 1) escalates only on a missed window, from tier 1', () => {
    const { state, tick } = openCase('000', '1', { rules: 1 });
    expect(state.tier).toBe(1);
    expect(state.tierClock).toBeUndefined();
    tick(T0 + 31 * MIN);
    expect(state.tier).toBe(2);
    expect(state.audit.at(-1)).toMatchObject({ type: 'escalated', details: 'Tier 1 → 2: Tier 2: vendor customer support' });
  });
});

describe('breaches escalate one tier each (D-9)', () => {
  test('004: response breach → tier 2, restore breach → tier 3, each recorded with window, due and actual instant', () => {
    const { state, act, tick } = openCase('004', 'standard');
    expect(nextDeadline(state)).toEqual({ atMs: T0 + 30 * MIN, kind: 'window' });

    tick(T0 + 30 * MIN - 1);
    expect(state.breaches).toEqual([]);
    expect(state.tier).toBe(1);

    tick(T0 + 31 * MIN);
    expect(state.breaches).toEqual([{ window: 'response', level: 'standard', dueMs: T0 + 30 * MIN, recordedMs: T0 + 31 * MIN }]);
    expect(state.tier).toBe(2);
    expect(state.audit.slice(-2)).toEqual([
      { atMs: T0 + 31 * MIN, type: 'breached', by: 'system', details: expect.stringContaining('response window') },
      { atMs: T0 + 31 * MIN, type: 'escalated', by: 'system', details: expect.stringContaining('Tier 1 → 2: Service consultant (a window was missed; due 2025-06-10T10:30:00+08:00)') },
    ]);
    expect(state.tierChanges).toEqual([{ from: 1, to: 2, atMs: T0 + 31 * MIN, cause: 'breach', dueMs: T0 + 30 * MIN, by: 'system' }]);

    // The same breach is not recorded twice.
    tick(T0 + 32 * MIN);
    expect(state.breaches).toHaveLength(1);
    expect(nextDeadline(state)).toEqual({ atMs: T0 + 2 * HOUR, kind: 'window' });

    // A late response still meets the window; the breach stays on record.
    act(respond, T0 + 40 * MIN);
    expect(live(state).response).toMatchObject({ metMs: T0 + 40 * MIN, breachedDueMs: T0 + 30 * MIN });

    tick(T0 + 2 * HOUR);
    expect(state.breaches[1]).toEqual({ window: 'restore', level: 'standard', dueMs: T0 + 2 * HOUR, recordedMs: T0 + 2 * HOUR });
    expect(state.tier).toBe(3);
    expect(state.audit.at(-1)).toMatchObject({ type: 'escalated', details: expect.stringContaining('Tier 2 → 3: Headquarters / development team (a window was missed') });
    expect(nextDeadline(state)).toBeNull();
  });

  test('two windows passed at once are recorded oldest first, escalating twice', () => {
    const { state, tick } = openCase('004', 'standard');
    tick(T0 + 5 * HOUR);
    expect(state.breaches.map((breach) => [breach.window, breach.dueMs, breach.recordedMs])).toEqual([
      ['response', T0 + 30 * MIN, T0 + 5 * HOUR],
      ['restore', T0 + 2 * HOUR, T0 + 5 * HOUR],
    ]);
    expect(state.tier).toBe(3);
  });

  test('the tier stops at the preset’s last one (000 has two, and a case enters at the second)', () => {
    const { state, tick } = openCase('000', '1');
    tick(T0 + 5 * HOUR);
    expect(state.breaches).toHaveLength(2);
    expect(state.tier).toBe(2);
    expect(state.audit.filter((entry) => entry.type === 'escalated')).toHaveLength(0);
    expect(nextDeadline(state)).toBeNull();
  });

  test('001: a breach of the L1 response hands the case to the dedicated maintenance team', () => {
    const { state, act, tick } = openCase('001', 'L3', { reportedAt: new Date(at('2025-06-09 09:00')).toISOString() }, at('2025-06-09 09:00'));
    act(severity('L1'), at('2025-06-09 09:30'));
    tick(at('2025-06-09 10:01'));
    expect(state.tier).toBe(2);
    // L1's hour counts from the report: the half hour used at L3 is carried (D-7).
    expect(state.breaches).toEqual([{ window: 'response', level: 'L1', dueMs: at('2025-06-09 10:00'), recordedMs: at('2025-06-09 10:01') }]);
    expect(state.policy.escalationTiers[state.tier - 1]).toBe('Dedicated maintenance team');
  });
});

describe('automatic close is a rule of the channel (R-001-8)', () => {
  test('a case reported by phone is not closed by silence: it waits for the customer', () => {
    const { state, act, tick } = openCase('000', '1', { channel: 'phone' });
    act(solve(), T0 + HOUR);
    expect(nextDeadline(state)).toBeNull();
    tick(T0 + 90 * 24 * HOUR);
    expect(state.status).toBe('solved');
  });

  test('a contract may let other channels close by themselves, or switch it off for the community too', () => {
    const email = openCase('000', '1', { channel: 'e-mail', closing: { autoCloseChannels: ['community', 'e-mail'] } });
    email.act(solve(), T0 + HOUR);
    expect(nextDeadline(email.state)?.kind).toBe('auto-close');
    const off = openCase('000', '1', { closing: { autoCloseChannels: [] } });
    off.act(solve(), T0 + HOUR);
    expect(nextDeadline(off.state)).toBeNull();
  });

  test('a service manager may close a solved case the customer never confirmed (D-24)', () => {
    const { state, act } = openCase('000', '1', { channel: 'phone' });
    act(solve(), T0 + HOUR);
    act({ type: 'close', by: 'manager-zhao', reason: 'No answer after three calls' }, T0 + 60 * 24 * HOUR);
    expect(state).toMatchObject({ status: 'closed', closedMs: T0 + 60 * 24 * HOUR, closeReason: "Closed without the customer's confirmation: No answer after three calls" });
    expect(nextDeadline(state)).toBeNull();
  });

  test('a case opened under the first rules (rules 1) auto-closes whatever its channel, as it did', () => {
    const { state, act } = openCase('000', '1', { channel: 'phone', rules: 1 });
    act(solve(), T0 + HOUR);
    expect(nextDeadline(state)?.kind).toBe('auto-close');
  });
});

describe('closing and reopening (R-001-8, 001 §1.11)', () => {
  const SOLVED = at('2025-03-14 10:00');
  const AUTO_CLOSE = at('2025-04-14 10:00');
  const FINAL_CLOSE = at('2025-05-14 10:00');

  function solvedCase() {
    const opened = openCase('000', '1', { reportedAt: new Date(SOLVED - HOUR).toISOString() }, SOLVED - HOUR);
    opened.act(solve(), SOLVED);
    return opened;
  }

  test('auto-closes one calendar month after the solution when the customer is silent, and e-mails the customer', () => {
    const { state, tick } = solvedCase();
    expect(nextDeadline(state)).toEqual({ atMs: AUTO_CLOSE, kind: 'auto-close' });
    tick(AUTO_CLOSE - 1);
    expect(state.status).toBe('solved');
    expect(state.outbox).toEqual([]);

    tick(AUTO_CLOSE);
    expect(state.status).toBe('auto-closed');
    expect(state.autoClosedMs).toBe(AUTO_CLOSE);
    expect(state.outbox).toEqual([
      {
        key: `hotline-${state.caseId}/auto-close/1`,
        to: 'it@acme.example',
        subject: `Case ${state.caseId} closed automatically`,
        text: expect.stringContaining('reopen the case within 1 month'),
      },
    ]);
    expect(state.audit.at(-1)).toMatchObject({ atMs: AUTO_CLOSE, type: 'auto-closed', by: 'system' });

    // Time passing again does not send a second e-mail.
    tick(AUTO_CLOSE + HOUR);
    expect(state.outbox).toHaveLength(1);
    expect(nextDeadline(state)).toEqual({ atMs: FINAL_CLOSE, kind: 'final-close' });
  });

  test('a month is a calendar month in the customer’s zone: 31 January → 28 February', () => {
    const opened = openCase('000', '1', { reportedAt: new Date(at('2025-01-31 09:00')).toISOString() }, at('2025-01-31 09:00'));
    opened.act(solve(), at('2025-01-31 10:00'));
    expect(show(nextDeadline(opened.state)!.atMs)).toBe('2025-02-28T10:00:00+08:00');
  });

  test('finally closes when not reopened within a month of the automatic close', () => {
    const { state, tick } = solvedCase();
    tick(AUTO_CLOSE);
    tick(FINAL_CLOSE - 1);
    expect(state.status).toBe('auto-closed');
    tick(FINAL_CLOSE);
    expect(state).toMatchObject({ status: 'closed', closedMs: FINAL_CLOSE, closeReason: expect.stringContaining('Not reopened within 1 month') });
    expect(state.audit.at(-1)).toMatchObject({ atMs: FINAL_CLOSE, type: 'closed', by: 'system' });
    expect(nextDeadline(state)).toBeNull();
    expect(refusalOf(state, reopen)?.type).toBe('InvalidState');
    expect(refusalOf(state, confirm)?.type).toBe('InvalidState');
  });

  test('reopening within the month arms a fresh solution window; the next silence closes it again', () => {
    const { state, act, tick } = solvedCase();
    tick(AUTO_CLOSE);
    // An hour before the final close was due.
    const reopenedAt = at('2025-05-14 09:00');
    act(reopen, reopenedAt);
    expect(state).toMatchObject({ status: 'in-progress', autoClosedMs: null });
    expect(state.audit.at(-1)).toMatchObject({ atMs: reopenedAt, type: 'reopened', by: 'customer', details: 'It failed again' });
    // Diagnosis (4 h for level 1) starts again in full; the response stays met.
    expect(live(state).diagnosis).toMatchObject({ dueMs: reopenedAt + 4 * HOUR, metMs: null, consumedMs: 0 });
    expect(live(state).response.metMs).toBe(SOLVED);
    expect(nextDeadline(state)).toEqual({ atMs: reopenedAt + 4 * HOUR, kind: 'window' });

    // The final close that was due at 10:00 no longer applies.
    tick(FINAL_CLOSE);
    expect(state.status).toBe('in-progress');
    expect(state.breaches).toEqual([]);

    act(solve(), at('2025-05-14 11:00'));
    expect(state.solutionCount).toBe(2);
    tick(at('2025-06-14 11:00') - 1);
    expect(state.status).toBe('solved');
    tick(at('2025-06-14 11:00'));
    expect(state.status).toBe('auto-closed');
    expect(state.outbox.map((email) => email.key)).toEqual([`hotline-${state.caseId}/auto-close/1`, `hotline-${state.caseId}/auto-close/2`]);
  });

  test('the customer’s confirmation closes the case at once, with no e-mail and nothing left to wait for', () => {
    const { state, act, tick } = solvedCase();
    act(confirm, SOLVED + 2 * HOUR);
    expect(state).toMatchObject({ status: 'closed', closedMs: SOLVED + 2 * HOUR, closeReason: 'Confirmed by the customer' });
    expect(state.audit.at(-1)).toMatchObject({ type: 'confirmed', by: 'customer', atMs: SOLVED + 2 * HOUR });
    expect(nextDeadline(state)).toBeNull();
    tick(FINAL_CLOSE);
    expect(state.outbox).toEqual([]);
    expect(state.closedMs).toBe(SOLVED + 2 * HOUR);
  });

  test('a confirmation after the automatic close closes the case at once', () => {
    const { state, act, tick } = solvedCase();
    tick(AUTO_CLOSE);
    act(confirm, AUTO_CLOSE + HOUR);
    expect(state).toMatchObject({ status: 'closed', closedMs: AUTO_CLOSE + HOUR, closeReason: 'Confirmed by the customer' });
  });

  test('a rejected solution reopens its window with the time it had when solved (deciding time not counted)', () => {
    const { state, act } = openCase('004', 'standard');
    act(solve(), T0 + HOUR);
    act({ type: 'reject', by: 'customer', reason: 'Still slow' }, T0 + 5 * HOUR);
    expect(state.status).toBe('in-progress');
    expect(live(state).restore).toMatchObject({ metMs: null, dueMs: T0 + 6 * HOUR });
    // The response window stays met.
    expect(live(state).response.metMs).toBe(T0 + HOUR);
    expect(nextDeadline(state)).toEqual({ atMs: T0 + 6 * HOUR, kind: 'window' });
    expect(state.audit.at(-1)).toMatchObject({ type: 'solution-rejected', by: 'customer', details: 'Still slow' });
  });

  test('custom closing settings: two months of silence, then two more to reopen', () => {
    const opened = openCase('000', '1', { reportedAt: new Date(SOLVED - HOUR).toISOString(), closing: { autoCloseAfterMonths: 2, reopenWithinMonths: 2 } }, SOLVED - HOUR);
    opened.act(solve(), SOLVED);
    expect(show(nextDeadline(opened.state)!.atMs)).toBe('2025-05-14T10:00:00+08:00');
    opened.tick(at('2025-05-14 10:00'));
    expect(show(nextDeadline(opened.state)!.atMs)).toBe('2025-07-14T10:00:00+08:00');
  });
});

describe('satisfaction call-backs (003 §4, M003-8: a spot check)', () => {
  test('004 surveys after every resolution; other presets spot-check at the documented rate, and the draw is recorded (M003-8)', () => {
    const surveyed = openCase('004', 'standard');
    surveyed.act(solve(), T0 + HOUR);
    expect(surveyed.state.closing.callBackSampleRate).toBe(1);
    expect(surveyed.state.callBackDraws).toEqual([{ solutionNumber: 1, sampled: true }]);
    expect(surveyed.state.audit.at(-2)).toMatchObject({ type: 'call-back-sampled', details: 'Solution 1, call-back rate 100 %' });
    const spotChecked = openCase('000', '1');
    expect(spotChecked.state.closing.callBackSampleRate).toBe(SPOT_CHECK_RATE);
    expect(SPOT_CHECK_RATE).toBeLessThan(1);
    spotChecked.act(solve(), T0 + HOUR);
    const sampled = isSampledForCallBack(spotChecked.state.caseId, 1, SPOT_CHECK_RATE);
    expect(spotChecked.state.callBackDraws).toEqual([{ solutionNumber: 1, sampled }]);
    expect(spotChecked.state.callBacksDue).toEqual(sampled ? [1] : []);
  });

  test('every solution is sampled at rate 1, none at rate 0', () => {
    const all = openCase('000', '1', { closing: { callBackSampleRate: 1 } });
    all.act(solve(), T0 + HOUR);
    expect(all.state.callBacksDue).toEqual([1]);
    const none = openCase('000', '1', { closing: { callBackSampleRate: 0 } });
    none.act(solve(), T0 + HOUR);
    expect(none.state.callBacksDue).toEqual([]);
  });

  test('the draw is stable per case and solution, and near the rate over many cases', () => {
    expect(isSampledForCallBack('case-42', 1, 0.3)).toBe(isSampledForCallBack('case-42', 1, 0.3));
    const sampled = Array.from({ length: 2000 }, (_, index) => isSampledForCallBack(`case-${index}`, 1, 0.3)).filter(Boolean).length;
    expect(sampled / 2000).toBeGreaterThan(0.25);
    expect(sampled / 2000).toBeLessThan(0.35);
  });
});

describe('several windows passing together (a worker outage, or a wake-up after a long pause in processing)', () => {
  test('each breach is recorded with its own due instant and escalates one tier each, none skipped', () => {
    const { state, tick } = openCase('004', 'standard');
    // The worker only wakes at T0 + 3 h: the response (30 min) and the restore (2 h) windows both passed.
    tick(T0 + 3 * HOUR);
    expect(state.breaches.map((breach) => [breach.window, show(breach.dueMs), show(breach.recordedMs)])).toEqual([
      ['response', '2025-06-10T10:30:00+08:00', '2025-06-10T13:00:00+08:00'],
      ['restore', '2025-06-10T12:00:00+08:00', '2025-06-10T13:00:00+08:00'],
    ]);
    expect(state.tier).toBe(3);
    expect(state.audit.filter((entry) => entry.type === 'escalated').map((entry) => entry.details!.slice(0, 10))).toEqual(['Tier 1 → 2', 'Tier 2 → 3']);
  });

  test('with notices, each passed window gets its own breach notice and none a late warning', () => {
    const { state, tick } = openCase('004', 'standard', {
      notices: { to: ['desk@vendor.example'], warnAtPercent: 80, outsideWorkingTime: 'at-once', officeHours: { timeZone: 'Asia/Shanghai', weekly: { mon: [['09:00', '18:00']] } } },
    });
    tick(T0 + 3 * HOUR);
    expect(state.noticesDone).toEqual(['breach/0', 'breach/1']);
    expect(state.outbox.map((email) => email.subject)).toEqual([
      expect.stringContaining('Response window (level standard) breached'),
      expect.stringContaining('Restore window (level standard) breached'),
    ]);
  });
});

describe('an action arriving the moment a closing deadline passes', () => {
  test('is judged by the status due by then, not the one last applied', () => {
    const { state, act, tick } = openCase('000', '1', { closing: { callBackSampleRate: 0 } });
    act({ type: 'provide-solution', by: 'engineer-wang', solution: 'Patched' }, T0 + HOUR);
    const autoCloseMs = at('2025-07-10 11:00');
    expect(refusalOf(state, { type: 'reject', by: 'customer', reason: 'still broken' }, autoCloseMs)).toMatchObject({ type: 'InvalidState' });
    tick(autoCloseMs);
    expect(state.status).toBe('auto-closed');
    const finalCloseMs = at('2025-08-10 11:00');
    expect(refusalOf(state, { type: 'reopen', by: 'customer', reason: 'again' }, finalCloseMs - 1)).toBeNull();
    expect(refusalOf(state, { type: 'reopen', by: 'customer', reason: 'again' }, finalCloseMs)).toMatchObject({ type: 'InvalidState', message: expect.stringContaining('closed') });
  });
});

describe('applying an amended contract', () => {
  test('continues each window met by the same event, keeping the working time used, and keeps met windows met', () => {
    const { state, act } = openCase('000', '1', { contract: { id: 'c-1', version: 1 } });
    act({ type: 'respond', by: 'engineer-wang' }, T0 + 10 * MIN);
    act({ type: 'apply-contract', by: 'ops-liu', severity: 'complex', policy: presetPolicy('004'), contract: { id: 'c-1', version: 2 } }, T0 + HOUR);
    const restore = live(state).restore;
    // 000's diagnosis and 004's restore are both met by the solution: the hour already used carries.
    expect(restore.consumedMs).toBe(HOUR);
    expect(show(restore.dueMs)).toBe(show(T0 + 24 * HOUR));
    expect(live(state).diagnosis).toBeUndefined();
    expect(state.windows.filter((window) => window.name === 'response' && !window.superseded)).toHaveLength(1);
    expect(live(state).response.metMs).toBe(T0 + 10 * MIN);
    expect(state).toMatchObject({ severity: 'complex', contract: { id: 'c-1', version: 2 } });
    expect(state.policy.id).toBe('004');
  });

  test('is refused when the new policy has no such level and none is named, or the version is already applied', () => {
    const { state } = openCase('000', '1', { contract: { id: 'c-1', version: 2 } });
    expect(refusalOf(state, { type: 'apply-contract', by: 'ops', policy: presetPolicy('004'), contract: { id: 'c-1', version: 3 } })).toMatchObject({ type: 'UnknownSeverity' });
    expect(refusalOf(state, { type: 'apply-contract', by: 'ops', severity: '1', policy: presetPolicy('000'), contract: { id: 'c-1', version: 2 } })).toMatchObject({ type: 'InvalidState' });
  });
});

describe('holiday data coverage', () => {
  test('a window due past the years the holiday data covers puts a warning on the case', () => {
    const policy = presetPolicy('001');
    const covered = {
      ...policy,
      calendars: Object.fromEntries(Object.entries(policy.calendars).map(([name, spec]) => [name, { ...spec, dataCoverage: { from: '2025-01-01', to: '2025-06-10' } }])),
    };
    // 001 level 3 at 16:00 on the last covered day: its response window runs into 11 June.
    const { state } = openCase('001', 'L3', { policy: covered, reportedAt: new Date(at('2025-06-10 16:00')).toISOString() }, at('2025-06-10 16:00'));
    expect(state.warnings).toEqual([expect.stringMatching(/past the holiday data of calendar "001-response" \(2025-01-01 to 2025-06-10\)/)]);
    const inside = openCase('001', 'L3', { policy: covered, reportedAt: new Date(at('2025-06-09 09:00')).toISOString() }, at('2025-06-09 09:00'));
    expect(inside.state.warnings).toEqual([]);
  });
});

describe('review fixes', () => {
  test('a window carried past its budget keeps its breach instead of breaching and escalating again', () => {
    const { state, act, tick } = openCase('000', '1', { contract: { id: 'c-1', version: 1 } });
    act({ type: 'respond', by: 'engineer-wang' }, T0 + 10 * MIN);
    tick(T0 + 5 * HOUR); // diagnosis (4 h) breached
    expect(state.breaches.map((breach) => breach.window)).toEqual(['diagnosis']);
    act({ type: 'apply-contract', by: 'ops', severity: 'standard', policy: presetPolicy('004'), contract: { id: 'c-1', version: 2 } }, T0 + 5 * HOUR);
    tick(T0 + 5 * HOUR + MIN);
    expect(state.breaches.map((breach) => breach.window)).toEqual(['diagnosis']);
    expect(live(state).restore.breachedDueMs).toBe(T0 + 4 * HOUR);
  });

  test('a contract applied to a solved case arms nothing, and a later rejection reopens under the kept calendars', () => {
    const { state, act } = openCase('000', '1', { contract: { id: 'c-1', version: 1 } });
    act({ type: 'provide-solution', by: 'engineer-wang', solution: 'Patched' }, T0 + HOUR);
    act({ type: 'apply-contract', by: 'ops', severity: 'L1', policy: presetPolicy('001'), contract: { id: 'c-1', version: 2 } }, T0 + 2 * HOUR);
    expect(state.windows.filter((window) => window.runningSinceMs !== null && !window.superseded)).toEqual([]);
    act({ type: 'reject', by: 'customer', reason: 'still broken' }, T0 + 3 * HOUR);
    expect(state.status).toBe('in-progress');
    expect(state.tier).toBeLessThanOrEqual(state.policy.escalationTiers.length);
  });
});

describe('review fixes (rules 2)', () => {
  test('a severity change keeps the time already used at the tier (a change neither forgives nor adds time)', () => {
    const { state, act } = openCase('004', 'complex');
    act(respond, T0 + 10 * MIN);
    act(severity('standard'), T0 + 10 * HOUR);
    expect(state.tierClock).toMatchObject({ tier: 1, consumedMs: 10 * HOUR, dueMs: T0 + 24 * HOUR });
  });

  test('an amended contract applied to a case keeps the time at the tier, and a lowered tier is recorded', () => {
    const { state, act } = openCase('004', 'standard', { contract: { id: 'acme', version: 1 } });
    act(escalate('Needs the consultant'), T0 + MIN);
    act(escalate('Needs headquarters'), T0 + 2 * MIN);
    expect(state.tier).toBe(3);
    act({ type: 'apply-contract', by: 'ops-liu', severity: 'A', policy: presetPolicy('002-software'), contract: { id: 'acme', version: 2 } }, T0 + HOUR);
    expect(state.tier).toBe(2);
    expect(state.tierChanges!.at(-1)).toMatchObject({ from: 3, to: 2, cause: 'contract' });
  });

  test('an apply-contract payload with a half-formed policy is refused by its schema, not by a crash in the state machine', () => {
    const parsed = parseAction('apply-contract', { by: 'ops', contract: { id: 'acme', version: 2 }, policy: { id: 'x', levels: [{ id: 'C' }] } });
    expect(parsed).toEqual({ error: expect.stringContaining('policy') });
  });
});
