/**
 * An on-site visit (M003-5, M003-6, M002-4, C8): its steps' record on top of the case core. The
 * workflow (workflows/on-site.ts) walks the steps in the seed's order; this file holds what each
 * step leaves on the case, the arrival the visit commits to, who pays, and its documents.
 */
import type { DocumentContent } from './documents';
import { type CaseCore } from './case/core';
import { type HandoffOutcome, type ParentCase, type ProductIntake, openProductCore } from './case/handoff';
import { caseKey, localInstant } from './case/record';
import type { Email } from './email';
import type { ServicePeriod } from './entitlement';
import type { MaterialItem, OnSiteAction, OnSiteActionType, Site } from './on-site-actions';
import type { DocumentReference } from './remote-case';
import { type OnSiteBilling, type VisitPurpose, onSiteTermsOf, visitArrivalTerm, visitRefusal } from './sla-policy';
import { type PolicyCalendars, openWindows } from './sla-windows';

export type { OnSiteAction, OnSiteActionType } from './on-site-actions';

/** The steps, in order (the case's status word). */
export const ON_SITE_STEPS = [
  'appointment',
  'arrival',
  'identity',
  'problem',
  'backup',
  'diagnosis',
  'solution',
  'fix',
  'system-check',
  'findings',
  'confirmation',
  'advice',
  'work-order',
  'closed',
] as const;
export type OnSiteStep = (typeof ON_SITE_STEPS)[number];

/**
 * The visit's phase, its `CaseStatus` for search: being scheduled, on site, being signed, closed.
 * The step itself is in the current details and the state (each step an upsert would cost history).
 */
export type OnSitePhase = 'scheduling' | 'on-site' | 'signing' | 'closed';

export function onSitePhase(step: OnSiteStep): OnSitePhase {
  if (step === 'appointment' || step === 'arrival') return 'scheduling';
  if (step === 'work-order') return 'signing';
  return step === 'closed' ? 'closed' : 'on-site';
}

/** Why the visit was started (M003-5): the service agreement, the customer, or a case handed over. */
export const VISIT_TRIGGERS = ['scheduled', 'request', 'transfer'] as const;
export type VisitTrigger = (typeof VISIT_TRIGGERS)[number];

export interface OnSiteIntake extends ProductIntake {
  site: Site;
  trigger: VisitTrigger;
  purpose?: VisitPurpose;
  /** The service period the request falls in, if any: a visit is free inside one under `free-in-period`. */
  servicePeriod?: ServicePeriod;
}

/** One line of the work order: what is charged for, and whether the customer pays it. */
export interface BillingLine {
  item: 'time-on-site' | 'travel' | 'materials';
  quantity: string;
  billable: boolean;
  why: string;
}

export interface OnSiteCase extends CaseCore {
  product: 'on-site';
  step: OnSiteStep;
  /** The actions the current step waits for (none while an activity runs). */
  awaiting: OnSiteActionType[];
  situation: string;
  site: Site;
  trigger: VisitTrigger;
  purpose: VisitPurpose;
  billing: OnSiteBilling;
  servicePeriod?: ServicePeriod;
  parent?: ParentCase;
  appointment?: { atMs: number; by: string };
  /** Every appointment that could not be kept: the old time, the new one, why, and whether the customer heard before it. */
  reschedules: { fromMs: number; toMs: number; reason: string; by: string; atMs: number; inAdvance: boolean }[];
  arrival?: { by: string; identity: string; atMs: number; travelMinutes: number; acceptedBy?: string; acceptedMs?: number };
  /** Identities the customer refused (another engineer must come). */
  refusedArrivals: { by: string; identity: string; reason: string; atMs: number }[];
  problem?: string;
  backup?: { permittedBy: string; doneBy?: string; atMs?: number };
  diagnosis?: string;
  /** The solutions proposed, newest last; nothing is changed before one is consented to. */
  proposals: { solution: string; by: string; consentBy?: string; declined?: string }[];
  consultations: { expert: string; reason: string; by: string; approvedBy?: string; declined?: string }[];
  materials: (MaterialItem & { by: string })[];
  fixes: { outcome: 'fixed' | 'not-fixable'; workDone: string; by: string; atMs: number }[];
  systemCheck?: { result: string; by: string };
  findings?: { cause: string; prevention: string; solution: string; by: string };
  advice?: { text: string; by: string };
  /** When the work on site ended (time on site runs from the accepted arrival to here). */
  workEndedMs?: number;
  workOrder?: DocumentReference & { signedBy?: string; signedAtMs?: number; method?: string };
  materialsForm?: DocumentReference & { signedBy?: string; signedAtMs?: number; method?: string };
  outcome?: HandoffOutcome;
}

export class VisitNotOffered extends Error {
  override name = 'VisitNotOffered';
}

