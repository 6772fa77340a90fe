/** The contract as the API shows it: instants in ISO 8601 with the contract's offset. */
import { type Amendment, type ContractState, contractPolicy, reminderSchedule } from './contract';
import { ZoneOffsets, formatInstant } from './time-zone';

export function contractView(state: ContractState) {
  const zone = new ZoneOffsets(state.terms.timeZone);
  const at = (ms: number) => formatInstant(ms, zone);
  const done = new Map(state.remindersDone.map((entry) => [entry.key, entry]));
  const policy = contractPolicy(state.terms);
  return {
    contractId: state.contractId,
    version: state.version,
    terms: state.terms,
    policy: { id: policy.id, name: policy.name, levels: policy.levels.map((level) => level.id), reclassification: policy.reclassification },
    createdAt: at(state.createdAtMs),
    createdBy: state.createdBy,
    amendments: state.amendments.map((amendment) => amendmentView(amendment, at)),
    /** Older amendments, archived: GET …/amendments has them all. */
    amendmentsArchived: state.amendmentsArchived ?? 0,
    reminders: reminderSchedule(state).map((reminder) => ({
      key: reminder.key,
      dueAt: at(reminder.atMs),
      daysBeforeEnd: reminder.daysBefore,
      periodEnd: reminder.period.end,
      status: done.get(reminder.key)?.outcome ?? 'scheduled',
    })),
  };
}

export type ContractView = ReturnType<typeof contractView>;

export function amendmentView(amendment: Amendment, at: (ms: number) => string) {
  return { ...amendment, atMs: undefined, at: at(amendment.atMs) };
}
