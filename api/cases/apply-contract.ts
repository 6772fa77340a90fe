/**
 * Applying an amended contract to an open case: explicit, one case at a time or every open case of
 * the contract, and recorded in the case's history as an update carrying the snapshot.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import { severityId } from '../../domain/hotline-actions';
import type { hotlineWorkflow } from '../../workflows/hotline';
import { caseStateQuery, hotlineUpdates } from '../../workflows/messages';
import { HttpError } from '../errors';
import { contractSnapshotFor } from '../intake';

export const applyContractBody = z.object({ severity: severityId.optional() });
export type ApplyContractBody = z.infer<typeof applyContractBody> & { by: string };

export async function applyContract(client: Client, handle: WorkflowHandle<typeof hotlineWorkflow>, body: ApplyContractBody, updateId?: string): Promise<void> {
  const state = await handle.query(caseStateQuery);
  if (!state.contract) throw new HttpError(409, 'InvalidState', `Case ${state.caseId} was not started under a contract`);
  // The case keeps its customer's zone; the official days are those of the year it was reported.
  const { contract, policy } = await contractSnapshotFor(client, state.contract.id, state.reportedMs, state.timeZone);
  await handle.executeUpdate(hotlineUpdates['apply-contract'], {
    args: [{ by: body.by, severity: body.severity, policy, contract: { id: contract.contractId, version: contract.version } }],
    updateId,
  });
}
