/**
 * Service entitlement at intake (R-001-1, D-10): a request inside a service period is covered;
 * outside it is refused with the reason, or taken as paid work when the request asks for that.
 * Outside the periods a software defect follows the preset's defect rule (002 fixes it free for
 * life; 000 supports it without time limit, the fix paid after the free year; 001 and 004 only
 * within the period, C4), and a new requirement is routed, never counted as fault support (D-11).
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

/**
 * How a preset treats a software defect (C4): fixed within the service period only
 * (001, 004); fixed free for life (002); supported without time limit, with the free fix
 * limited to the first year after deployment (000, R-000-3).
 */
export const DEFECT_RULES = ['in-period', 'free-for-life', 'support-unlimited'] as const;
export type DefectRule = (typeof DEFECT_RULES)[number];

/**
 * How a new requirement is routed (D-11) — never as covered fault support: small changes
 * included (004: ≤ 1 person-day each, ≤ 30 working days a year), change requests within existing
 * functions in the first year after installation (000, M000-7), otherwise paid custom development
 * (001 §1.10, M001-9; 002, M002-5).
 */
export const REQUIREMENT_RULES = ['paid', 'small-changes', 'first-year-changes'] as const;
export type RequirementRule = (typeof REQUIREMENT_RULES)[number];

export type EntitlementDecision =
  | {
      decision: 'covered';
      reason: string;
      period?: ServicePeriod;
      /** A defect accepted as support, whose code fix is paid work (000 after the free year). */
      fix?: 'free' | 'paid';
      /** A requirement taken under the contract: a small change (004) or a first-year change request (000). */
      route?: 'small-change' | 'change-request';
    }
  | { decision: 'paid-work'; reason: string }
  | { decision: 'refused'; reason: string };

export interface EntitlementRequest {
  servicePeriods: ServicePeriod[];
  /** Local date of the report in the customer's zone. */
  reportedOn: string;
  problemType: ProblemType;
  paidWorkRequested: boolean;
  /** Intakes before `defects`: 002 fixed defects free for life; unset meant always, as then. */
  defectsAlwaysCovered?: boolean;
  /** The preset's defect rule; policies snapshotted before it have none (then `defectsAlwaysCovered`). */
  defects?: DefectRule;
  /** The preset's requirement rule; absent on older snapshots (then a requirement is treated like any problem). */
  requirements?: RequirementRule;
}

/** The service period a local date falls in, if any. */
export function periodCovering(periods: readonly ServicePeriod[], localDate: string): ServicePeriod | undefined {
  return periods.find((candidate) => candidate.start <= localDate && localDate <= candidate.end);
}

export function checkEntitlement(request: EntitlementRequest): EntitlementDecision {
  const period = periodCovering(request.servicePeriods, request.reportedOn);
  if (request.problemType === 'requirement' && request.requirements !== undefined) return routeRequirement(request, request.requirements, period);
  if (period) return { decision: 'covered', reason: `Reported on ${request.reportedOn}, inside the ${period.kind} service period ${period.start} to ${period.end}`, period };
  if (request.problemType === 'bug') {
    if (request.defects === 'free-for-life') return { decision: 'covered', reason: 'Software defects are fixed free for life (002)', fix: 'free' };
    if (request.defects === 'support-unlimited') {
      return { decision: 'covered', reason: 'Software defects get support without time limit; after the free year a code fix is paid work (000)', fix: 'paid' };
    }
    if (request.defects === undefined && request.defectsAlwaysCovered !== false) return { decision: 'covered', reason: 'Software defects are always accepted' };
  }
  return outsidePeriods(request);
}

function outsidePeriods(request: EntitlementRequest, what = ''): EntitlementDecision {
  const latest = [...request.servicePeriods].sort((a, b) => (a.end < b.end ? 1 : -1))[0];
  const why = latest
    ? request.reportedOn > latest.end
      ? `the service period ended on ${latest.end}`
      : `no service period covers ${request.reportedOn} (the next starts on ${earliestStartAfter(request)})`
    : 'the customer has no service period';
  if (request.paidWorkRequested) return { decision: 'paid-work', reason: `Started as paid work: ${what}${why}` };
  return { decision: 'refused', reason: `Not entitled: ${what}${why}. Ask for paid work to proceed.` };
}

/** First-year change requests (000) count from installation: the start of the first free period. */
const CHANGE_REQUEST_MONTHS = 12;

function routeRequirement(request: EntitlementRequest, rule: RequirementRule, period: ServicePeriod | undefined): EntitlementDecision {
  const paid = (why: string): EntitlementDecision =>
    request.paidWorkRequested
      ? { decision: 'paid-work', reason: `Started as paid custom development: ${why}` }
      : { decision: 'refused', reason: `Not covered: ${why}. Ask for paid work (custom development) to proceed.` };
  if (rule === 'small-changes') {
    if (period)
      return { decision: 'covered', route: 'small-change', period, reason: 'A small change: included if it takes at most 1 person-day, up to 30 working days a year under the contract (004)' };
    return outsidePeriods(request, 'a small change is included only inside a service period; ');
  }
  if (rule === 'first-year-changes') {
    const installed = request.servicePeriods
      .filter((candidate) => candidate.kind === 'free')
      .map((candidate) => candidate.start)
      .sort()[0];
    if (installed !== undefined && request.reportedOn >= installed && request.reportedOn < addMonthsToDate(installed, CHANGE_REQUEST_MONTHS)) {
      return {
        decision: 'covered',
        route: 'change-request',
        ...(period && { period }),
        reason: `A change request within the existing functions in the first year after installation (${installed}): a solution and a fix date within 2 days (000)`,
      };
    }
    return paid(`new requirements after the first year from installation are custom development (000)`);
  }
  return paid('new requirements are paid custom development, never covered fault support (001 §1.10, 002)');
}

/** A local date `months` calendar months later (the day clamped to the month's end). */
function addMonthsToDate(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

function earliestStartAfter(request: EntitlementRequest): string {
  const starts = request.servicePeriods
    .map((period) => period.start)
    .filter((start) => start > request.reportedOn)
    .sort();
  return starts[0] ?? 'none';
}

/** The decision for a report received at `reportedMs`, read as a date in the customer's zone. */
/** What a policy says about entitlement; an `SlaPolicy` is one. */
export interface EntitlementRules {
  defectsAlwaysCovered?: boolean;
  defects?: DefectRule;
  requirements?: RequirementRule;
}

export function entitlementAt(
  terms: { servicePeriods: ServicePeriod[]; timeZone: string },
  rules: EntitlementRules,
  reportedMs: number,
  problemType: ProblemType,
  paidWorkRequested: boolean,
): EntitlementDecision {
  return checkEntitlement({
    servicePeriods: terms.servicePeriods,
    reportedOn: localDateOf(reportedMs, new ZoneOffsets(terms.timeZone)),
    problemType,
    paidWorkRequested,
    defectsAlwaysCovered: rules.defectsAlwaysCovered,
    ...(rules.defects !== undefined && { defects: rules.defects }),
    ...(rules.requirements !== undefined && { requirements: rules.requirements }),
  });
}
