/**
 * A case handed to another product (M003-3: remote maintenance or an on-site visit),
 * and what that product reports back by signal. Product-neutral: the case that hands over keeps
 * its windows running and its first agent as owner until the product accepts it (first-contact
 * ownership, 首问责任制); the product's events meet the case's windows and its outcome returns.
 */
import { type CaseCore, openCore } from './core';
import { type ContractReference, meetEvent } from './clock';
import type { Channel, ClosingSettings } from './closing';
import type { NoticeSettings } from '../notices';
import type { SlaPolicy } from '../sla-policy';
import { giveSolution } from './closing';
import { type Customer, recordEntry } from './record';
import type { Refusal } from '../failures';
import type { MeetingEvent } from '../sla-policy';
import type { PolicyCalendars } from '../sla-windows';
import { type ProductId, caseWorkflowId } from '../products';
import type { Site } from '../on-site-actions';

/** The products a case may be handed to. */
export const HANDOFF_PRODUCTS = ['remote', 'on-site'] as const;
export type HandoffProduct = (typeof HANDOFF_PRODUCTS)[number];

/** The events each product meets windows with, when it owns them. */
export const PRODUCT_EVENTS: Record<HandoffProduct, readonly MeetingEvent[]> = {
  remote: ['response', 'remote-start', 'solution'],
  'on-site': ['response', 'arrival', 'solution'],
};

export type HandoffOutcome = 'solved' | 'failed' | 'withdrawn';

export interface Handoff {
  to: HandoffProduct;
  /** The product's case id (see handoffCaseId). */
  caseId: string;
  workflowId: string;
  /** The write-up of the actual situation the product starts from (M003-3). */
  situation: string;
  /** Where an on-site visit goes. */
  site?: Site;
  by: string;
  atMs: number;
  /** `starting` until the child is started (an effect of the case's loop). */
  state: 'starting' | 'running' | 'accepted' | HandoffOutcome;
  acceptedBy?: string;
}

/** A product's report to the case it was handed (a signal addressed by the case's workflow id). */
export type ProductReport =
  /** `meets`: the parent's events the acceptance meets at once (the appointment is the response). */
  | { kind: 'accepted'; product: HandoffProduct; by: string; meets?: MeetingEvent[] }
  | { kind: 'event'; product: HandoffProduct; event: MeetingEvent; by: string }
  | { kind: 'outcome'; product: HandoffProduct; outcome: HandoffOutcome; text: string; by: string };

/** Who hands over to whom, as the child's intake names its parent. */
export interface ParentCase {
  workflowId: string;
  product: ProductId;
  /** The parent's windows the child's events meet (reported back); the child opens none of its own for them. */
  ownsEvents: MeetingEvent[];
}

/** What a product case (remote, on-site…) starts from, directly or handed over by a case. */
export interface ProductIntake {
  caseId: string;
  customer: Customer;
  timeZone: string;
  policy: SlaPolicy;
  severity: string;
  /** When the problem was reported (the hotline's report when handed over). */
  reportedMs: number;
  openedBy: string;
  /** The write-up of the actual situation (M003-3), or the request. */
  situation: string;
  channel?: Channel;
  closing?: Partial<ClosingSettings>;
  contract?: ContractReference;
  notices?: NoticeSettings;
  /** The case that handed this one over: it owns the windows of `parent.ownsEvents`. */
  parent?: ParentCase;
}

/** A product case's core: the windows its parent owns are met there (reported back), never opened twice. */
export function openProductCore(intake: ProductIntake, product: HandoffProduct, openingDetails: string, nowMs: number, calendars: PolicyCalendars): CaseCore {
  const owned = intake.parent?.ownsEvents ?? [];
  return openCore(
    {
      caseId: intake.caseId,
      product,
      customer: intake.customer,
      timeZone: intake.timeZone,
      policy: intake.policy,
      severity: intake.severity,
      events: PRODUCT_EVENTS[product].filter((event) => !owned.includes(event)),
      reportedMs: intake.reportedMs,
      openedBy: intake.openedBy,
      openingDetails,
      ...(intake.closing && { closing: intake.closing }),
      ...(intake.channel && { channel: intake.channel }),
      ...(intake.contract && { contract: intake.contract }),
      ...(intake.notices && { notices: intake.notices }),
    },
    nowMs,
    calendars,
  );
}

