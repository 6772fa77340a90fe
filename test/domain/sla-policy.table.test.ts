/**
 * The six SLA presets against docs/rules.md (windows and durations: R-000-1, M000-1, R-001-6, R-002-1,
 * R-002-4, R-004-1; calendars and clock start: C2, D-2–D-4; tiers: C11) and the due instants a
 * concrete report implies.
 */
import type { CalendarSpec, TimeRange } from '../../domain/calendar';
import { amendmentSchema, contractTermsObject } from '../../domain/contract-schema';
import { newPolicySchema, parseSlaPolicy, slaPolicySchema } from '../../domain/policy-schema';
import { PRESET_IDS, type PresetId, type SlaPolicy, compareSeverity, presetPolicy } from '../../domain/sla-policy';
import { PolicyCalendars, clockStartMs, openWindows } from '../../domain/sla-windows';
import { ZoneOffsets, formatInstant } from '../../domain/time-zone';

const H = 60;

interface ExpectedWindow {
  name: string;
  maxMinutes: number;
  minMinutes?: number;
  calendar: string;
  metBy: 'response' | 'solution' | 'arrival' | 'remote-start';
}

/** The presets' windows as docs/rules.md states them, level by level, most severe first (C1). */
const EXPECTED: Record<PresetId, { levels: [string, ExpectedWindow[]][]; tiers: number }> = {
  // 000: response 30 min / 1 h / 1 h; diagnosis 4 h / 8 h / 24 h; design default 24×7.
  '000': {
    levels: [
      [
        '1',
        [
          { name: 'response', maxMinutes: 30, calendar: '24x7', metBy: 'response' },
          { name: 'diagnosis', maxMinutes: 4 * H, calendar: '24x7', metBy: 'solution' },
        ],
      ],
      [
        '2',
        [
          { name: 'response', maxMinutes: 1 * H, calendar: '24x7', metBy: 'response' },
          { name: 'diagnosis', maxMinutes: 8 * H, calendar: '24x7', metBy: 'solution' },
        ],
      ],
      [
        '3',
        [
          { name: 'response', maxMinutes: 1 * H, calendar: '24x7', metBy: 'response' },
          { name: 'diagnosis', maxMinutes: 24 * H, calendar: '24x7', metBy: 'solution' },
        ],
      ],
    ],
    tiers: 2,
  },
  // 000 second scale: critical application 1 h, other applications 1 working day (8 h of 5×8).
  '000-application': {
    levels: [
      ['critical', [{ name: 'response', maxMinutes: 1 * H, calendar: '24x7', metBy: 'response' }]],
      ['other', [{ name: 'response', maxMinutes: 8 * H, calendar: '5x8', metBy: 'response' }]],
    ],
    tiers: 2,
  },
  // 001: response in working hours (8:30–17:30): ≤ 1, ≤ 8, 1–12, 1–16, 1–24 (due at the upper bound).
  '001': {
    levels: [
      ['L1', [{ name: 'response', maxMinutes: 1 * H, calendar: '001-response', metBy: 'response' }]],
      ['L2', [{ name: 'response', maxMinutes: 8 * H, calendar: '001-response', metBy: 'response' }]],
      ['L3', [{ name: 'response', minMinutes: 1 * H, maxMinutes: 12 * H, calendar: '001-response', metBy: 'response' }]],
      ['L4', [{ name: 'response', minMinutes: 1 * H, maxMinutes: 16 * H, calendar: '001-response', metBy: 'response' }]],
      ['non-fault', [{ name: 'response', minMinutes: 1 * H, maxMinutes: 24 * H, calendar: '001-response', metBy: 'response' }]],
    ],
    tiers: 3,
  },
  // 002 software (C worst): C remote work starts within 12 h; B solved within 24 h; A within 12 h;
  // elapsed hours once the clock has started at the next 5×8 working instant.
  '002-software': {
    levels: [
      // R-002-1: remote work started (12 h) or on site, whichever first; not met by a mere response.
      ['C', [{ name: 'remote-start', maxMinutes: 12 * H, calendar: '24x7', metBy: 'remote-start' }]],
      ['B', [{ name: 'resolution', maxMinutes: 24 * H, calendar: '24x7', metBy: 'solution' }]],
      ['A', [{ name: 'resolution', maxMinutes: 12 * H, calendar: '24x7', metBy: 'solution' }]],
    ],
    tiers: 2,
  },
  // 002 hardware (A worst): A 24×7 on site 1 h; B 5×24 reply 1 h, arrival 24 h; C 5×8 reply 2 h,
  // arrival 72 h; D periodic maintenance (no window). Arrival counts elapsed hours (R-002-4).
  '002-hardware': {
    levels: [
      ['A', [{ name: 'arrival', maxMinutes: 1 * H, calendar: '24x7', metBy: 'arrival' }]],
      [
        'B',
        [
          { name: 'response', maxMinutes: 1 * H, calendar: '5x24', metBy: 'response' },
          { name: 'arrival', maxMinutes: 24 * H, calendar: '24x7', metBy: 'arrival' },
        ],
      ],
      [
        'C',
        [
          { name: 'response', maxMinutes: 2 * H, calendar: '5x8', metBy: 'response' },
          { name: 'arrival', maxMinutes: 72 * H, calendar: '24x7', metBy: 'arrival' },
        ],
      ],
      ['D', []],
    ],
    tiers: 2,
  },
  // 004: 7×24, respond within 30 min, restore within 2 h, complex cases within 24 h.
  '004': {
    levels: [
      [
        'standard',
        [
          { name: 'response', maxMinutes: 30, calendar: '24x7', metBy: 'response' },
          { name: 'restore', maxMinutes: 2 * H, calendar: '24x7', metBy: 'solution' },
        ],
      ],
      [
        'complex',
        [
          { name: 'response', maxMinutes: 30, calendar: '24x7', metBy: 'response' },
          { name: 'restore', maxMinutes: 24 * H, calendar: '24x7', metBy: 'solution' },
        ],
      ],
    ],
    tiers: 3,
  },
};

