/**
 * Contracts, cases under a contract and the deadline preview, over real HTTP against a real worker
 * on the dev server.
 */
import fc from 'fast-check';
import { uniqueId } from '../helpers/fixtures';
import { useApiStack } from '../helpers/http';

const stack = useApiStack('contracts');
const { post, get } = stack;

function contractBody(overrides: Record<string, unknown> = {}) {
  return {
    contractId: uniqueId('contract'),
    customer: { id: uniqueId('cust'), name: 'Acme Ltd', email: 'it@acme.example' },
    servicePeriods: [{ kind: 'free', start: '2026-01-01', end: '2027-12-31' }],
    products: ['hotline', 'remote'],
    policy: { preset: '001' },
    ...overrides,
  };
}

const problem = { description: 'Approval flow stuck', type: 'bug', softwareVersion: '9.1.0', environment: 'Windows Server 2019' };

describe('contracts', () => {
  test('create (201), the same again (200), other terms under the same id (409), read, and list by customer', async () => {
    const body = contractBody();
    const created = await post('/contracts', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      contractId: body.contractId,
      version: 1,
      policy: { id: '001' },
      terms: { timeZone: 'Asia/Shanghai', reminderDaysBeforeEnd: [30, 7], calendarData: { region: 'CN' } },
    });
    expect(created.body.reminders.map((reminder: { dueAt: string }) => reminder.dueAt)).toEqual(['2027-12-01T09:00:00+08:00', '2027-12-24T09:00:00+08:00']);
    expect((await post('/contracts', body)).status).toBe(200);
    expect((await post('/contracts', { ...body, vip: true })).status).toBe(409);
    expect((await get(`/contracts/${body.contractId}`)).body.version).toBe(1);
    const listed = await get(`/customers/${body.customer.id}/contracts`);
    expect(listed.body.contracts.map((contract: { contractId: string }) => contract.contractId)).toEqual([body.contractId]);
  });

  test.each([
    [
      'overlapping service periods',
      {
        servicePeriods: [
          { kind: 'free', start: '2026-01-01', end: '2026-12-31' },
          { kind: 'paid', start: '2026-12-01', end: '2027-12-31' },
        ],
      },
      ['servicePeriods'],
    ],
    ['an end before its start', { servicePeriods: [{ kind: 'free', start: '2026-12-31', end: '2026-01-01' }] }, ['servicePeriods', 0, 'end']],
    ['an unknown preset', { policy: { preset: '007' } }, ['policy']],
    ['an invalid time zone', { timeZone: 'Asia/Atlantis' }, ['timeZone']],
    ['a malformed region', { calendarData: { region: 'china' } }, ['calendarData', 'region']],
    ['a region without holiday data', { calendarData: { region: 'XQ' } }, ['calendarData', 'region']],
  ])('%s is refused with 400 naming the field', async (_name, overrides, field) => {
    const body = contractBody(overrides);
    const refused = await post('/contracts', body);
    expect(refused.status).toBe(400);
    expect(refused.body.issues.map((issue: { path: unknown[] }) => issue.path)).toContainEqual(field);
    expect((await get(`/contracts/${body.contractId}`)).status).toBe(404);
  });

  test('a custom policy whose calendar has no working time is refused (a window would never end)', async () => {
    const preview = await post('/deadlines/preview', { preset: '001', severity: 'L1' });
    expect(preview.status).toBe(200);
    const custom = {
      id: 'never',
      name: 'Never',
      clockStart: { kind: 'reported' },
      escalationTiers: ['Tier 1'],
      reclassification: 'default',
      defects: 'in-period',
      levels: [{ id: 'P1', label: 'P1', windows: [{ name: 'response', label: 'Response', maxMinutes: 60, calendar: 'none', metBy: 'response' }] }],
      calendars: { none: { timeZone: 'Asia/Shanghai', weekly: {} } },
    };
    const refused = await post('/contracts', contractBody({ policy: { custom } }));
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.issues)).toMatch(/no working time/);
  });

  /** A custom policy with one response window on one calendar. */
  function customPolicy(calendarName: string, calendar: Record<string, unknown>, maxMinutes = 60) {
    return {
      id: 'custom',
      name: 'Custom',
      clockStart: { kind: 'reported' },
      escalationTiers: ['Tier 1'],
      reclassification: 'default',
      defects: 'in-period',
      levels: [{ id: 'P1', label: 'P1', windows: [{ name: 'response', label: 'Response', maxMinutes, calendar: calendarName, metBy: 'response' }] }],
      calendars: { [calendarName]: { timeZone: 'Asia/Shanghai', ...calendar } },
    };
  }
  const WEEKDAYS_9_TO_18 = { weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [day, [['09:00', '18:00']]])) };

  test('calendars named like inherited object keys are the policy\'s own: a case runs under "toString" and "constructor"; a window on "__proto__" is refused', async () => {
    for (const name of ['toString', 'constructor', 'hasOwnProperty']) {
      const body = contractBody({ policy: { custom: customPolicy(name, WEEKDAYS_9_TO_18) } });
      expect((await post('/contracts', body)).status).toBe(201);
      const opened = await post('/cases', { caseId: uniqueId('own-key-case'), contractId: body.contractId, problem, severity: 'P1' });
      expect(opened.status).toBe(201);
      expect(opened.body.windows).toEqual([expect.objectContaining({ name: 'response', calendar: name, status: 'running' })]);
    }
    // A window naming an inherited key the policy does not define: refused, not taken for Object's.
    for (const inherited of ['toString', 'constructor', 'valueOf']) {
      const policy = customPolicy('weekdays', WEEKDAYS_9_TO_18);
      policy.levels[0].windows[0].calendar = inherited;
      const refusedInherited = await post('/contracts', contractBody({ policy: { custom: policy } }));
      expect(refusedInherited.status).toBe(400);
      expect(refusedInherited.body.issues.map((issue: { path: unknown[] }) => issue.path)).toContainEqual(['policy', 'custom', 'levels', 0, 'windows', 0, 'calendar']);
    }
    // JSON.parse makes "__proto__" an own key, which no record can hold: the window naming it is refused.
    const text = JSON.stringify(contractBody({ policy: { custom: customPolicy('own', WEEKDAYS_9_TO_18) } })).replace(/"own"/g, '"__proto__"');
    const refused = await post('/contracts', text);
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toContainEqual(expect.objectContaining({ path: ['policy', 'custom', 'levels', 0, 'windows', 0, 'calendar'], message: expect.stringContaining('__proto__') }));
  });

  test('a calendar with far too little working time for its window is refused at create and at amendment, naming the window', async () => {
    // One working minute a week against a window of 200 days of working time.
    const starved = customPolicy('starved', { weekly: { mon: [['09:00', '09:01']] } }, 200 * 24 * 60);
    const body = contractBody({ policy: { custom: starved } });
    const refused = await post('/contracts', body);
    expect(refused.status).toBe(400);
    expect(refused.body.issues.map((issue: { path: unknown[] }) => issue.path)).toContainEqual(['policy', 'custom', 'levels', 0, 'windows', 0, 'calendar']);
    expect((await get(`/contracts/${body.contractId}`)).status).toBe(404);

    // 366 days of working time on a 9–18 weekday calendar: years of calendar time, refused too.
    const tooLong = customPolicy('weekdays', WEEKDAYS_9_TO_18, 366 * 24 * 60);
    const longRefused = await post('/contracts', contractBody({ policy: { custom: tooLong } }));
    expect(longRefused.status).toBe(400);
    expect(longRefused.body.issues.map((issue: { path: unknown[] }) => issue.path)).toContainEqual(['policy', 'custom', 'levels', 0, 'windows', 0, 'maxMinutes']);

    const good = contractBody();
    await post('/contracts', good);
    const amendment = await post(`/contracts/${good.contractId}/amendments`, { reason: 'new policy', changes: { policy: { custom: starved } } });
    expect(amendment.status).toBe(400);
    expect(amendment.body.issues.map((issue: { path: unknown[] }) => issue.path)).toContainEqual(['changes', 'policy', 'custom', 'levels', 0, 'windows', 0, 'calendar']);
    expect((await get(`/contracts/${good.contractId}`)).body.version).toBe(1);
    // Cases under it still open: the refused amendment changed nothing.
    expect((await post('/cases', { caseId: uniqueId('after-refused'), contractId: good.contractId, problem, severity: 'L1' })).status).toBe(201);
  });

  test('an amendment is recorded with who and when; a bad one is a 400 and changes nothing', async () => {
    const body = contractBody();
    await post('/contracts', body);
    const amended = await post(`/contracts/${body.contractId}/amendments`, { reason: 'VIP upgrade', changes: { vip: true } });
    expect(amended.status).toBe(200);
    expect(amended.body.contract.amendments).toEqual([expect.objectContaining({ version: 2, by: 'manager-zhao', reason: 'VIP upgrade', changes: [{ term: 'vip', before: false, after: true }] })]);
    expect(amended.body.contract.amendments[0].at).toMatch(/\+08:00$/);
    const refused = await post(`/contracts/${body.contractId}/amendments`, { reason: 'oops', changes: { products: [] } });
    expect(refused.status).toBe(400);
    expect((await get(`/contracts/${body.contractId}`)).body.version).toBe(2);
  });
});

