/**
 * The terms a case runs under, as a snapshot with the official days written in as plain dates
 * (D-1, D-20): its policy's calendars, and the office hours that gate its notices. Cases, the
 * deadline preview and the calendar helpers all take them from here.
 */
import type { Client } from '@temporalio/client';
import type { CalendarSpec } from '../domain/calendar';
import type { CalendarDataSource, ContractTerms } from '../domain/contract';
import { DEFAULT_WARNING_PERCENT } from '../domain/contract-schema';
import type { NoticeSettings } from '../domain/notices';
import { type SlaPolicy, standardCalendars } from '../domain/sla-policy';
import { canonicalRegion } from './calendars/official-days';
import { isRoundTheClock, materializePolicy, yearsForCase } from './calendars/materialize';
import { readOperatorYears } from './calendars/operator-years';

/** Writes the region's official days (package + operator years, read once here) into a policy's calendars. */
export type Materializer = (policy: SlaPolicy) => SlaPolicy;

export async function calendarMaterializer(client: Client, source: CalendarDataSource, reportedMs: number, timeZone: string): Promise<Materializer> {
  const operatorYears = await readOperatorYears(client, canonicalRegion(source.region));
  const years = yearsForCase(reportedMs, timeZone);
  return (policy) => materializePolicy(policy, source, years, operatorYears);
}

export async function policySnapshot(client: Client, policy: SlaPolicy, source: CalendarDataSource, reportedMs: number, timeZone: string): Promise<SlaPolicy> {
  return (await calendarMaterializer(client, source, reportedMs, timeZone))(policy);
}

export type NoticeTerms = Pick<ContractTerms, 'noticeRecipients' | 'preBreachWarning' | 'noticesOutsideWorkingTime'>;

/**
 * Notice settings of a case. Office hours are the 5×8 calendar of the customer's zone and region;
 * unless the terms say otherwise, a 24×7 policy notifies at once and any other waits for them.
 */
export function noticeSettings(terms: NoticeTerms, policy: SlaPolicy, materialize: Materializer, timeZone: string): NoticeSettings {
  const officeHours: CalendarSpec = materialize({ ...policy, calendars: { office: standardCalendars(timeZone)['5x8'] } }).calendars.office;
  const roundTheClock = Object.values(policy.calendars).every(isRoundTheClock);
  return {
    to: terms.noticeRecipients,
    ...(terms.preBreachWarning.atPercent !== undefined && { warnAtPercent: terms.preBreachWarning.atPercent }),
    ...(terms.preBreachWarning.minutesBefore !== undefined && { warnMinutesBefore: terms.preBreachWarning.minutesBefore }),
    outsideWorkingTime: terms.noticesOutsideWorkingTime ?? (roundTheClock ? 'at-once' : 'next-working-instant'),
    officeHours,
  };
}

/** Terms of a case without a contract that says nothing about notices. */
export const DEFAULT_NOTICE_TERMS: NoticeTerms = { noticeRecipients: [], preBreachWarning: { atPercent: DEFAULT_WARNING_PERCENT } };