const ALL_DAY: TimeRange[] = [['00:00', '24:00']];
const MON_FRI = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
const WEEKEND = ['sat', 'sun'] as const;

/** What each named calendar means (C2, D-20): which days, which hours. */
const CALENDAR_HOURS: Record<string, { days: readonly string[]; ranges: TimeRange[] }> = {
  '24x7': { days: [...MON_FRI, ...WEEKEND], ranges: ALL_DAY },
  '5x24': { days: MON_FRI, ranges: ALL_DAY },
  '5x8': {
    days: MON_FRI,
    ranges: [
      ['09:00', '12:00'],
      ['13:00', '18:00'],
    ],
  },
  '001-response': { days: MON_FRI, ranges: [['08:30', '17:30']] },
};

function expectCalendar(spec: CalendarSpec, name: string, timeZone: string): void {
  const expected = CALENDAR_HOURS[name];
  expect(spec.timeZone).toBe(timeZone);
  for (const day of [...MON_FRI, ...WEEKEND]) {
    expect([day, spec.weekly[day] ?? []]).toEqual([day, expected.days.includes(day) ? expected.ranges : []]);
  }
}

describe.each(PRESET_IDS.map((id) => [id]))('preset %s', (id) => {
  const policy = presetPolicy(id);
  const expected = EXPECTED[id];

  test('has the levels of its rules, most severe first (C1)', () => {
    expect(policy.id).toBe(id);
    expect(policy.levels.map((level) => level.id)).toEqual(expected.levels.map(([level]) => level));
  });

  test.each(expected.levels)('level %s has the windows, durations and calendars of docs/rules.md', (levelId, windows) => {
    const level = policy.levels.find((candidate) => candidate.id === levelId)!;
    expect(level.windows.map(({ name, maxMinutes, minMinutes, calendar, metBy }) => ({ name, maxMinutes, minMinutes, calendar, metBy }))).toEqual(
      windows.map((window) => ({ minMinutes: undefined, ...window })),
    );
    for (const window of windows) expectCalendar(policy.calendars[window.calendar], window.calendar, 'Asia/Shanghai');
  });

  test('has the escalation tiers of C11 and the default reclassification rule (D-6)', () => {
    expect(policy.escalationTiers).toHaveLength(expected.tiers);
    expect(policy.reclassification).toBe('default');
  });

  test('starts the clock at the report, except 002 software (next 5×8 working instant)', () => {
    expect(policy.clockStart).toEqual(id === '002-software' ? { kind: 'next-working-instant', calendar: '5x8' } : { kind: 'reported' });
    if (policy.clockStart.kind === 'next-working-instant') expectCalendar(policy.calendars[policy.clockStart.calendar], '5x8', 'Asia/Shanghai');
  });

  test('puts every calendar in the requested time zone (default Asia/Shanghai)', () => {
    const berlin = presetPolicy(id, 'Europe/Berlin');
    for (const spec of Object.values(berlin.calendars)) expect(spec.timeZone).toBe('Europe/Berlin');
    for (const spec of Object.values(policy.calendars)) expect(spec.timeZone).toBe('Asia/Shanghai');
  });
});

