/**
 * A contract as an entity workflow (`contract-<id>`): it holds the terms, records every
 * amendment with who and when, and sends the service-period reminders on durable timers.
 * Cases never read it while running: they take a snapshot at intake.
 */
import { ApplicationFailure, continueAsNew, defineQuery, defineUpdate, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { type ContractState, type ContractTerms, amendContract, amendmentPageArchived, amendmentPageDue, createContract, nextReminderMs, sendDueReminders } from '../domain/contract';
import { type AmendmentRequest, amendmentSchema, contractTermsObject } from '../domain/contract-schema';
import { CONTRACT } from '../domain/products';
import { ZoneOffsets, formatInstant } from '../domain/time-zone';
import { archiveDuePages } from './audit-archive';
import { Changes, runLoop, sendOutbox } from './case-runtime';
import { CONTRACT_ID, CUSTOMER_ID, PRODUCT } from './search-attributes';
import { businessFailure } from './failures';

export interface ContractWorkflowInput {
  contractId: string;
  terms: ContractTerms;
  createdBy: string;
  /** State carried across continue-as-new. */
  carried?: ContractState;
}

export const contractStateQuery = defineQuery<ContractState>('contract');
export const contractIntakeUpdate = defineUpdate<{ created: boolean; state: ContractState }>('intake');
/** Answers with the terms that changed, not their values or the whole contract: the API reads that by query. */
export const amendContractUpdate = defineUpdate<{ changedTerms: string[]; version: number }, [AmendmentRequest]>('amend');

/** Patch id: a contract archives its oldest amendments (runs before kept them all). */
const AMENDMENTS_ARCHIVE = 'amendments-archive';

export async function contractWorkflow(input: ContractWorkflowInput): Promise<void> {
  const state = input.carried ?? createContract(input.contractId, input.terms, input.createdBy, Date.now());
  const changes = new Changes();
  let intakeAcknowledged = input.carried !== undefined;

  setHandler(contractStateQuery, () => state);
  setHandler(contractIntakeUpdate, () => {
    const created = !intakeAcknowledged;
    intakeAcknowledged = true;
    return { created, state };
  });
  setHandler(
    amendContractUpdate,
    (request) => {
      const amendment = amendContract(state, request.changes as Partial<ContractTerms>, request.by, request.reason, Date.now());
      changes.bump();
      return { changedTerms: amendment.changes.map((change) => change.term), version: state.version };
    },
    {
      validator: (request) => {
        const parsed = amendmentSchema.safeParse(request);
        if (!parsed.success) throw invalidAmendment(parsed.error.issues);
        // The amended whole must still hold together (e.g. a new period overlapping an old one).
        const merged = contractTermsObject.safeParse({ ...state.terms, ...parsed.data.changes });
        if (!merged.success) throw invalidAmendment(merged.error.issues.map((issue) => ({ ...issue, path: ['changes', ...issue.path] })));
      },
    },
  );

  upsertSearchAttributes([
    { key: PRODUCT, value: CONTRACT },
    { key: CUSTOMER_ID, value: state.terms.customer.id },
    { key: CONTRACT_ID, value: state.contractId },
  ]);

  await runLoop(
    {
      // A contract runs for as long as its customer exists: reminders for every period it gains.
      finished: () => false,
      carryOutEffects: async () => {
        await sendOutbox(
          state,
          {
            sent: () => undefined,
            // A mailbox that no longer exists must not end the contract: record it and go on.
            rejected: (email, reason) => {
              state.rejectedEmails = [...(state.rejectedEmails ?? []), { key: email.key, to: email.to, atMs: Date.now(), reason }];
            },
          },
          { oneAtATime: true },
        );
        await archiveDuePages(
          AMENDMENTS_ARCHIVE,
          () => amendmentPageDue(state),
          (count) => amendmentPageArchived(state, count),
        );
      },
      present: () => undefined,
      continueAsNew: () => continueAsNew<typeof contractWorkflow>({ ...input, carried: state }),
      nextDeadline: () => {
        const reminderMs = nextReminderMs(state);
        return reminderMs === null ? null : { atMs: reminderMs, summary: `Service-period reminder, due ${formatInstant(reminderMs, new ZoneOffsets(state.terms.timeZone))}` };
      },
      applyTime: (nowMs) => sendDueReminders(state, nowMs),
    },
    changes,
  );
}

function invalidAmendment(issues: { path: PropertyKey[]; message: string }[]): ApplicationFailure {
  return businessFailure('InvalidAmendment', issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; '), [
    issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
  ]);
}
