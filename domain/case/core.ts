/**
 * The product-neutral case: its record, its SLA clock and how it closes, opened in one step and
 * moved on by time in one step. A product adds its own state and actions on top (the hotline's
 * state machine, a remote session's steps) and never re-implements these.
 */
import type { MeetingEvent, SlaPolicy } from '../sla-policy';
import type { PolicyCalendars } from '../sla-windows';
import type { NoticeSettings } from '../notices';
import type { ProductId } from '../products';
import { CURRENT_RULES, type CaseClock, type ClockDeadlineKind, type ContractReference, applyClockTime, nextClockDeadlines, openClock } from './clock';
import { type CaseClosing, type Channel, type ClosingSettings, applyClosingTime, autoCloseDueMs, closingDefaults, finalCloseDueMs, openClosing } from './closing';
import { type CaseRecord, type Customer, recordEntry } from './record';

export interface CaseCore extends CaseRecord, CaseClock, CaseClosing {
  intakeMs: number;
}

export interface CoreIntake {
  /** The rules version (see CURRENT_RULES); the newest unless a workflow replays an older run. */
  rules?: number;
  caseId: string;
  product: ProductId;
  customer: Customer;
  timeZone: string;
  policy: SlaPolicy;
  severity: string;
  /** The events this product meets windows with. */
  events: readonly MeetingEvent[];
  reportedMs: number;
  openedBy: string;
  /** What the opening entry of the audit says (e.g. the entitlement decision). */
  openingDetails?: string;
  closing?: Partial<ClosingSettings>;
  /** How the request came in; decides whether silence closes it (R-001-8). */
  channel?: Channel;
  contract?: ContractReference;
  notices?: NoticeSettings;
}

export function openCore(intake: CoreIntake, nowMs: number, calendars: PolicyCalendars): CaseCore {
  const rules = intake.rules ?? CURRENT_RULES;
  const core: CaseCore = {
    caseId: intake.caseId,
    product: intake.product,
    customer: intake.customer,
    timeZone: intake.timeZone,
    audit: [],
    outbox: [],
    intakeMs: nowMs,
    ...openClock(intake, calendars),
    ...openClosing(closingDefaults(intake.policy.id, rules), intake.closing, intake.channel, rules),
  };
  recordEntry(core, nowMs, 'opened', intake.openedBy, intake.openingDetails);
  return core;
}

export type DeadlineKind = ClockDeadlineKind | 'auto-close' | 'final-close';

/** The next instant at which time alone changes the case, and why. */
export function nextCaseDeadline(core: CaseCore, calendars: PolicyCalendars): { atMs: number; kind: DeadlineKind } | null {
  const candidates: { atMs: number; kind: DeadlineKind }[] = nextClockDeadlines(core, calendars);
  const autoClose = autoCloseDueMs(core);
  if (autoClose !== null) candidates.push({ atMs: autoClose, kind: 'auto-close' });
  const finalClose = finalCloseDueMs(core);
  if (finalClose !== null) candidates.push({ atMs: finalClose, kind: 'final-close' });
  return candidates.sort((a, b) => a.atMs - b.atMs)[0] ?? null;
}

/** Applies what the passing of time does by `nowMs`; `describe` names the case in the customer's e-mail. */
export function applyCaseTime(core: CaseCore, nowMs: number, calendars: PolicyCalendars, describe: string): void {
  applyClockTime(core, nowMs, calendars);
  applyClosingTime(core, nowMs, describe);
}
