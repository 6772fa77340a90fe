/**
 * A contract as an entity workflow (`contract-<id>`, issue 7 §1): it holds the terms, records every
 * amendment with who and when, and sends the service-period reminders on durable timers.
 * Cases never read it while running: they take a snapshot at intake.
 */
import {
  ApplicationFailure, allHandlersFinished, condition, continueAsNew, defineQuery, defineUpdate,
  setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import {
  type Amendment, type ContractState, type ContractTerms, amendContract, createContract, nextReminderMs, sendDueReminders,
} from '../domain/contract';
import { type AmendmentRequest, amendmentSchema, contractTermsObject } from '../domain/contract-schema';
import { ZoneOffsets, formatInstant } from '../domain/time-zone';
import { emailRejectionOf, sendEmail } from './email';
import { CONTRACT_ID, CUSTOMER_ID, PRODUCT } from './search-attributes';

export interface ContractWorkflowInput {
  contractId: string;
  terms: ContractTerms;
  createdBy: string;
  /** State carried across continue-as-new. */
  carried?: ContractState;
}

export const contractStateQuery = defineQuery<ContractState>('contract');
export const contractIntakeUpdate = defineUpdate<{ created: boolean; state: ContractState }>('intake');
export const amendContractUpdate = defineUpdate<{ amendment: Amendment; state: ContractState }, [AmendmentRequest]>('amend');

export async function contractWorkflow(input: ContractWorkflowInput): Promise<void> {
  const state = input.carried ?? createContract(input.contractId, input.terms, input.createdBy, Date.now());
  let revision = 0;
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
      revision++;
      return { amendment, state };
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
    { key: PRODUCT, value: 'contract' },
    { key: CUSTOMER_ID, value: state.terms.customer.id },
    { key: CONTRACT_ID, value: state.contractId },
  ]);

  for (;;) {
    while (state.outbox.length > 0) {
      const email = state.outbox[0];
      try {
        await sendEmail(email);
      } catch (error) {
        // A mailbox that no longer exists must not end the contract: record it and go on.
        const rejection = emailRejectionOf(error);
        if (rejection === null) throw error;
        state.rejectedEmails = [...(state.rejectedEmails ?? []), { key: email.key, to: email.to, atMs: Date.now(), reason: rejection }];
      }
      state.outbox.shift();
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof contractWorkflow>({ ...input, carried: state });
    }
    const seen = revision;
    const reminderMs = nextReminderMs(state);
    if (reminderMs === null) {
      await condition(() => revision !== seen);
    } else if (reminderMs > Date.now()) {
      const due = formatInstant(reminderMs, new ZoneOffsets(state.terms.timeZone));
      await condition(() => revision !== seen, reminderMs - Date.now(), { summary: `Service-period reminder, due ${due}` });
    }
    sendDueReminders(state, Date.now());
  }
}

function invalidAmendment(issues: { path: PropertyKey[]; message: string }[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'InvalidAmendment',
    message: issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; '),
    details: [issues.map((issue) => ({ path: issue.path.map(String), message: issue.message }))],
    nonRetryable: true,
  });
}
