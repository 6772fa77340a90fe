/**
 * The terms a case runs under, assembled in one pass for any product's start and for the deadline
 * preview: contract (or the request's own preset, policy and periods) → policy → calendars with the
 * official days written in as plain dates → notice settings → entitlement. Taken now, so a later
 * amendment never changes the case unless it is applied to it explicitly.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { ContractReference } from '../domain/case/clock';
import type { ClosingSettings } from '../domain/case/closing';
import type { Customer } from '../domain/case/record';
import { type CalendarDataSource, type ContractState, contractPolicy } from '../domain/contract';
import { type EntitlementDecision, type ProblemType, type ServicePeriod, entitlementAt } from '../domain/entitlement';
import type { NoticeSettings } from '../domain/notices';
import { type ProductId, contractWorkflowId } from '../domain/products';
import { DEFAULT_TIME_ZONE, type PresetId, type SlaPolicy, findLevel, presetPolicy } from '../domain/sla-policy';
import { contractStateQuery, type contractWorkflow } from '../workflows/contract';
import { HttpError } from './errors';
import { DEFAULT_NOTICE_TERMS, type NoticeTerms, calendarMaterializer, noticeSettings } from './policy-snapshot';

export const DEFAULT_PRESET: PresetId = '000';

export interface TermsRequest {
  product: ProductId;
  contractId?: string;
  preset?: PresetId;
  /** A policy of the caller's own (preview only; cases take presets or their contract's). */
  policy?: SlaPolicy;
  timeZone?: string;
  calendarData?: CalendarDataSource;
  notices?: NoticeTerms;
  closing?: Partial<ClosingSettings>;
  customer?: Customer;
  servicePeriods?: ServicePeriod[];
  severity: string;
  reportedMs: number;
  /** With these, the entitlement is decided too (a case's start; the preview leaves it out). */
  problemType?: ProblemType;
  paidWorkRequested?: boolean;
}

export interface CaseTerms {
  policy: SlaPolicy;
  timeZone: string;
  customer: Customer;
  servicePeriods: ServicePeriod[];
  notices: NoticeSettings;
  closing?: Partial<ClosingSettings>;
  contract?: ContractState;
  contractReference?: ContractReference;
  entitlement?: EntitlementDecision;
}

export function contractHandle(client: Client, contractId: string) {
  return client.workflow.getHandle<typeof contractWorkflow>(contractWorkflowId(contractId));
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

function invalid(path: (string | number)[], message: string): HttpError {
  return new HttpError(400, 'invalid_request', message, { issues: [{ code: 'custom', path, message }] });
}

export async function assembleTerms(client: Client, request: TermsRequest): Promise<CaseTerms> {
  // 1. The contract, or the request's own terms.
  const contract = request.contractId === undefined ? undefined : await loadContract(client, request.contractId);
  if (contract && !contract.terms.products.includes(request.product)) {
    throw new HttpError(422, 'NotEntitled', `Contract ${contract.contractId} does not include the ${request.product} (it covers: ${contract.terms.products.join(', ')})`);
  }
  if (contract && request.customer && request.customer.id !== contract.terms.customer.id) {
    throw invalid(['customer', 'id'], `Contract ${contract.contractId} is with customer ${contract.terms.customer.id}, not ${request.customer.id}`);
  }
  const timeZone = contract?.terms.timeZone ?? request.timeZone ?? DEFAULT_TIME_ZONE;
  // 2. The policy, and the level the case starts at.
  const policy = contract ? contractPolicy(contract.terms) : (request.policy ?? presetPolicy(request.preset ?? DEFAULT_PRESET, timeZone));
  if (!findLevel(policy, request.severity)) {
    throw invalid(['severity'], `Policy ${policy.id} has no severity "${request.severity}"; use one of ${policy.levels.map((level) => level.id).join(', ')}`);
  }
  // 3. Calendars with their official days (read once), and the office hours of the notices.
  const materialize = await calendarMaterializer(client, contract?.terms.calendarData ?? request.calendarData ?? { region: 'CN' }, request.reportedMs, timeZone);
  const notices = noticeSettings(contract?.terms ?? request.notices ?? DEFAULT_NOTICE_TERMS, policy, materialize, timeZone);
  const customer = contract?.terms.customer ?? request.customer;
  const servicePeriods = contract?.terms.servicePeriods ?? request.servicePeriods;
  const terms: CaseTerms = {
    policy: materialize(policy),
    timeZone,
    // The preview has neither: it stands for any customer, always entitled.
    customer: customer ?? { id: 'preview', name: 'preview', email: 'preview@example.invalid' },
    servicePeriods: servicePeriods ?? [],
    notices,
    ...((contract?.terms.closing ?? request.closing) && { closing: contract?.terms.closing ?? request.closing }),
    ...(contract && { contract, contractReference: { id: contract.contractId, version: contract.version } }),
  };
  // 4. Entitlement, by the same function the case runs at its start.
  if (request.problemType !== undefined) {
    terms.entitlement = entitlementAt(terms, terms.policy, request.reportedMs, request.problemType, request.paidWorkRequested ?? false);
  }
  return terms;
}

/** An amended contract's terms for a running case: its customer's zone, the official days of the year it was reported. */
export async function contractSnapshotFor(client: Client, contractId: string, reportedMs: number, timeZone: string): Promise<{ contract: ContractState; policy: SlaPolicy }> {
  const contract = await loadContract(client, contractId);
  const materialize = await calendarMaterializer(client, contract.terms.calendarData, reportedMs, timeZone);
  return { contract, policy: materialize(contractPolicy(contract.terms)) };
}
