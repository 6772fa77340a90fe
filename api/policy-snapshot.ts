/**
 * The terms a case runs under, as a snapshot with the official days written in as plain dates
 * (issue 7 §1–2): its policy's calendars, and the office hours that gate its notices. Cases, the
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

export async function policySnapshot(client: Client, policy: SlaPolicy, source: CalendarDataSource, reportedMs: number, timeZone: string): Promise<SlaPolicy> {
  const operatorYears = await readOperatorYears(client, canonicalRegion(source.region));
  return materializePolicy(policy, source, yearsForCase(reportedMs, timeZone), operatorYears);
}

export type NoticeTerms = Pick<ContractTerms, 'noticeRecipients' | 'preBreachWarning' | 'noticesOutsideWorkingTime'>;

/**
 * Notice settings of a case. Office hours are the 5×8 calendar of the customer's zone and region;
 * unless the terms say otherwise, a 24×7 policy notifies at once and any other waits for them.
 */
export async function noticeSettings(client: Client, terms: NoticeTerms, policy: SlaPolicy, source: CalendarDataSource, reportedMs: number, timeZone: string): Promise<NoticeSettings> {
  const office: SlaPolicy = { ...policy, calendars: { office: standardCalendars(timeZone)['5x8'] } };
  const officeHours: CalendarSpec = (await policySnapshot(client, office, source, reportedMs, timeZone)).calendars.office;
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