export function openOnSiteCase(intake: OnSiteIntake, nowMs: number, calendars: PolicyCalendars): OnSiteCase {
  const purpose = intake.purpose ?? 'support';
  const refusal = visitRefusal(intake.policy, purpose);
  if (refusal) throw new VisitNotOffered(refusal);
  const openingDetails = `${intake.trigger} visit to ${intake.site.address} (${intake.site.zone})${intake.parent ? `, handed over by ${intake.parent.workflowId}` : ''}: ${intake.situation}`;
  const core: CaseCore = openProductCore(intake, 'on-site', openingDetails, nowMs, calendars);
  const events = core.events;
  // The arrival the visit commits to by its site (C8), counted from the visit's opening; a level's
  // own arrival window (002 hardware, from the request) was opened with the clock above.
  const term = events.includes('arrival') ? visitArrivalTerm(intake.policy, intake.severity, intake.site.zone) : null;
  if (term) {
    const spec = { name: 'arrival', label: `On site (${intake.site.zone})`, maxMinutes: term.maxMinutes, calendar: term.calendar, metBy: 'arrival' as const };
    const level = { id: intake.severity, label: intake.severity, windows: [spec] };
    core.windows.push(...openWindows({ ...intake.policy, levels: [level] }, intake.severity, nowMs, ['arrival'], calendars));
  }
  return {
    ...core,
    product: 'on-site',
    step: 'appointment',
    awaiting: [],
    situation: intake.situation,
    site: intake.site,
    trigger: intake.trigger,
    purpose,
    billing: onSiteTermsOf(intake.policy).billing,
    ...(intake.servicePeriod && { servicePeriod: intake.servicePeriod }),
    ...(intake.parent && { parent: intake.parent }),
    reschedules: [],
    refusedArrivals: [],
    proposals: [],
    consultations: [],
    materials: [],
    fixes: [],
  };
}

/** Actions taken whatever the step. */
export const ON_SITE_ANYTIME: readonly OnSiteActionType[] = ['withdraw'];

/** Minutes on site: from the accepted arrival to the end of the work. */
export function minutesOnSite(state: OnSiteCase): number {
  const from = state.arrival?.acceptedMs;
  return from === undefined || state.workEndedMs === undefined ? 0 : Math.round((state.workEndedMs - from) / 60_000);
}

/** What the work order charges (C7, M001-1): time on site, travel, materials, each billable or not, and why. */
export function billingLines(state: OnSiteCase): BillingLine[] {
  const inPeriod = state.servicePeriod !== undefined;
  const labour: { billable: boolean; why: string } =
    state.billing === 'paid'
      ? { billable: true, why: 'on-site service is paid (001)' }
      : state.billing === 'deployment-only'
        ? { billable: false, why: 'part of the deployment (000)' }
        : inPeriod
          ? { billable: false, why: `free inside the ${state.servicePeriod!.kind} service period ${state.servicePeriod!.start} to ${state.servicePeriod!.end}` }
          : { billable: true, why: 'outside every service period' };
  const travel = state.billing === 'paid' ? { billable: true, why: 'the customer pays travel (001)' } : labour;
  const lines: BillingLine[] = [
    { item: 'time-on-site', quantity: `${minutesOnSite(state)} min`, ...labour },
    { item: 'travel', quantity: `${state.arrival?.travelMinutes ?? 0} min`, ...travel },
  ];
  if (state.materials.length > 0) {
    const deployment = state.billing === 'deployment-only';
    lines.push({
      item: 'materials',
      quantity: `${state.materials.length} item(s), see the materials form`,
      billable: !deployment,
      why: deployment ? 'part of the deployment (000)' : 'materials added on site are charged',
    });
  }
  return lines;
}

const BILLING_LABELS: Record<BillingLine['item'], string> = { 'time-on-site': '工时 · Time on site', travel: '差旅 · Travel', materials: '材料 · Materials' };

const yesNo = (billable: boolean) => (billable ? '收费 · billable' : '免费 · free');

