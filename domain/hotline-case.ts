/**
 * The hotline case: its own state machine — actions arrive in any order and
 * each status allows some — on top of the product-neutral case core, which keeps the clock, the
 * record and the closing. The workflow feeds it actions and the passing of time and carries out
 * what it asks for (e-mails, call-backs); the same rules answer the API's "is this allowed now?".
 */
import { type CaseCore, type CoreIntake, applyCaseTime, nextCaseDeadline, openCore } from './case/core';
import { type ContractReference, applyContractPolicy, endPause, meetEvent, nextWindowDueMs, pauseClock, reclassify } from './case/clock';
import { type CaseStage, type Channel, type ClosingSettings, closeUnconfirmed, closingActionAllowed, confirmSolution, giveSolution, rejectSolution, reopenCase, stageDueBy } from './case/closing';
import { escalate, lastTier } from './case/escalation';
import { type Customer, caseKey, localInstant, recordEntry } from './case/record';
import { type HandingCase, type HandoffProduct, type ProductReport, activeHandoff, applyProductReport, handOver } from './case/handoff';
import type { Email } from './email';
import type { EntitlementDecision, ProblemType, ServicePeriod } from './entitlement';
import { entitlementAt } from './entitlement';
import type { Refusal } from './failures';
import type { HotlineAction } from './hotline-actions';
import type { NoticeSettings } from './notices';
import type { MeetingEvent, SlaPolicy } from './sla-policy';
import { findLevel, visitRefusal } from './sla-policy';
import { PolicyCalendars, giveOnSiteTime } from './sla-windows';

export { HOTLINE_ACTION_TYPES, type HotlineAction, type HotlineActionType } from './hotline-actions';
export { CHANNELS, type Channel, DEFAULT_CLOSING, type ClosingSettings, SPOT_CHECK_RATE, isSampledForCallBack } from './case/closing';
export type { ContractReference } from './case/clock';
export { isBreached } from './case/clock';
export type { AuditEntry, Customer } from './case/record';
export type { DeadlineKind } from './case/core';
export type { Email } from './email';

/** The events a hotline case itself meets; arrival windows belong to on-site visits. */
export const HOTLINE_EVENTS: readonly MeetingEvent[] = ['response', 'solution'];

export type HotlineStatus = 'open' | 'in-progress' | 'solved' | 'auto-closed' | 'closed';

export interface Problem {
  description: string;
  type: ProblemType;
  softwareVersion: string;
  environment: string;
}

export interface HotlineIntake {
  caseId: string;
  customer: Customer;
  problem: Problem;
  severity: string;
  /** When the report was received (D-17); never after intake. */
  reportedAt: string;
  timeZone: string;
  policy: SlaPolicy;
  servicePeriods: ServicePeriod[];
  paidWorkRequested?: boolean;
  openedBy: string;
  closing?: Partial<ClosingSettings>;
  /** How the report came in (absent before channels were recorded). */
  channel?: Channel;
  /** The contract whose terms were snapshotted into this intake, and their version. */
  contract?: ContractReference;
  /** Pre-breach warnings and breach notices; without them, breaches are only recorded. */
  notices?: NoticeSettings;
  /**
   * The rules version the case runs under (CURRENT_RULES when the API opens it). Absent in intakes
   * recorded before versions existed: the workflow runs those under rules 1, as they ran.
   */
  rules?: number;
}

export interface HotlineCase extends HandingCase {
  product: 'hotline';
  problem: Problem;
  /** The hotline's own status; `solved`, `auto-closed` and `closed` follow the core's stage. */
  status: HotlineStatus;
  entitlement: EntitlementDecision;
  owner: string;
}

export class NotEntitledError extends Error {
  override name = 'NotEntitledError';
}

/** Whether the intake is covered, paid work or refused (R-001-1, D-10); the API asks before it starts anything. */
export function intakeEntitlement(intake: HotlineIntake, reportedMs: number): EntitlementDecision {
  return entitlementAt(intake, intake.policy, reportedMs, intake.problem.type, intake.paidWorkRequested ?? false);
}

/** The core's part of a hotline intake: what any product's case would be opened with. */
export function hotlineCoreIntake(intake: HotlineIntake, reportedMs: number, openingDetails?: string): CoreIntake {
  return {
    ...(intake.rules !== undefined && { rules: intake.rules }),
    caseId: intake.caseId,
    product: 'hotline',
    customer: intake.customer,
    timeZone: intake.timeZone,
    policy: intake.policy,
    severity: intake.severity,
    events: HOTLINE_EVENTS,
    reportedMs,
    openedBy: intake.openedBy,
    ...(openingDetails !== undefined && { openingDetails }),
    closing: intake.closing,
    ...(intake.channel !== undefined && { channel: intake.channel }),
    ...(intake.contract && { contract: intake.contract }),
    ...(intake.notices && { notices: intake.notices }),
  };
}