test('001 has three tiers: local specialist → dedicated maintenance team → product and technical experts', () => {
  expect(presetPolicy('001').escalationTiers).toEqual(['Local service specialist', 'Dedicated maintenance team', 'Product and technical experts']);
});

test('severity order: the first level is the worst (000 1, 001 L1, 002-software C, 002-hardware A)', () => {
  expect(compareSeverity(presetPolicy('000'), '1', '3')).toBeLessThan(0);
  expect(compareSeverity(presetPolicy('001'), 'L1', 'non-fault')).toBeLessThan(0);
  expect(compareSeverity(presetPolicy('002-software'), 'C', 'A')).toBeLessThan(0);
  expect(compareSeverity(presetPolicy('002-hardware'), 'A', 'C')).toBeLessThan(0);
  expect(compareSeverity(presetPolicy('004'), 'complex', 'standard')).toBeGreaterThan(0);
});

/** Due instants of every window of a level for a report at `reportedAt`, as ISO with the zone's offset. */
function dues(policy: SlaPolicy, level: string, reportedAt: string) {
  const calendars = new PolicyCalendars(policy);
  const zone = new ZoneOffsets(policy.calendars[Object.keys(policy.calendars)[0]].timeZone);
  const start = clockStartMs(policy.clockStart, Date.parse(reportedAt), calendars);
  const windows = openWindows(policy, level, start, ['response', 'solution', 'arrival', 'remote-start'], calendars);
  return {
    clockStart: formatInstant(start, zone),
    due: Object.fromEntries(windows.map((window) => [window.name, formatInstant(window.dueMs!, zone)])),
  };
}

describe('due instants for a concrete report (Asia/Shanghai)', () => {
  test.each<[PresetId, string, string, string, Record<string, string>]>([
    // 000, 24×7: a report just before midnight is due after midnight.
    ['000', '1', '2025-06-13T23:50:00+08:00', '2025-06-13T23:50:00+08:00', { response: '2025-06-14T00:20:00+08:00', diagnosis: '2025-06-14T03:50:00+08:00' }],
    ['000', '2', '2025-06-13T23:50:00+08:00', '2025-06-13T23:50:00+08:00', { response: '2025-06-14T00:50:00+08:00', diagnosis: '2025-06-14T07:50:00+08:00' }],
    ['000', '3', '2025-06-13T23:50:00+08:00', '2025-06-13T23:50:00+08:00', { response: '2025-06-14T00:50:00+08:00', diagnosis: '2025-06-14T23:50:00+08:00' }],
    // 000-application: critical 1 h elapsed; other 1 working day = Fri 15–18 + Mon 9–12 + 13–15.
    ['000-application', 'critical', '2025-06-13T15:00:00+08:00', '2025-06-13T15:00:00+08:00', { response: '2025-06-13T16:00:00+08:00' }],
    ['000-application', 'other', '2025-06-13T15:00:00+08:00', '2025-06-13T15:00:00+08:00', { response: '2025-06-16T15:00:00+08:00' }],
    // 001, 8:30–17:30 Mon–Fri, reported Friday 17:00 (half an hour left that day, 9 h a day after).
    ['001', 'L1', '2025-06-13T17:00:00+08:00', '2025-06-13T17:00:00+08:00', { response: '2025-06-16T09:00:00+08:00' }],
    ['001', 'L2', '2025-06-13T17:00:00+08:00', '2025-06-13T17:00:00+08:00', { response: '2025-06-16T16:00:00+08:00' }],
    ['001', 'L3', '2025-06-13T17:00:00+08:00', '2025-06-13T17:00:00+08:00', { response: '2025-06-17T11:00:00+08:00' }],
    ['001', 'L4', '2025-06-13T17:00:00+08:00', '2025-06-13T17:00:00+08:00', { response: '2025-06-17T15:00:00+08:00' }],
    ['001', 'non-fault', '2025-06-13T17:00:00+08:00', '2025-06-13T17:00:00+08:00', { response: '2025-06-18T14:00:00+08:00' }],
    // 002 software, reported Friday 20:00: the clock starts Monday 09:00 and counts elapsed hours.
    ['002-software', 'C', '2025-06-13T20:00:00+08:00', '2025-06-16T09:00:00+08:00', { 'remote-start': '2025-06-16T21:00:00+08:00' }],
    ['002-software', 'B', '2025-06-13T20:00:00+08:00', '2025-06-16T09:00:00+08:00', { resolution: '2025-06-17T09:00:00+08:00' }],
    ['002-software', 'A', '2025-06-13T20:00:00+08:00', '2025-06-16T09:00:00+08:00', { resolution: '2025-06-16T21:00:00+08:00' }],
    // Reported inside working hours: starts at once; 12 elapsed hours run through the night.
    ['002-software', 'A', '2025-06-10T10:30:00+08:00', '2025-06-10T10:30:00+08:00', { resolution: '2025-06-10T22:30:00+08:00' }],
    // Reported in the lunch break: starts at 13:00.
    ['002-software', 'A', '2025-06-10T12:10:00+08:00', '2025-06-10T13:00:00+08:00', { resolution: '2025-06-11T01:00:00+08:00' }],
    // 002 hardware, reported Saturday 10:00.
    ['002-hardware', 'A', '2025-06-14T10:00:00+08:00', '2025-06-14T10:00:00+08:00', { arrival: '2025-06-14T11:00:00+08:00' }],
    ['002-hardware', 'B', '2025-06-14T10:00:00+08:00', '2025-06-14T10:00:00+08:00', { response: '2025-06-16T01:00:00+08:00', arrival: '2025-06-15T10:00:00+08:00' }],
    // C: 72 h of 5×8 = nine 8-hour working days, Mon 16 … Thu 26 June.
    ['002-hardware', 'C', '2025-06-14T10:00:00+08:00', '2025-06-14T10:00:00+08:00', { response: '2025-06-16T11:00:00+08:00', arrival: '2025-06-17T10:00:00+08:00' }],
    ['002-hardware', 'D', '2025-06-14T10:00:00+08:00', '2025-06-14T10:00:00+08:00', {}],
    // 004, 7×24 on a Saturday.
    ['004', 'standard', '2025-06-14T10:00:00+08:00', '2025-06-14T10:00:00+08:00', { response: '2025-06-14T10:30:00+08:00', restore: '2025-06-14T12:00:00+08:00' }],
    ['004', 'complex', '2025-06-14T10:00:00+08:00', '2025-06-14T10:00:00+08:00', { response: '2025-06-14T10:30:00+08:00', restore: '2025-06-15T10:00:00+08:00' }],
  ])('%s level %s reported %s: clock starts %s', (id, level, reportedAt, clockStart, due) => {
    expect(dues(presetPolicy(id), level, reportedAt)).toEqual({ clockStart, due });
  });
});

