/** Pre-breach warning thresholds (domain/notices.ts). */
import { warningDueMs, type NoticeSettings } from '../../domain/notices';
import { presetPolicy } from '../../domain/sla-policy';
import { PolicyCalendars, openWindows } from '../../domain/sla-windows';
import { applyTime, createHotlineCase } from '../../domain/hotline-case';
import { hotlineIntake } from '../helpers/fixtures';

const T0 = Date.parse('2025-06-10T02:00:00Z');
const settings = (warn: Partial<NoticeSettings>): NoticeSettings => ({ to: [], outsideWorkingTime: 'at-once', officeHours: { timeZone: 'UTC', weekly: { mon: [['09:00', '17:00']] } }, ...warn });

test.each([
  ['80 % of a 30-minute window', { warnAtPercent: 80 }, 24],
  ['10 minutes before due', { warnMinutesBefore: 10 }, 20],
  ['the earlier of both', { warnAtPercent: 50, warnMinutesBefore: 10 }, 15],
  ['a setting before the window starts is ignored, the other one counts', { warnAtPercent: 80, warnMinutesBefore: 60 }, 24],
])('warns at %s', (_name, warn, minutes) => {
  const policy = presetPolicy('000');
  const calendars = new PolicyCalendars(policy);
  const [response] = openWindows(policy, '1', T0, ['response'], calendars);
  expect(warningDueMs(response, settings(warn), T0, calendars)).toBe(T0 + minutes * 60_000);
});

test('no usable setting, no warning', () => {
  const policy = presetPolicy('000');
  const calendars = new PolicyCalendars(policy);
  const [response] = openWindows(policy, '1', T0, ['response'], calendars);
  expect(warningDueMs(response, settings({ warnMinutesBefore: 45 }), T0, calendars)).toBeNull();
});

describe('a warning the breach overtook', () => {
  const notices: NoticeSettings = { to: ['desk@vendor.example'], warnAtPercent: 80, outsideWorkingTime: 'at-once', officeHours: { timeZone: 'UTC', weekly: { mon: [['09:00', '17:00']] } } };
  const open = () => {
    const intake = hotlineIntake({ preset: '000', severity: '1', reportedAt: new Date(T0).toISOString(), notices });
    const calendars = new PolicyCalendars(intake.policy);
    return { state: createHotlineCase(intake, T0, calendars), calendars };
  };

  test('time applied past both (no worker ran meanwhile): the breach notice goes, the warning is recorded as superseded, not sent', () => {
    const { state, calendars } = open();
    applyTime(state, T0 + 31 * 60_000, calendars);
    expect(state.audit.map((entry) => entry.type)).toEqual(expect.arrayContaining(['warning-superseded', 'breach-notified']));
    expect(state.audit.map((entry) => entry.type)).not.toContain('warned');
    expect(state.outbox.map((email) => email.key)).toEqual([expect.stringContaining('/breach/0/')]);
  });

  test('time applied in order: the warning goes first, and nothing is superseded', () => {
    const { state, calendars } = open();
    applyTime(state, T0 + 25 * 60_000, calendars);
    applyTime(state, T0 + 31 * 60_000, calendars);
    expect(state.audit.map((entry) => entry.type)).toEqual(expect.arrayContaining(['warned', 'breach-notified']));
    expect(state.audit.map((entry) => entry.type)).not.toContain('warning-superseded');
  });
});