export function createHotlineCase(intake: HotlineIntake, nowMs: number, calendars: PolicyCalendars): HotlineCase {
  const reportedMs = Math.min(Date.parse(intake.reportedAt), nowMs);
  if (!findLevel(intake.policy, intake.severity)) {
    throw new Error(`Policy ${intake.policy.id} has no severity "${intake.severity}"`);
  }
  const entitlement = intakeEntitlement(intake, reportedMs);
  if (entitlement.decision === 'refused') throw new NotEntitledError(entitlement.reason);
  const core = openCore(hotlineCoreIntake(intake, reportedMs, `${entitlement.decision}: ${entitlement.reason}`), nowMs, calendars);
  return { ...core, product: 'hotline', problem: intake.problem, status: 'open', entitlement, owner: intake.openedBy };
}

/** The case as its workflow opens it, computed outside (the same code on the same intake): for start-time search attributes. */
export function openingCase(intake: HotlineIntake): HotlineCase {
  return createHotlineCase(intake, Date.parse(intake.reportedAt), new PolicyCalendars(intake.policy));
}

/** The hotline status of a stage, given the case was `open` or `in-progress` while working. */
function statusOf(stage: CaseStage, working: 'open' | 'in-progress'): HotlineStatus {
  return stage === 'working' ? working : stage;
}

/** Why an action cannot be taken now, or null when it can (the update validator's answer). */
export function refusalOf(state: HotlineCase, action: HotlineAction, nowMs?: number): Refusal | null {
  // An action handled in the same moment a closing deadline fires is judged by the status due by now.
  const stage = nowMs === undefined ? state.stage : stageDueBy(state, nowMs);
  const status = stage === state.stage ? state.status : statusOf(stage, 'in-progress');
  const wrongState = (allowed: HotlineStatus[]): Refusal | null => (allowed.includes(status) ? null : { type: 'InvalidState', message: `Cannot ${action.type} a case that is ${status}` });
  switch (action.type) {
    case 'respond':
      return wrongState(['open']);
    case 'provide-solution':
    case 'record-outcome':
      return wrongState(['open', 'in-progress']);
    case 'confirm':
    case 'reject':
    case 'reopen':
    case 'close':
      return closingActionAllowed(stage, action.type) ? null : wrongState([]);
    case 'change-severity':
      if (!findLevel(state.policy, action.severity)) {
        return { type: 'UnknownSeverity', message: `Policy ${state.policy.id} has no severity "${action.severity}"; use one of ${state.policy.levels.map((level) => level.id).join(', ')}` };
      }
      if (action.severity === state.severity) return { type: 'InvalidState', message: `The case is already at severity ${action.severity}` };
      return wrongState(['open', 'in-progress']);
    case 'pause':
      if (state.paused) return { type: 'InvalidState', message: 'The case is already paused' };
      return wrongState(['open', 'in-progress']);
    case 'resume':
      return state.paused ? null : { type: 'InvalidState', message: 'The case is not paused' };
    case 'apply-contract': {
      const severity = action.severity ?? state.severity;
      if (!findLevel(action.policy, severity)) {
        return {
          type: 'UnknownSeverity',
          message: `Policy ${action.policy.id} has no severity "${severity}"; map the case's level with "severity": one of ${action.policy.levels.map((level) => level.id).join(', ')}`,
        };
      }
      if (state.contract && state.contract.id === action.contract.id && state.contract.version >= action.contract.version) {
        return { type: 'InvalidState', message: `Contract ${action.contract.id} version ${state.contract.version} is already applied` };
      }
      return wrongState(['open', 'in-progress', 'solved', 'auto-closed']);
    }
    case 'escalate':
      if (state.tier >= lastTier(state)) return { type: 'InvalidState', message: `The case is already at the last tier: ${state.policy.escalationTiers[state.tier - 1] ?? state.tier}` };
      return wrongState(['open', 'in-progress']);
    case 'transfer': {
      const active = activeHandoff(state);
      if (active) return { type: 'InvalidState', message: `The case is with ${active.to} already (${active.workflowId}); it reports back when it ends` };
      if (action.to === 'on-site') {
        if (!action.site) return { type: 'InvalidAction', message: 'A transfer to on-site names the site: its address and zone (city or elsewhere)' };
        const notOffered = visitRefusal(state.policy, 'support');
        if (notOffered) return { type: 'TransferUnavailable', message: notOffered };
      }
      return wrongState(['open', 'in-progress']);
    }
  }
}