describe('due instants in Europe/Berlin across daylight saving time', () => {
  test('002 software reported on the Saturday before the March change starts Monday 09:00 summer time', () => {
    expect(dues(presetPolicy('002-software', 'Europe/Berlin'), 'A', '2025-03-29T12:00:00+01:00')).toEqual({
      clockStart: '2025-03-31T09:00:00+02:00',
      due: { resolution: '2025-03-31T21:00:00+02:00' },
    });
  });

  test('004 counts elapsed time through the lost hour: 01:30 + 2 h is 04:30 summer time', () => {
    expect(dues(presetPolicy('004', 'Europe/Berlin'), 'standard', '2025-03-30T01:30:00+01:00').due).toEqual({
      response: '2025-03-30T03:00:00+02:00',
      restore: '2025-03-30T04:30:00+02:00',
    });
  });

  test('004 counts elapsed time through the repeated hour: 01:30 + 2 h is 02:30 winter time', () => {
    expect(dues(presetPolicy('004', 'Europe/Berlin'), 'standard', '2025-10-26T01:30:00+02:00').due.restore).toBe('2025-10-26T02:30:00+01:00');
  });
});

describe('a contract’s own policy is validated by slaPolicySchema (domain/policy-schema.ts)', () => {
  // D-1: "a policy is a list of windows per level …, so a contract can define its own"; all six fit one shape.
  test.each(PRESET_IDS.map((id) => [id]))('preset %s fits the shape a contract may carry, unchanged', (id) => {
    const preset = presetPolicy(id);
    expect(slaPolicySchema.parse(preset)).toEqual(preset);
    expect(parseSlaPolicy(JSON.parse(JSON.stringify(preset)))).toEqual(preset);
  });

  /** A valid custom policy: 4 h response in a Berlin office calendar, 2 tiers. */
  function custom(): SlaPolicy {
    return {
      id: 'acme-2026',
      name: 'Acme custom',
      levels: [
        { id: 'P1', label: 'Outage', windows: [{ name: 'response', label: 'Response', maxMinutes: 4 * H, minMinutes: 60, calendar: 'office', metBy: 'response' }] },
        { id: 'P2', label: 'Other', windows: [{ name: 'response', label: 'Response', maxMinutes: 16 * H, calendar: 'office', metBy: 'response' }] },
      ],
      calendars: { office: { timeZone: 'Europe/Berlin', weekly: { mon: [['09:00', '17:00']], fri: [['09:00', '13:00']] }, holidays: ['2026-12-25'] } },
      clockStart: { kind: 'reported' },
      escalationTiers: ['Support', 'Engineering'],
      reclassification: 'carry-elapsed',
      defects: 'in-period',
      requirements: 'paid',
    };
  }

  test('a policy a contract takes on now must state its defect rule (R-000-3); one stored before the rule still parses', () => {
    const { defects: _defects, ...withoutRule } = custom();
    expect(newPolicySchema.safeParse(withoutRule).success).toBe(false);
    expect(newPolicySchema.safeParse(custom()).success).toBe(true);
    expect(slaPolicySchema.safeParse(withoutRule).success).toBe(true);
  });

  test('a contract stored before the defect rule can still be amended in its other terms; a new policy of its own must state it', () => {
    const { defects: _defects, ...stored } = custom();
    expect(amendmentSchema.safeParse({ by: 'sales', reason: 'New desk', changes: { noticeRecipients: ['desk@vendor.example'] } }).success).toBe(true);
    expect(contractTermsObject.shape.policy.safeParse({ custom: stored }).success).toBe(true);
    expect(amendmentSchema.safeParse({ by: 'sales', reason: 'New policy', changes: { policy: { custom: stored } } }).success).toBe(false);
  });

  test('a custom policy parses unchanged', () => {
    expect(parseSlaPolicy(custom())).toEqual(custom());
  });

  test.each<[string, (policy: SlaPolicy) => unknown]>([
    [
      'a negative duration',
      (p) => {
        p.levels[0].windows[0].maxMinutes = -60;
        return p;
      },
    ],
    [
      'a zero duration',
      (p) => {
        p.levels[0].windows[0].maxMinutes = 0;
        return p;
      },
    ],
    [
      'a fractional minute',
      (p) => {
        p.levels[0].windows[0].maxMinutes = 1.5;
        return p;
      },
    ],
    [
      'a lower bound above the upper bound',
      (p) => {
        p.levels[0].windows[0].minMinutes = 5 * H;
        return p;
      },
    ],
    [
      'a window counting in a calendar the policy does not have',
      (p) => {
        p.levels[1].windows[0].calendar = '24x7';
        return p;
      },
    ],
    ['an unknown meeting event', (p) => ({ ...p, levels: [{ ...p.levels[0], windows: [{ ...p.levels[0].windows[0], metBy: 'apology' }] }] })],
    [
      'the same level twice',
      (p) => {
        p.levels[1].id = 'P1';
        return p;
      },
    ],
    ['no levels', (p) => ({ ...p, levels: [] })],
    ['no escalation tier', (p) => ({ ...p, escalationTiers: [] })],
    ['an unknown reclassification rule', (p) => ({ ...p, reclassification: 'forgive' })],
    ['an unknown clock start', (p) => ({ ...p, clockStart: { kind: 'tomorrow' } })],
    ['a clock start in a missing calendar', (p) => ({ ...p, clockStart: { kind: 'next-working-instant', calendar: '5x8' } })],
    [
      'a time zone that is not IANA',
      (p) => {
        p.calendars.office.timeZone = 'Mars/Olympus_Mons';
        return p;
      },
    ],
    [
      'a time that is not HH:MM',
      (p) => {
        p.calendars.office.weekly.mon = [['9:00', '17:00']];
        return p;
      },
    ],
    [
      'a time past 24:00',
      (p) => {
        p.calendars.office.weekly.mon = [['09:00', '24:30']];
        return p;
      },
    ],
    [
      'an interval that ends before it starts',
      (p) => {
        p.calendars.office.weekly.mon = [['17:00', '09:00']];
        return p;
      },
    ],
    [
      'a calendar with no working time at all',
      (p) => {
        p.calendars.office.weekly = {};
        return p;
      },
    ],
    [
      'a holiday that is not a date',
      (p) => {
        p.calendars.office.holidays = ['25.12.2026'];
        return p;
      },
    ],
  ])('rejects %s', (_label, mutate) => {
    expect(slaPolicySchema.safeParse(mutate(custom())).success).toBe(false);
  });

  test('the refusal of a calendar without working time carries the calendar’s own reason', () => {
    const policy = custom();
    policy.calendars.office.weekly = {};
    const result = slaPolicySchema.safeParse(policy);
    expect(result.success || result.error.issues.map((issue) => issue.message)).toEqual(['The calendar has no working time at all']);
  });
});
