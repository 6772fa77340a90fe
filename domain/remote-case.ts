/**
 * A remote maintenance case (R-003-3, M002-3, M001-2): its steps' record on top of the case core.
 * The workflow (workflows/remote.ts) walks the steps in the seed's order; this file holds what
 * each step leaves on the case and which action each step waits for.
 */
import type { DocumentContent } from './documents';
import { type CaseCore } from './case/core';
import { type HandoffOutcome, type ParentCase, type ProductIntake, openProductCore } from './case/handoff';
import { caseKey, localInstant } from './case/record';
import type { Email } from './email';
import type { RemoteAction, RemoteActionType } from './remote-actions';
import { type RemoteTerms, remoteTermsOf } from './sla-policy';
import type { PolicyCalendars } from './sla-windows';

export type { RemoteAction, RemoteActionType } from './remote-actions';

/** The steps, in order (the case's status word). */
export const REMOTE_STEPS = ['appointment', 'scope', 'authorisation', 'backup', 'remote-work', 'resolution', 'advice', 'confirmation', 'closed'] as const;
export type RemoteStep = (typeof REMOTE_STEPS)[number];

/** Remote maintenance starts from what every product case starts from. */
export type RemoteIntake = ProductIntake;

/** A stored document as the case refers to it: its id and the hash of its bytes. */
export interface DocumentReference {
  documentId: string;
  sha256: string;
}

export interface RemoteAccessRecord {
  host: string;
  port: number;
  /** The task queue of the worker process holding the port (its close goes there). */
  gatewayQueue: string;
  openedMs: number;
  closesAtMs: number;
  closedMs: number | null;
  closedBecause: string | null;
}

export interface RemoteCase extends CaseCore {
  product: 'remote';
  step: RemoteStep;
  /** The actions the current step waits for (none while an activity runs). */
  awaiting: RemoteActionType[];
  situation: string;
  parent?: ParentCase;
  terms: RemoteTerms;
  appointment?: { atMs: number; by: string };
  scope?: string;
  target?: { host: string; port: number };
  /** Where the sealed login details are kept (never the details themselves). */
  login?: { reference: string; keyId: string; destroyed: boolean };
  backup?: { by: string; atMs: number };
  /** Each remote session opened, newest last (a rejected resolution opens another). */
  sessions: RemoteAccessRecord[];
  work?: { outcome: 'done' | 'failed'; workDone: string; patches: string[]; by: string; atMs: number };
  advice?: { text: string; by: string };
  report?: DocumentReference;
  confirmation?: DocumentReference & { signedBy?: string; signedAtMs?: number; method?: string };
  outcome?: HandoffOutcome;
}

export function openRemoteCase(intake: RemoteIntake, nowMs: number, calendars: PolicyCalendars): RemoteCase {
  const openingDetails = intake.parent ? `handed over by ${intake.parent.workflowId}: ${intake.situation}` : intake.situation;
  const core: CaseCore = openProductCore(intake, 'remote', openingDetails, nowMs, calendars);
  return {
    ...core,
    product: 'remote',
    step: 'appointment',
    awaiting: [],
    situation: intake.situation,
    ...(intake.parent && { parent: intake.parent }),
    terms: remoteTermsOf(intake.policy),
    sessions: [],
  };
}

/** Actions taken whatever the step. */
export const REMOTE_ANYTIME: readonly RemoteActionType[] = ['withdraw'];

/** The remote maintenance report (R-003-3, M003-4): scope, backup, what was done, patches, advice. */
export function remoteReportContent(state: RemoteCase): DocumentContent {
  const at = (ms: number | undefined) => (ms === undefined ? '—' : localInstant(state, ms));
  const session = state.sessions.at(-1);
  return {
    kind: 'remote-report',
    caseId: state.caseId,
    customerName: state.customer.name,
    copy: 'customer',
    sections: [
      {
        heading: '问题 · Problem',
        rows: [
          ['情况 · Situation', state.situation],
          ['维护内容 · Scope', state.scope ?? '—'],
        ],
      },
      {
        heading: '维护过程 · Maintenance',
        rows: [
          ['预约时间 · Appointment', at(state.appointment?.atMs)],
          ['备份 · Backup', state.backup ? `${state.backup.by}, ${at(state.backup.atMs)}` : '—'],
          ['远程开始 · Remote start', at(session?.openedMs)],
          ['端口关闭 · Port closed', session?.closedMs ? `${at(session.closedMs)} (${session.closedBecause})` : '—'],
          ['工作内容 · Work done', state.work?.workDone ?? '—'],
          ['补丁 · Patches', state.work && state.work.patches.length > 0 ? state.work.patches.join(', ') : '—'],
          ['工程师 · Engineer', state.work?.by ?? '—'],
        ],
      },
      { heading: '预防建议 · Prevention advice', rows: [['建议 · Advice', state.advice?.text ?? '—']] },
    ],
  };
}

/** The customer's fault-maintenance confirmation 《客户故障维护确认书》 (M002-3), signed online or as a scan. */
export function confirmationContent(state: RemoteCase): DocumentContent {
  return {
    kind: 'maintenance-confirmation',
    caseId: state.caseId,
    customerName: state.customer.name,
    sections: [
      {
        heading: '确认 · Confirmation',
        rows: [
          ['维护内容 · Scope', state.scope ?? '—'],
          ['结果 · Result', state.work?.workDone ?? '—'],
          ['报告 · Report', state.report ? `${state.report.documentId} (SHA-256 ${state.report.sha256.slice(0, 16)}…)` : '—'],
          ['声明 · Statement', '客户确认本次远程维护已完成，问题已解决。The customer confirms the remote maintenance is done and the problem solved.'],
        ],
      },
    ],
  };
}

/** The e-mails of the steps, keyed by workflow id + step (sent once, whatever retries). */
export const remoteEmails = {
  appointment: (state: RemoteCase, atMs: number): Email => ({
    key: `${caseKey(state)}/appointment/${state.sessions.length}`,
    to: state.customer.email,
    subject: `Case ${state.caseId}: remote maintenance on ${localInstant(state, atMs)}`,
    text:
      `Dear ${state.customer.name},\n\nremote maintenance of case ${state.caseId} is appointed for ${localInstant(state, atMs)}.\n` +
      `Next: tell us what is to be maintained and authorise access${state.terms.backupBy === 'customer' ? ', and back up your data before we start (we start only after you report it done)' : ''}.\n`,
  }),
  report: (state: RemoteCase, report: DocumentReference): Email => ({
    key: `${caseKey(state)}/report`,
    to: state.customer.email,
    subject: `Case ${state.caseId}: remote maintenance report`,
    text: `Dear ${state.customer.name},\n\nattached is the report of the remote maintenance of case ${state.caseId}. Please sign the maintenance confirmation.\n`,
    attachments: [{ documentId: report.documentId, fileName: `remote-maintenance-report-${state.caseId}.pdf` }],
  }),
  changePassword: (state: RemoteCase): Email => ({
    key: `${caseKey(state)}/change-password`,
    to: state.customer.email,
    subject: `Case ${state.caseId}: please change the login password now`,
    text:
      `Dear ${state.customer.name},\n\nthe remote maintenance of case ${state.caseId} has ended and our access is closed. ` +
      `Please change the password of the login you gave us now; we have destroyed our sealed copy.\n`,
  }),
};