/** Applies an allowed action at `nowMs`. Callers check `refusalOf` first. */
export function applyAction(state: HotlineCase, action: HotlineAction, nowMs: number, calendars: PolicyCalendars): void {
  const audit = (type: string, details?: string) => recordEntry(state, nowMs, type, action.by, details);
  switch (action.type) {
    case 'respond':
      meetEvent(state, 'response', nowMs, calendars);
      state.status = 'in-progress';
      audit('responded', action.note);
      return;
    case 'provide-solution':
      giveSolution(state, action.solution, action.by, nowMs, calendars);
      state.status = 'solved';
      audit('solution-provided', action.solution);
      return;
    case 'record-outcome':
      giveSolution(state, action.text, action.by, nowMs, calendars, action.outcome);
      state.status = 'solved';
      audit('outcome-recorded', `${action.outcome}: ${action.text}`);
      return;
    case 'confirm':
      confirmSolution(state, nowMs);
      state.status = 'closed';
      audit('confirmed', action.note);
      return;
    case 'close':
      closeUnconfirmed(state, nowMs, action.reason);
      state.status = 'closed';
      audit('closed', action.reason);
      return;
    case 'reject':
      rejectSolution(state, nowMs, calendars);
      state.status = 'in-progress';
      audit('solution-rejected', action.reason);
      return;
    case 'reopen':
      reopenCase(state, nowMs, calendars);
      state.status = 'in-progress';
      audit('reopened', action.reason);
      return;
    case 'change-severity': {
      const from = state.severity;
      reclassify(state, action.severity, nowMs, calendars);
      audit('severity-changed', `${from} → ${action.severity}${action.reason ? `: ${action.reason}` : ''}`);
      return;
    }
    case 'pause':
      pauseClock(state, nowMs, calendars);
      audit('paused', action.reason);
      return;
    case 'resume':
      endPause(state, nowMs, calendars);
      audit('resumed', action.note);
      return;
    case 'apply-contract': {
      const from = { policy: state.policy.id, severity: state.severity };
      const toLevel = action.severity ?? state.severity;
      applyContractPolicy(state, action.contract, action.policy, toLevel, nowMs, calendars);
      audit(
        'contract-applied',
        `Contract ${action.contract.id} version ${action.contract.version}: policy ${from.policy} → ${action.policy.id}, severity ${from.severity} → ${toLevel}; working time already used is kept`,
      );
      return;
    }
    case 'escalate':
      escalate(state, nowMs, calendars, { cause: 'engineer', dueMs: nowMs, by: action.by, reason: action.reason });
      return;
    case 'transfer': {
      // The first agent stays the owner until the product accepts the case (首问责任制).
      const handoff = handOver(state, action.to, action.situation, action.by, nowMs, action.site);
      // 002 software C: on site within 24 h meets the one window that remote work meets within 12 h (R-002-1).
      if (action.to === 'on-site') {
        for (const window of giveOnSiteTime(state.windows, calendars)) audit('window-extended', `${window.label}: an arrival meets it until ${localInstant(state, window.dueMs!)}`);
      }
      state.status = 'in-progress';
      state.outbox.push(handoffEmail(state, handoff.to));
      return;
    }
  }
}

/** What a product handed the case reports (acceptance, an event meeting a window, its outcome); false when it concerns no hand-over. */
export function applyReport(state: HotlineCase, report: ProductReport, nowMs: number, calendars: PolicyCalendars): boolean {
  if (!applyProductReport(state, report, nowMs, calendars)) return false;
  if (state.stage === 'solved' && state.status !== 'solved') state.status = 'solved';
  return true;
}

/** The customer is told the next step and its time (R-003-1). */
function handoffEmail(state: HotlineCase, to: HandoffProduct): Email {
  const due = nextWindowDueMs(state);
  const product = to === 'remote' ? 'remote maintenance' : 'an on-site visit';
  return {
    key: `${caseKey(state)}/handoff/${state.handoffs?.length ?? 0}`,
    to: state.customer.email,
    subject: `Case ${state.caseId}: handed to ${product}`,
    text:
      `Dear ${state.customer.name},\n\ncase ${state.caseId} (${state.problem.description.slice(0, 200)}) goes to ${product}. ` +
      `Next: an engineer agrees an appointment with you${due === null ? '' : `, within our commitment due ${localInstant(state, due)}`}. ` +
      `${state.owner} stays your contact until the engineer takes the case over.\n`,
  };
}

/** The next instant at which time alone changes the case, and why. */
export function nextDeadline(state: HotlineCase, calendars: PolicyCalendars = new PolicyCalendars(state.policy)) {
  return nextCaseDeadline(state, calendars);
}

/** Applies what the passing of time does by `nowMs`: breaches with escalation, notices, auto-close, final close. */
export function applyTime(state: HotlineCase, nowMs: number, calendars: PolicyCalendars): void {
  applyCaseTime(state, nowMs, calendars, state.problem.description);
  if (state.stage !== 'working') state.status = state.stage;
}

/**
 * A case carried through continue-as-new by a run before the core kept its own stage and events:
 * both follow from what that run recorded.
 */
export function upgradeCarriedCase(state: HotlineCase): HotlineCase {
  const carried = state as Partial<HotlineCase> & HotlineCase;
  if (carried.stage === undefined) carried.stage = carried.status === 'open' || carried.status === 'in-progress' ? 'working' : carried.status;
  if (carried.events === undefined) carried.events = [...HOTLINE_EVENTS];
  if (carried.running === undefined) carried.running = carried.stage === 'working';
  if (carried.rules === undefined) carried.rules = 1;
  return carried;
}
