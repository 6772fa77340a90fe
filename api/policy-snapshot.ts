/**
 * The policy a case runs under, as a snapshot with its calendars' official days written in as plain
 * dates (issue 7 §1–2). Cases, the deadline preview and the calendar helpers all take it from here.
 */
import type { Client } from '@temporalio/client';
import type { CalendarDataSource } from '../domain/contract';
import type { SlaPolicy } from '../domain/sla-policy';
import { canonicalRegion } from './calendars/official-days';
import { materializePolicy, yearsForCase } from './calendars/materialize';
import { readOperatorYears } from './calendars/operator-years';

export async function policySnapshot(client: Client, policy: SlaPolicy, source: CalendarDataSource, reportedMs: number, timeZone: string): Promise<SlaPolicy> {
  const operatorYears = await readOperatorYears(client, canonicalRegion(source.region));
  return materializePolicy(policy, source, yearsForCase(reportedMs, timeZone), operatorYears);
}