test("the calendar helpers compute in a contract's calendar, with its own added days", async () => {
  const contract = contractBody({ calendarData: { region: 'CN', addHolidays: ['2026-10-09'] } });
  await post('/contracts', contract);
  // 001's response clock (8:30–17:30) from Wednesday 30 Sep to Friday 9 Oct 2026: National Day
  // takes 1–7 Oct, the contract takes 9 Oct: 30 Sep and 8 Oct remain, nine hours each.
  const span = { from: '2026-09-30T08:30:00+08:00', to: '2026-10-09T17:30:00+08:00' };
  const worked = await post('/calendars/working-time', { calendar: { contractId: contract.contractId, calendar: '001-response' }, ...span });
  expect(worked).toMatchObject({ status: 200, body: { workingMinutes: 2 * 9 * 60 } });
  const next = await post('/calendars/next-working-instant', { calendar: { contractId: contract.contractId, calendar: '001-response' }, at: '2026-10-01T10:00:00+08:00' });
  expect(next.body.nextWorkingInstant).toBe('2026-10-08T08:30:00+08:00');
  const wrongName = await post('/calendars/working-time', { calendar: { contractId: contract.contractId, calendar: '5x8' }, ...span });
  expect(wrongName.status).toBe(400);
});

test('a preview for a report in the future is refused', async () => {
  const refused = await post('/deadlines/preview', { preset: '000', severity: '1', reportedAt: '2999-01-01T00:00:00Z' });
  expect(refused.status).toBe(400);
  expect(refused.body.issues[0].path).toEqual(['reportedAt']);
});

