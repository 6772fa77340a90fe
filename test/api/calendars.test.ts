/**
 * Calendar routes over real HTTP, against a real worker on the Temporal CLI dev server: an operator
 * adds a year of official days without a release (D-20), and backend teams compute in working
 * time with the calendars cases use.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { addYearUpdate, officialDaysWorkflowId } from '../../workflows/official-days';
import { useApiStack } from '../helpers/http';

const stack = useApiStack('calendars');
const { post, get } = stack;

const issuePaths = (body: { issues?: { path: unknown[] }[] }) => (body.issues ?? []).map((issue) => issue.path);

/** Illustrative 2027 dates, shaped like a State Council notice; not the official arrangement. */
const china2027 = {
  year: 2027,
  holidays: ['2027-01-01', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12', '2027-10-01', '2027-10-04'],
  workingDays: ['2027-02-20'],
  source: 'test notice',
};

/** 5×8 of the 000-application preset in China, with the official days of the years asked about. */
const cn5x8 = { preset: '000-application', calendar: '5x8' };

describe('official days', () => {
  // One region, one record: these tests walk the CN record in order.
  test('an operator adds China 2027 without a release, and it reads back merged with the package', async () => {
    const before = await get('/calendars/CN/official-days?from=2026&to=2027');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ region: 'CN', missingYears: [2027], coverage: { from: '2026-01-01', to: '2026-12-31' } });

    const added = await post('/calendars/cn/official-days', china2027);
    expect(added.status).toBe(201);
    expect(added.headers.get('location')).toBe('/calendars/CN/official-days?year=2027');
    expect(added.body).toMatchObject({ region: 'CN', year: 2027, by: 'admin-wu', source: 'test notice', workingDays: ['2027-02-20'] });
    expect(Date.parse(added.body.at)).toBeGreaterThan(Date.now() - 60_000);

    const after = await get('/calendars/CN/official-days?from=2026&to=2027');
    expect(after.body).toMatchObject({ missingYears: [], coverage: { from: '2026-01-01', to: '2027-12-31' } });
    expect(after.body.years).toEqual([
      { year: 2026, source: { kind: 'package', package: 'chinese-days@1.5.7' } },
      { year: 2027, source: { kind: 'operator', by: 'admin-wu', at: added.body.at, source: 'test notice' } },
    ]);
    expect(after.body.holidays).toEqual(expect.arrayContaining(['2026-02-15', '2026-10-01', ...china2027.holidays]));
    expect(after.body.workingDays).toEqual(expect.arrayContaining(['2026-02-14', '2027-02-20']));

    const one = await get('/calendars/CN/official-days?year=2027');
    expect(one.body.holidays).toEqual(china2027.holidays);
  });

  test('the same year again is a 409 unless it says replace; the replacement keeps who added it before', async () => {
    const again = await post('/calendars/CN/official-days', china2027);
    expect(again).toMatchObject({ status: 409, body: { error: 'YearExists' } });

    // Another admin replaces it.
    const { key } = await stack.api.keys.create({ principal: 'admin-li', role: 'admin' });
    const replaced = await post('/calendars/CN/official-days', { ...china2027, holidays: [...china2027.holidays, '2027-10-05'], replace: true }, { authorization: `Bearer ${key}` });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ by: 'admin-li', replaced: [{ by: 'admin-wu', source: 'test notice' }] });
    expect((await get('/calendars/CN/official-days?year=2027')).body.holidays).toContain('2027-10-05');

    // A year the package has counts as existing too.
    const packageYear = await post('/calendars/CN/official-days', { ...china2027, year: 2026, holidays: ['2026-01-01'], workingDays: [] });
    expect(packageYear).toMatchObject({ status: 409, body: { error: 'YearExists' } });
  });

  test('a date outside the year, an impossible date, or a day both off and worked is a 400 naming each; nothing is started', async () => {
    const refused = await post('/calendars/DE-BE/official-days', {
      year: 2027,
      holidays: ['2027-01-01', '2026-12-31', '2027-02-30'],
      workingDays: ['2027-01-01'],
      replace: true,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_request');
    expect(issuePaths(refused.body)).toEqual([
      ['holidays', 1],
      ['holidays', 2],
      ['workingDays', 0],
    ]);
    await expect(stack.worker.env.client.workflow.getHandle(officialDaysWorkflowId('DE-BE')).describe()).rejects.toThrow(WorkflowNotFoundError);

    // Who adds a year is the caller: a body naming someone is refused, not believed.
    const namedBy = await post('/calendars/CN/official-days', { ...china2027, year: 2028, by: 'someone-else' });
    expect(namedBy.status).toBe(400);
    expect(issuePaths(namedBy.body)).toEqual([['by']]);
  });

  test("the workflow's own validator refuses bad dates too, before anything is written", async () => {
    const handle = stack.worker.env.client.workflow.getHandle(officialDaysWorkflowId('CN'));
    const attempt = handle.executeUpdate(addYearUpdate, { args: [{ year: 2028, holidays: ['2027-12-31'], workingDays: [], by: 'script' }] });
    const error = await attempt.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (error as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('InvalidOfficialDays');
    expect(cause.message).toContain('2027-12-31 is not in 2028');
    expect((await get('/calendars/CN/official-days?year=2028')).body.missingYears).toEqual([2028]);
  });

  test('other regions come from date-holidays; an unknown region is a 400 naming it', async () => {
    const berlin = await get('/calendars/de-be/official-days?year=2026');
    expect(berlin.body).toMatchObject({ region: 'DE-BE', workingDays: [], missingYears: [], years: [{ year: 2026, source: { kind: 'package', package: 'date-holidays@3.37.0' } }] });
    expect(berlin.body.holidays).toContain('2026-03-08');

    for (const route of ['/calendars/XX/official-days?year=2026', '/calendars/DE-ZZ/official-days?year=2026']) {
      const unknown = await get(route);
      expect(unknown.status).toBe(400);
      expect(issuePaths(unknown.body)).toEqual([['region']]);
    }
    expect((await post('/calendars/XX/official-days', china2027)).status).toBe(400);
    const noYear = await get('/calendars/CN/official-days');
    expect(noYear.status).toBe(400);
    expect(issuePaths(noYear.body)).toEqual([['year']]);
  });
});

describe('working-time helpers', () => {
  test("working minutes across China's National Day week, with the official days", async () => {
    const response = await post('/calendars/working-time', { calendar: cn5x8, from: '2026-09-30T09:00:00+08:00', to: '2026-10-09T18:00:00+08:00' });
    expect(response.status).toBe(200);
    // 30 September, 8 and 9 October: three 8-hour days; 1–7 October are off.
    expect(response.body).toMatchObject({
      timeZone: 'Asia/Shanghai',
      from: '2026-09-30T09:00:00+08:00',
      to: '2026-10-09T18:00:00+08:00',
      workingMinutes: 3 * 480,
      dataCoverage: { from: '2026-01-01', to: '2026-12-31' },
      outsideDataCoverage: false,
      missingYears: [],
    });

    // The same span in a calendar given in full, without holidays: eight working days.
    const plain = await post('/calendars/working-time', {
      calendar: {
        timeZone: 'Asia/Shanghai',
        weekly: Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [
            day,
            [
              ['09:00', '12:00'],
              ['13:00', '18:00'],
            ],
          ]),
        ),
      },
      from: '2026-09-30T01:00:00Z',
      to: '2026-10-09T10:00:00Z',
    });
    expect(plain.body).toMatchObject({ workingMinutes: 8 * 480, from: '2026-09-30T09:00:00+08:00' });
    expect(plain.body.dataCoverage).toBeUndefined();
  });

  test("the operator's 2027 counts; a year nobody added is flagged as outside the data", async () => {
    // 2027-02-05 (Friday) 17:00 to 2027-02-15 (Monday) 10:00: 1 h + 1 h; 6–12 February are off in the operator's 2027.
    const covered = await post('/calendars/working-time', { calendar: cn5x8, from: '2027-02-05T17:00:00+08:00', to: '2027-02-15T10:00:00+08:00' });
    expect(covered.body).toMatchObject({ workingMinutes: 120, outsideDataCoverage: false, dataCoverage: { from: '2027-01-01', to: '2027-12-31' } });

    const uncovered = await post('/calendars/working-time', { calendar: cn5x8, from: '2028-03-01T09:00:00+08:00', to: '2028-03-02T09:00:00+08:00' });
    expect(uncovered.body).toMatchObject({ workingMinutes: 480, outsideDataCoverage: true, missingYears: [2028] });
  });

  test('the next working instant: after the National Day week, on a 调休 Saturday, and across a DST change', async () => {
    const afterHoliday = await post('/calendars/next-working-instant', { calendar: cn5x8, at: '2026-09-30T18:30:00+08:00' });
    expect(afterHoliday.body).toMatchObject({ at: '2026-09-30T18:30:00+08:00', nextWorkingInstant: '2026-10-08T09:00:00+08:00', workingNow: false });

    const makeUpSaturday = await post('/calendars/next-working-instant', { calendar: { ...cn5x8, preset: '001', calendar: '001-response' }, at: '2026-02-13T18:00:00+08:00' });
    expect(makeUpSaturday.body.nextWorkingInstant).toBe('2026-02-14T08:30:00+08:00');

    const contractDayOff = await post('/calendars/next-working-instant', { calendar: { ...cn5x8, removeWorkingDays: ['2026-02-14'] }, at: '2026-02-13T18:00:00+08:00' });
    expect(contractDayOff.body.nextWorkingInstant).toBe('2026-02-24T09:00:00+08:00');

    const berlin = await post('/calendars/next-working-instant', { calendar: { ...cn5x8, timeZone: 'Europe/Berlin', region: 'DE-BE' }, at: '2026-03-28T12:00:00Z' });
    // Saturday 28 March; clocks go forward on the 29th; Monday 30 March 09:00 is +02:00.
    expect(berlin.body).toMatchObject({ at: '2026-03-28T13:00:00+01:00', nextWorkingInstant: '2026-03-30T09:00:00+02:00', timeZone: 'Europe/Berlin' });

    const working = await post('/calendars/next-working-instant', { calendar: cn5x8, at: '2026-10-09T10:00:00+08:00' });
    expect(working.body).toMatchObject({ nextWorkingInstant: '2026-10-09T10:00:00+08:00', workingNow: true });
  });

  test.each([
    ['a calendar with no working time at all', { calendar: { timeZone: 'Asia/Shanghai', weekly: {} } }, ['calendar']],
    ['an invalid time zone', { calendar: { timeZone: 'Mars/Olympus', weekly: { mon: [['09:00', '17:00']] } } }, ['calendar', 'timeZone']],
    ['an invalid time zone on a preset calendar', { calendar: { ...cn5x8, timeZone: 'Mars/Olympus' } }, ['calendar', 'timeZone']],
    ['a calendar the preset does not have', { calendar: { preset: '001', calendar: '5x8' } }, ['calendar', 'calendar']],
    ['an unknown region', { calendar: { ...cn5x8, region: 'XX' } }, ['calendar', 'region']],
    ['a range that ends before it starts', { calendar: cn5x8, from: '2026-03-02T09:00:00+08:00', to: '2026-03-01T09:00:00+08:00' }, ['to']],
  ])('working-time: %s is a 400 naming the field', async (_name, overrides, field) => {
    const response = await post('/calendars/working-time', { from: '2026-03-02T09:00:00+08:00', to: '2026-03-03T09:00:00+08:00', ...overrides });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
    expect(issuePaths(response.body)).toContainEqual(field);
  });

  test('next-working-instant: no working time within ten years is a 400 naming the calendar', async () => {
    const noneLeft = await post('/calendars/next-working-instant', {
      calendar: { timeZone: 'Asia/Shanghai', weekly: {}, extraWorkingDays: ['2020-01-04'] },
      at: '2026-03-02T09:00:00+08:00',
    });
    expect(noneLeft.status).toBe(400);
    expect(issuePaths(noneLeft.body)).toEqual([['calendar']]);
    const none = await post('/calendars/next-working-instant', { calendar: { timeZone: 'Asia/Shanghai', weekly: {} }, at: '2026-03-02T09:00:00+08:00' });
    expect(none.status).toBe(400);
    expect(issuePaths(none.body)).toEqual([['calendar']]);
  });
});
