/**
 * Pre-breach warnings and breach notices: a warning when a window has used a share of
 * its working time or is a given working time from due, and a notice at every breach — delivered at
 * once, or at the next instant of office hours when the contract says so (24×7 presets: at once),
 * so nobody is e-mailed at midnight about a window that counts working hours.
 */
import { BusinessCalendar, type CalendarSpec } from './calendar';
import type { Email } from './email';
import type { PolicyCalendars, SlaWindow } from './sla-windows';
import { ZoneOffsets, formatInstant } from './time-zone';

export interface NoticeSettings {
  /** Who gets the e-mails (service desk, escalation contacts); none: notices are only recorded. */
  to: string[];
  /** Warn when this share (1–99 %) of a window's working time is used. */
  warnAtPercent?: number;
  /** Warn this much working time before due. With both, the earlier warning wins. */
  warnMinutesBefore?: number;
  outsideWorkingTime: 'at-once' | 'next-working-instant';
  /** Office hours that gate delivery when `outsideWorkingTime` is `next-working-instant`. */
  officeHours: CalendarSpec;
}

export interface Notice {
  kind: 'warning' | 'breach';
  /** Index of the window in the case's window list (windows are only ever appended). */
  window: number;
  /** When the warning or breach happened. */
  atMs: number;
  /** When the e-mail may go. */
  deliverAtMs: number;
}

/** Working time used when the warning is due, or null when the settings ask for none. */
export function warningThresholdMs(window: SlaWindow, settings: NoticeSettings): number | null {
  const candidates: number[] = [];
  if (settings.warnAtPercent !== undefined) candidates.push((window.budgetMs * settings.warnAtPercent) / 100);
  if (settings.warnMinutesBefore !== undefined) candidates.push(window.budgetMs - settings.warnMinutesBefore * 60_000);
  // A setting that lands before the window even starts (60 min before a 30-min window) does not count.
  const usable = candidates.filter((candidate) => candidate > 0);
  return usable.length === 0 ? null : Math.min(...usable);
}

/** The instant a running window reaches its warning threshold (now, if it already has). */
export function warningDueMs(window: SlaWindow, settings: NoticeSettings, nowMs: number, calendars: PolicyCalendars): number | null {
  if (window.runningSinceMs === null || window.metMs !== null || window.superseded || window.breachedDueMs !== null) return null;
  const threshold = warningThresholdMs(window, settings);
  if (threshold === null) return null;
  const calendar = calendars.get(window.calendar);
  const used = window.consumedMs + calendar.workingTimeBetween(window.runningSinceMs, Math.max(nowMs, window.runningSinceMs));
  if (used >= threshold) return Math.max(nowMs, window.runningSinceMs);
  return calendar.addWorkingTime(window.runningSinceMs, threshold - window.consumedMs);
}

/** When a notice happening at `atMs` may be delivered. */
export function deliveryMs(atMs: number, settings: NoticeSettings, officeHours: BusinessCalendar): number {
  if (settings.outsideWorkingTime === 'at-once') return atMs;
  // An instant at the very end of office hours still counts as inside them.
  if (officeHours.isWorkingInstant(atMs) || officeHours.isWorkingInstant(atMs - 1)) return atMs;
  return officeHours.nextWorkingInstant(atMs);
}

export function officeHoursOf(settings: NoticeSettings): BusinessCalendar {
  return new BusinessCalendar(settings.officeHours);
}

/** `caseKey` prefixes the idempotency keys (the case's workflow id). */
export function noticeEmails(caseKey: string, caseId: string, notice: Notice, window: SlaWindow, settings: NoticeSettings, tierName: string, timeZone: string): Email[] {
  const zone = new ZoneOffsets(timeZone);
  const due = formatInstant(window.breachedDueMs ?? window.dueMs ?? notice.atMs, zone);
  const subject =
    notice.kind === 'warning'
      ? `Case ${caseId}: ${window.label} window (level ${window.level}) due ${due}`
      : `Case ${caseId}: ${window.label} window (level ${window.level}) breached, due ${due}`;
  const text =
    notice.kind === 'warning'
      ? `The ${window.label.toLowerCase()} window of case ${caseId} is due ${due} and has not been met.\n`
      : `The ${window.label.toLowerCase()} window of case ${caseId} passed its due instant ${due} unmet. The case is escalated: ${tierName}.\n`;
  return settings.to.map((to) => ({
    key: `${caseKey}/${notice.kind}/${notice.window}/${to}`,
    to,
    subject,
    text,
    ...(notice.deliverAtMs > notice.atMs && { notBeforeMs: notice.deliverAtMs }),
  }));
}
