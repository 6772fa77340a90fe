/**
 * The case as the API shows it (domain.md §8): every instant in ISO 8601 with the customer's offset,
 * every window with its policy, level, due instant, outcome and working time left.
 */
import type { HotlineCase } from './hotline-case';
import { PolicyCalendars, workingTimeLeftMs } from './sla-windows';
import { ZoneOffsets, formatInstant } from './time-zone';

export function hotlineCaseView(state: HotlineCase, nowMs: number) {
  const zone = new ZoneOffsets(state.timeZone);
  const at = (ms: number | null) => (ms === null ? null : formatInstant(ms, zone));
  const calendars = new PolicyCalendars(state.policy);
  const live = (status: string) => status === 'open' || status === 'in-progress';
  return {
    caseId: state.caseId,
    product: state.product,
    status: state.status,
    paused: state.paused,
    severity: state.severity,
    policy: { id: state.policy.id, name: state.policy.name },
    escalation: { tier: state.tier, name: state.policy.escalationTiers[state.tier - 1] ?? null, tiers: state.policy.escalationTiers },
    owner: state.owner,
    customer: state.customer,
    problem: state.problem,
    timeZone: state.timeZone,
    entitlement: state.entitlement,
    reportedAt: at(state.reportedMs),
    intakeAt: at(state.intakeMs),
    clockStartedAt: at(state.clockStartMs),
    windows: state.windows.map((window) => ({
      name: window.name,
      label: window.label,
      policy: window.policyId,
      level: window.level,
      calendar: window.calendar,
      dueAt: at(window.dueMs ?? window.breachedDueMs),
      range: window.minMs === undefined ? null : { minHours: window.minMs / 3_600_000, maxHours: window.budgetMs / 3_600_000 },
      status: window.superseded ? 'superseded' : window.metMs !== null ? (window.breachedDueMs !== null ? 'met-late' : 'met') : window.breachedDueMs !== null ? 'breached' : window.runningSinceMs === null ? 'paused' : 'running',
      metAt: at(window.metMs),
      breachedAt: at(window.breachRecordedMs),
      workingMinutesLeft:
        window.superseded || window.metMs !== null || !live(state.status)
          ? null
          : Math.round(workingTimeLeftMs(window, nowMs, calendars) / 60_000),
    })),
    breaches: state.breaches.map((breach) => ({ window: breach.window, level: breach.level, dueAt: at(breach.dueMs), recordedAt: at(breach.recordedMs) })),
    solution: state.solution && { text: state.solution.text, by: state.solution.by, at: at(state.solution.atMs) },
    autoClosedAt: at(state.autoClosedMs),
    closedAt: at(state.closedMs),
    closeReason: state.closeReason,
    pauses: state.pauses.map((pause) => ({ from: at(pause.fromMs), to: at(pause.toMs) })),
    history: state.audit.map((entry) => ({ at: at(entry.atMs), type: entry.type, by: entry.by, details: entry.details ?? null })),
    warnings: state.warnings,
  };
}

export type HotlineCaseView = ReturnType<typeof hotlineCaseView>;