describe('cases under a contract', () => {
  test('take the contract policy snapshot: preview and case agree, and an amendment leaves the open case unchanged', async () => {
    const contract = contractBody({ policy: { preset: '002-software' } });
    await post('/contracts', contract);
    const reportedAt = '2026-09-30T20:00:00+08:00'; // evening before China's National Day holiday
    const preview = await post('/deadlines/preview', { contractId: contract.contractId, severity: 'A', reportedAt });
    expect(preview.status).toBe(200);
    // 002 software: the clock starts at the next 5×8 working instant — after the 1–7 October holiday
    // and on the make-up working day China's calendar sets (chinese-days), not on 1 October.
    expect(preview.body.clockStartedAt).not.toMatch(/^2026-10-0[1-7]/);

    const created = await post('/cases', { contractId: contract.contractId, severity: 'A', reportedAt, problem });
    expect(created.status).toBe(201);
    expect(created.body.windows.map((window: { dueAt: string }) => window.dueAt)).toEqual(preview.body.windows.map((window: { dueAt: string }) => window.dueAt));
    expect(created.body.clockStartedAt).toBe(preview.body.clockStartedAt);
    expect(created.body.customer).toEqual(contract.customer);
    const description = await stack.worker.env.client.workflow.getHandle(`hotline-${created.body.caseId}`).describe();
    expect(description.searchAttributes.ContractId).toEqual([contract.contractId]);

    await post(`/contracts/${contract.contractId}/amendments`, { reason: 'Stricter terms', changes: { policy: { preset: '000' } } });
    const after = await get(`/cases/${created.body.caseId}`);
    expect(after.body.policy.id).toBe('002-software');
    expect(after.body.windows.map((window: { dueAt: string }) => window.dueAt)).toEqual(preview.body.windows.map((window: { dueAt: string }) => window.dueAt));
  });

  test('an amendment reaches an open case only when applied, keeping the working time already used', async () => {
    const contract = contractBody({ policy: { preset: '004' } });
    await post('/contracts', contract);
    const created = await post('/cases', { contractId: contract.contractId, severity: 'complex', problem });
    const caseId = created.body.caseId;
    await post(`/contracts/${contract.contractId}/amendments`, { reason: 'Stricter terms', changes: { policy: { preset: '000' } } });

    const unmapped = await post(`/cases/${caseId}/apply-contract`, {});
    expect(unmapped).toMatchObject({ status: 400, body: { error: 'UnknownSeverity' } });
    const applied = await post(`/cases/${caseId}/apply-contract`, { severity: '1' });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ policy: { id: '000' }, severity: '1' });
    expect(applied.body.history.at(-1)).toMatchObject({ type: 'contract-applied', by: 'manager-zhao' });
    // 000 level 1 response: 30 min of 24×7 from the report, less nothing: a few seconds have passed.
    const response = applied.body.windows.find((window: { name: string; status: string }) => window.name === 'response' && window.status === 'running');
    expect(Date.parse(response.dueAt) - Date.parse(created.body.reportedAt)).toBeGreaterThanOrEqual(30 * 60_000 - 5_000);
    expect(Date.parse(response.dueAt) - Date.parse(created.body.reportedAt)).toBeLessThanOrEqual(30 * 60_000 + 5_000);
    const again = await post(`/cases/${caseId}/apply-contract`, { severity: '1' });
    expect(again).toMatchObject({ status: 409, body: { error: 'InvalidState' } });
  });

  test('apply-to-open-cases applies the current terms to every running case of the contract', async () => {
    const contract = contractBody({ policy: { preset: '000' } });
    await post('/contracts', contract);
    const first = await post('/cases', { contractId: contract.contractId, severity: '2', problem });
    const second = await post('/cases', { contractId: contract.contractId, severity: '3', problem });
    await post(`/contracts/${contract.contractId}/amendments`, { reason: 'Shanghai office', changes: { reclassification: 'restart' } });
    const result = await post(`/contracts/${contract.contractId}/apply-to-open-cases`, {});
    expect(result.status).toBe(200);
    expect(result.body.cases.map((entry: { caseId: string; outcome: string }) => [entry.caseId, entry.outcome]).sort()).toEqual(
      [
        [first.body.caseId, 'applied'],
        [second.body.caseId, 'applied'],
      ].sort(),
    );
    expect((await get(`/cases/${first.body.caseId}`)).body.history.at(-1).type).toBe('contract-applied');
  });

  test('terms that come from the contract cannot be re-typed into the case', async () => {
    const contract = contractBody();
    await post('/contracts', contract);
    const refused = await post('/cases', { contractId: contract.contractId, preset: '000', severity: 'L1', problem });
    expect(refused.status).toBe(400);
    expect(refused.body.issues[0].path).toEqual(['preset']);
    const unknown = await post('/cases', { contractId: 'no-such-contract', severity: 'L1', problem });
    expect(unknown).toMatchObject({ status: 422, body: { error: 'UnknownContract' } });
    const badSeverity = await post('/cases', { contractId: contract.contractId, severity: '1', problem });
    expect(badSeverity.status).toBe(400);
    expect(badSeverity.body.issues[0].path).toEqual(['severity']);
  });

  test('a contract without the hotline product refuses hotline cases', async () => {
    const contract = contractBody({ products: ['training'] });
    await post('/contracts', contract);
    const refused = await post('/cases', { contractId: contract.contractId, severity: 'L1', problem });
    expect(refused).toMatchObject({ status: 422, body: { error: 'NotEntitled' } });
  });
});

