/**
 * A case as the API shows it, whatever its product (D-17, D-18, D-19): every instant in ISO 8601 with
 * the customer's offset, every window with its policy, level, due instant, outcome and working
 * time left, and every recorded change with who made it.
 */
import type { SlaWindow } from '../sla-windows';
import { PolicyCalendars, workingTimeLeftMs } from '../sla-windows';
import { ZoneOffsets, formatInstant } from '../time-zone';
import type { CaseCore } from './core';
import type { AuditEntry } from './record';

export type WindowStatus = 'superseded' | 'met' | 'met-late' | 'breached' | 'paused' | 'running';

export function windowStatus(window: SlaWindow): WindowStatus {
  if (window.superseded) return 'superseded';
  if (window.metMs !== null) return window.breachedDueMs !== null ? 'met-late' : 'met';
  if (window.breachedDueMs !== null) return 'breached';
  return window.runningSinceMs === null ? 'paused' : 'running';
}

export function caseCoreView(core: CaseCore, nowMs: number) {
  const zone = new ZoneOffsets(core.timeZone);
  const at = (ms: number | null) => (ms === null ? null : formatInstant(ms, zone));
  const calendars = new PolicyCalendars(core.policy);
  return {
    caseId: core.caseId,
    product: core.product,
    stage: core.stage,
    paused: core.paused,
    severity: core.severity,
    policy: { id: core.policy.id, name: core.policy.name },
    escalation: {
      tier: core.tier,
      name: core.policy.escalationTiers[core.tier - 1] ?? null,
      tiers: core.policy.escalationTiers,
      nextAt: at(core.running ? (core.tierClock?.dueMs ?? null) : null),
      changes: (core.tierChanges ?? []).map((change) => ({
        from: change.from,
        to: change.to,
        cause: change.cause,
        at: at(change.atMs),
        dueAt: at(change.dueMs),
        by: change.by,
        reason: change.reason ?? null,
      })),
    },
    customer: core.customer,
    timeZone: core.timeZone,
    reportedAt: at(core.reportedMs),
    intakeAt: at(core.intakeMs),
    clockStartedAt: at(core.clockStartMs),
    windows: core.windows.map((window) => ({
      name: window.name,
      label: window.label,
      policy: window.policyId,
      level: window.level,
      calendar: window.calendar,
      dueAt: at(window.dueMs ?? window.breachedDueMs),
      range: window.minMs === undefined ? null : { minHours: window.minMs / 3_600_000, maxHours: window.budgetMs / 3_600_000 },
      status: windowStatus(window),
      metAt: at(window.metMs),
      breachedAt: at(window.breachRecordedMs),
      workingMinutesLeft: window.superseded || window.metMs !== null || !core.running ? null : Math.round(workingTimeLeftMs(window, nowMs, calendars) / 60_000),
    })),
    breaches: core.breaches.map((breach) => ({ window: breach.window, level: breach.level, dueAt: at(breach.dueMs), recordedAt: at(breach.recordedMs) })),
    solution: core.solution && { text: core.solution.text, by: core.solution.by, at: at(core.solution.atMs) },
    autoClosedAt: at(core.autoClosedMs),
    closedAt: at(core.closedMs),
    closeReason: core.closeReason,
    pauses: core.pauses.map((pause) => ({ from: at(pause.fromMs), to: at(pause.toMs) })),
    history: core.audit.map((entry) => auditEntryView(entry, at)),
    /** Older entries, archived: GET …/history has them all. */
    historyArchived: core.auditArchived ?? 0,
    /** E-mails queued and not yet sent: held for office hours, or being retried (the mail server down). */
    pendingEmails: core.outbox.map((email) => ({ to: email.to, subject: email.subject, notBefore: at(email.notBeforeMs ?? null) })),
    warnings: core.warnings,
  };
}

export function auditEntryView(entry: AuditEntry, at: (ms: number | null) => string | null) {
  return { at: at(entry.atMs), type: entry.type, by: entry.by, details: entry.details ?? null };
}