/** The work order 《客服维护工作单》, customer copy (M003-5): the visit, its findings and what is billable. */
export function workOrderContent(state: OnSiteCase): DocumentContent {
  const at = (ms: number | undefined) => (ms === undefined ? '—' : localInstant(state, ms));
  const solution = state.proposals.find((proposal) => proposal.consentBy !== undefined);
  return {
    kind: 'work-order',
    caseId: state.caseId,
    customerName: state.customer.name,
    copy: 'customer',
    sections: [
      {
        heading: '服务 · Visit',
        rows: [
          ['地点 · Site', `${state.site.address} (${state.site.zone})`],
          ['预约 · Appointment', at(state.appointment?.atMs)],
          ['改约 · Rescheduled', state.reschedules.length === 0 ? '—' : state.reschedules.map((change) => `${at(change.fromMs)} → ${at(change.toMs)}: ${change.reason}`).join('; ')],
          ['到达 · Arrival', state.arrival ? `${at(state.arrival.atMs)}, ${state.arrival.by} (${state.arrival.identity})` : '—'],
          ['问题 · Problem', state.problem ?? state.situation],
          ['备份 · Backup', state.backup?.doneBy ? `permitted by ${state.backup.permittedBy}, done by ${state.backup.doneBy}` : '—'],
        ],
      },
      {
        heading: '处理 · Work',
        rows: [
          ['诊断 · Diagnosis', state.diagnosis ?? '—'],
          ['方案 · Solution agreed', solution ? `${solution.solution} (consent: ${solution.consentBy})` : '—'],
          [
            '专家会诊 · Consultation',
            state.consultations
              .filter((entry) => entry.approvedBy)
              .map((entry) => `${entry.expert} (approved by ${entry.approvedBy})`)
              .join('; ') || '—',
          ],
          ['处理内容 · Work done', state.fixes.map((fix) => `${fix.outcome}: ${fix.workDone}`).join('; ') || '—'],
          ['系统检查 · System check', state.systemCheck?.result ?? '—'],
        ],
      },
      {
        heading: '记录 · Findings',
        rows: [
          ['原因 · Cause', state.findings?.cause ?? '—'],
          ['预防 · Prevention', state.findings?.prevention ?? '—'],
          ['解决 · Solution', state.findings?.solution ?? '—'],
          ['建议 · Advice', state.advice?.text ?? '—'],
        ],
      },
      { heading: '费用 · Charges', rows: billingLines(state).map((line) => [BILLING_LABELS[line.item], `${line.quantity} — ${yesNo(line.billable)} (${line.why})`]) },
    ],
  };
}

/** The supplementary materials form 工程材料增补单 (M002-4), signed on its own. */
export function materialsFormContent(state: OnSiteCase): DocumentContent {
  const billable = billingLines(state).find((line) => line.item === 'materials');
  return {
    kind: 'materials-form',
    caseId: state.caseId,
    customerName: state.customer.name,
    sections: [
      {
        heading: '材料 · Materials',
        rows: state.materials.map((item) => [
          item.name,
          `${item.quantity} ${item.unit}${item.unitPrice === undefined ? '' : ` × ${item.unitPrice.toFixed(2)} = ${(item.quantity * item.unitPrice).toFixed(2)}`} (${item.by})`,
        ]),
      },
      { heading: '费用 · Charge', rows: [['材料 · Materials', billable ? `${yesNo(billable.billable)} (${billable.why})` : '—']] },
    ],
  };
}

/** The e-mails of the steps, keyed by workflow id + step (sent once, whatever retries). */
export const onSiteEmails = {
  appointment: (state: OnSiteCase, atMs: number): Email => ({
    key: `${caseKey(state)}/appointment/${state.reschedules.length}`,
    to: state.customer.email,
    subject: `Case ${state.caseId}: on-site visit on ${localInstant(state, atMs)}`,
    text:
      `Dear ${state.customer.name},\n\nan engineer visits ${state.site.address} for case ${state.caseId} on ${localInstant(state, atMs)}. ` +
      `The engineer shows an identity for you to accept, and changes nothing before you consent to the solution.\n`,
  }),
  rescheduled: (state: OnSiteCase, fromMs: number, toMs: number, reason: string): Email => ({
    key: `${caseKey(state)}/rescheduled/${state.reschedules.length}`,
    to: state.customer.email,
    subject: `Case ${state.caseId}: the visit moves to ${localInstant(state, toMs)}`,
    text: `Dear ${state.customer.name},\n\nthe visit appointed for ${localInstant(state, fromMs)} cannot be kept: ${reason}\nThe new appointment is ${localInstant(state, toMs)}.\n`,
  }),
  notFixable: (state: OnSiteCase, workDone: string, supervisor: string): Email => ({
    key: `${caseKey(state)}/not-fixable/${state.fixes.length}`,
    to: state.customer.email,
    subject: `Case ${state.caseId}: the fault cannot be fixed at once`,
    text: `Dear ${state.customer.name},\n\nthe fault of case ${state.caseId} cannot be fixed at once: ${workDone}\nIt has gone to ${supervisor}, who tells you the next step.\n`,
  }),
  workOrder: (state: OnSiteCase, workOrder: DocumentReference): Email => ({
    key: `${caseKey(state)}/work-order`,
    to: state.customer.email,
    subject: `Case ${state.caseId}: your copy of the service work order`,
    text: `Dear ${state.customer.name},\n\nattached is your copy (用户联) of the service work order 《客服维护工作单》 of case ${state.caseId}.\n`,
    attachments: [{ documentId: workOrder.documentId, fileName: `work-order-${state.caseId}.pdf` }],
  }),
};