/**
 * Why a product case (its steps in a straight line) cannot take an action now, or null: it takes
 * what its current step waits for, and `anytime` actions (the customer withdraws) at every step.
 */
export function stepRefusal(state: { step: string; awaiting: string[] }, action: { type: string }, product: HandoffProduct, anytime: readonly string[]): Refusal | null {
  if (state.step === 'closed') return { type: 'InvalidState', message: `Cannot ${action.type}: the ${product} case is closed` };
  if (anytime.includes(action.type) || state.awaiting.includes(action.type)) return null;
  const waiting = state.awaiting.length > 0 ? `it waits for ${state.awaiting.join(' or ')}` : 'a step is under way, ask again in a moment';
  return { type: 'InvalidState', message: `Cannot ${action.type} now: the ${product} case is at step ${state.step}, ${waiting}` };
}

export interface HandingCase extends CaseCore {
  handoffs?: Handoff[];
}

/** Not yet ended: being started, running, or accepted by the product. */
function isUnderWay(handoff: Handoff): boolean {
  return handoff.state === 'starting' || handoff.state === 'running' || handoff.state === 'accepted';
}

/** The hand-over under way, if any. */
export function activeHandoff(state: HandingCase): Handoff | undefined {
  return state.handoffs?.find(isUnderWay);
}

/**
 * The product's case id: the case's own, and for a second hand-over to the same product (remote
 * failed once, say) `<caseId>-2`, so that each run keeps its own workflow id and documents.
 */
export function handoffCaseId(state: HandingCase, to: HandoffProduct): string {
  const earlier = (state.handoffs ?? []).filter((handoff) => handoff.to === to).length;
  return earlier === 0 ? state.caseId : `${state.caseId}-${earlier + 1}`;
}

export function handOver(state: HandingCase, to: HandoffProduct, situation: string, by: string, atMs: number, site?: Site): Handoff {
  const caseId = handoffCaseId(state, to);
  const handoff: Handoff = { to, caseId, workflowId: caseWorkflowId(to, caseId), situation, ...(site && { site }), by, atMs, state: 'starting' };
  (state.handoffs ??= []).push(handoff);
  recordEntry(state, atMs, 'transferred', by, `to ${to}: ${situation}`);
  return handoff;
}

/**
 * The events of `product` whose windows the case owns (any window of the case met by them, live or
 * not): the product reports those back and opens no second window for them (R-002-1: 002 software
 * C has one window, met by remote start or arrival).
 */
export function eventsOwnedByCase(state: CaseCore, product: HandoffProduct): MeetingEvent[] {
  return PRODUCT_EVENTS[product].filter(
    (event) => state.events.includes(event) || state.windows.some((window) => !window.superseded && (window.metBy === event || (window.alsoMetBy?.includes(event) ?? false))),
  );
}

/**
 * Applies a product's report: acceptance moves ownership, an event meets the case's windows, an
 * outcome ends the hand-over (solved: the case has its solution and goes on to confirmation).
 * Returns false when the report concerns no hand-over of this case (kept on the record by the caller).
 */
export function applyProductReport(state: HandingCase & { owner?: string }, report: ProductReport, atMs: number, calendars: PolicyCalendars): boolean {
  const handoff = [...(state.handoffs ?? [])].reverse().find((candidate) => candidate.to === report.product);
  if (!handoff || !isUnderWay(handoff)) return false;
  const meetReported = (event: MeetingEvent) => {
    const met = meetEvent(state, event, atMs, calendars);
    recordEntry(state, atMs, `${report.product}-${event}`, report.by, met.length > 0 ? `meets ${met.join(', ')}` : undefined);
  };
  switch (report.kind) {
    case 'accepted':
      handoff.state = 'accepted';
      handoff.acceptedBy = report.by;
      recordEntry(state, atMs, 'handoff-accepted', report.by, `${report.product} accepted the case; it now owns it (was ${state.owner ?? 'unowned'})`);
      if (state.owner !== undefined) state.owner = report.by;
      (report.meets ?? []).forEach(meetReported);
      return true;
    case 'event':
      meetReported(report.event);
      return true;
    case 'outcome':
      handoff.state = report.outcome;
      recordEntry(state, atMs, `handoff-${report.outcome}`, report.by, `${report.product}: ${report.text}`);
      if (report.outcome === 'solved' && state.stage === 'working') giveSolution(state, report.text, report.by, atMs, calendars);
      return true;
  }
}