test('on random presets, severities and report instants, the preview and the case agree', async () => {
  const presets: Record<string, string[]> = {
    '000': ['1', '2', '3'],
    '001': ['L1', 'L2', 'L3'],
    '002-software': ['A', 'B', 'C'],
    '002-hardware': ['A', 'B', 'C'],
    '004': ['standard', 'complex'],
  };
  const from = Date.parse('2026-01-01T00:00:00Z');
  const until = Date.now() - 60_000;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...Object.keys(presets)), fc.nat(99), fc.integer({ min: from, max: until }), async (preset, levelPick, reportedMs) => {
      const severity = presets[preset][levelPick % presets[preset].length];
      const reportedAt = new Date(Math.floor(reportedMs / 1000) * 1000).toISOString();
      const preview = await post('/deadlines/preview', { preset, severity, reportedAt });
      const created = await post('/cases', {
        preset,
        severity,
        reportedAt,
        problem,
        customer: { id: 'cust-random', name: 'Random Ltd', email: 'it@random.example' },
        servicePeriods: [{ kind: 'free', start: '2025-01-01', end: '2099-12-31' }],
      });
      expect(created.status).toBe(201);
      expect(created.body.windows.map((window: { name: string; dueAt: string }) => [window.name, window.dueAt])).toEqual(
        preview.body.windows.map((window: { name: string; dueAt: string }) => [window.name, window.dueAt]),
      );
      expect(created.body.clockStartedAt).toBe(preview.body.clockStartedAt);
    }),
    { numRuns: 20 },
  );
});
