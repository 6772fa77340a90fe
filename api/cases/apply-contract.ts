/**
 * Applying an amended contract to an open case (issue 7 §1): explicit, one case at a time or every
 * open case of the contract, and recorded in the case's history as an update carrying the snapshot.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import { contractPolicy } from '../../domain/contract';
import { actor } from '../../domain/contract-schema';
import type { HotlineCase } from '../../domain/hotline-case';
import type { hotlineWorkflow } from '../../workflows/hotline';
import { caseStateQuery, hotlineUpdates } from '../../workflows/messages';
import { HttpError } from '../errors';
import { policySnapshot } from '../policy-snapshot';
import { loadContract } from './intake';

export const applyContractBody = z.object({ by: actor, severity: z.string().min(1).max(40).optional() });
export type ApplyContractBody = z.infer<typeof applyContractBody>;

export async function applyContract(client: Client, handle: WorkflowHandle<typeof hotlineWorkflow>, body: ApplyContractBody, updateId?: string): Promise<HotlineCase> {
  const state = await handle.query(caseStateQuery);
  if (!state.contract) throw new HttpError(409, 'InvalidState', `Case ${state.caseId} was not started under a contract`);
  const contract = await loadContract(client, state.contract.id);
  // The case keeps its customer's zone; the official days are those of the year it was reported.
  const policy = await policySnapshot(client, contractPolicy(contract.terms), contract.terms.calendarData, state.reportedMs, state.timeZone);
  return handle.executeUpdate(hotlineUpdates['apply-contract'], {
    args: [{ by: body.by, severity: body.severity, policy, contract: { id: contract.contractId, version: contract.version } }],
    updateId,
  });
}
