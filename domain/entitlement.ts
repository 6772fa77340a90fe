/**
 * Service entitlement at intake (domain.md §5): a request inside a service period is covered;
 * outside it is refused with the reason, or taken as paid work when the request asks for that.
 * Software defects are accepted outside the periods only where the preset says so (002: defects
 * fixed free for life); 000, 001 and 004 fix them within the service period (domain.md §5).
 */
import { ZoneOffsets, localDateOf } from './time-zone';

export const PROBLEM_TYPES = ['bug', 'data', 'requirement', 'environment', 'operation'] as const;
export type ProblemType = (typeof PROBLEM_TYPES)[number];

export interface ServicePeriod {
  kind: 'free' | 'paid';
  /** First and last local date covered (YYYY-MM-DD, inclusive). */
  start: string;
  end: string;
}

export type EntitlementDecision =
  | { decision: 'covered'; reason: string; period?: ServicePeriod }
  | { decision: 'paid-work'; reason: string }
  | { decision: 'refused'; reason: string };

export interface EntitlementRequest {
  servicePeriods: ServicePeriod[];
  /** Local date of the report in the customer's zone. */
  reportedOn: string;
  problemType: ProblemType;
  paidWorkRequested: boolean;
  /** 002: defects are fixed free for life. Unset (intakes before this rule): always, as then. */
  defectsAlwaysCovered?: boolean;
}

export function checkEntitlement(request: EntitlementRequest): EntitlementDecision {
  const period = request.servicePeriods.find((candidate) => candidate.start <= request.reportedOn && request.reportedOn <= candidate.end);
  if (period) return { decision: 'covered', reason: `Reported on ${request.reportedOn}, inside the ${period.kind} service period ${period.start} to ${period.end}`, period };
  if (request.problemType === 'bug' && request.defectsAlwaysCovered !== false) return { decision: 'covered', reason: 'Software defects are always accepted' };
  const latest = [...request.servicePeriods].sort((a, b) => (a.end < b.end ? 1 : -1))[0];
  const why = latest
    ? request.reportedOn > latest.end
      ? `the service period ended on ${latest.end}`
      : `no service period covers ${request.reportedOn} (the next starts on ${earliestStartAfter(request)})`
    : 'the customer has no service period';
  if (request.paidWorkRequested) return { decision: 'paid-work', reason: `Started as paid work: ${why}` };
  return { decision: 'refused', reason: `Not entitled: ${why}. Ask for paid work to proceed.` };
}

function earliestStartAfter(request: EntitlementRequest): string {
  const starts = request.servicePeriods.map((period) => period.start).filter((start) => start > request.reportedOn).sort();
  return starts[0] ?? 'none';
}

/** The decision for a report received at `reportedMs`, read as a date in the customer's zone. */
export function entitlementAt(
  terms: { servicePeriods: ServicePeriod[]; timeZone: string; defectsAlwaysCovered?: boolean },
  reportedMs: number,
  problemType: ProblemType,
  paidWorkRequested: boolean,
): EntitlementDecision {
  return checkEntitlement({
    servicePeriods: terms.servicePeriods,
    reportedOn: localDateOf(reportedMs, new ZoneOffsets(terms.timeZone)),
    problemType,
    paidWorkRequested,
    defectsAlwaysCovered: terms.defectsAlwaysCovered,
  });
}
