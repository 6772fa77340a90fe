/**
 * From a request to the terms a case runs under: either the request's own preset (or policy) and
 * periods, or a snapshot of its contract's terms (issue 7 §1) — taken now, so a later amendment
 * never changes the case unless it is applied to it explicitly. The deadline preview resolves its
 * terms the same way, so preview and case cannot drift apart.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { type CalendarDataSource, type ContractState, contractPolicy } from '../../domain/contract';
import type { ServicePeriod } from '../../domain/entitlement';
import type { ContractReference, HotlineIntake } from '../../domain/hotline-case';
import type { NoticeSettings } from '../../domain/notices';
import { DEFAULT_TIME_ZONE, type PresetId, type SlaPolicy, findLevel, presetPolicy } from '../../domain/sla-policy';
import { contractStateQuery } from '../../workflows/contract';
import { contractHandle } from '../contracts/router';
import { HttpError } from '../errors';
import { DEFAULT_NOTICE_TERMS, type NoticeTerms, calendarMaterializer, noticeSettings } from '../policy-snapshot';
import { type CreateCaseBody, DEFAULT_PRESET } from './schemas';

export interface TermsRequest {
  contractId?: string;
  preset?: PresetId;
  /** A policy of the caller's own (preview only; cases take presets or their contract's). */
  policy?: SlaPolicy;
  timeZone?: string;
  calendarData?: CalendarDataSource;
  notices?: NoticeTerms;
  severity: string;
  reportedMs: number;
}

export interface ResolvedTerms {
  policy: SlaPolicy;
  timeZone: string;
  contract?: ContractState;
  contractReference?: ContractReference;
  notices?: NoticeSettings;
}

export async function loadContract(client: Client, contractId: string): Promise<ContractState> {
  try {
    return await contractHandle(client, contractId).query(contractStateQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      throw new HttpError(422, 'UnknownContract', `No contract ${contractId}`, { issues: [{ path: ['contractId'], message: `No contract ${contractId}` }] });
    }
    throw error;
  }
}

export async function resolveTerms(client: Client, request: TermsRequest): Promise<ResolvedTerms> {
  let resolved: ResolvedTerms;
  let source: CalendarDataSource;
  let noticeTerms: NoticeTerms;
  if (request.contractId !== undefined) {
    const contract = await loadContract(client, request.contractId);
    if (!contract.terms.products.includes('hotline')) {
      throw new HttpError(422, 'NotEntitled', `Contract ${contract.contractId} does not include the hotline (it covers: ${contract.terms.products.join(', ')})`);
    }
    resolved = { policy: contractPolicy(contract.terms), timeZone: contract.terms.timeZone, contract, contractReference: { id: contract.contractId, version: contract.version } };
    source = contract.terms.calendarData;
    noticeTerms = contract.terms;
  } else {
    const timeZone = request.timeZone ?? DEFAULT_TIME_ZONE;
    resolved = { policy: request.policy ?? presetPolicy(request.preset ?? DEFAULT_PRESET, timeZone), timeZone };
    source = request.calendarData ?? { region: 'CN' };
    noticeTerms = request.notices ?? DEFAULT_NOTICE_TERMS;
  }
  if (!findLevel(resolved.policy, request.severity)) {
    const levels = resolved.policy.levels.map((level) => level.id).join(', ');
    const message = `Policy ${resolved.policy.id} has no severity "${request.severity}"; use one of ${levels}`;
    throw new HttpError(400, 'invalid_request', message, { issues: [{ path: ['severity'], message }] });
  }
  const materialize = await calendarMaterializer(client, source, request.reportedMs, resolved.timeZone);
  return {
    ...resolved,
    policy: materialize(resolved.policy),
    notices: noticeSettings(noticeTerms, resolved.policy, materialize, resolved.timeZone),
  };
}

export async function buildIntake(client: Client, body: CreateCaseBody, caseId: string): Promise<HotlineIntake> {
  const reportedMs = body.reportedAt ? Date.parse(body.reportedAt) : Date.now();
  const terms = await resolveTerms(client, { ...body, reportedMs });
  const servicePeriods: ServicePeriod[] = terms.contract?.terms.servicePeriods ?? body.servicePeriods!;
  if (terms.contract && body.customer && body.customer.id !== terms.contract.terms.customer.id) {
    const message = `Contract ${terms.contract.contractId} is with customer ${terms.contract.terms.customer.id}, not ${body.customer.id}`;
    throw new HttpError(400, 'invalid_request', message, { issues: [{ path: ['customer', 'id'], message }] });
  }
  return {
    caseId,
    customer: body.customer ?? terms.contract!.terms.customer,
    problem: body.problem as HotlineIntake['problem'],
    severity: body.severity,
    reportedAt: new Date(reportedMs).toISOString(),
    timeZone: terms.timeZone,
    policy: terms.policy,
    servicePeriods,
    paidWorkRequested: body.paidWorkRequested,
    openedBy: body.openedBy,
    closing: body.closing,
    ...(terms.contractReference && { contract: terms.contractReference }),
    ...(terms.notices && { notices: terms.notices }),
  };
}
