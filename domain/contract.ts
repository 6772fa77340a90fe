/**
 * A service contract (M002-1: the customer file): who the customer is, when they are entitled (free and paid
 * service periods), to which products, under which SLA policy and calendar data, and how the clock
 * treats a re-classification. Pure: the contract workflow keeps it, the API reads it.
 */
import type { ClosingSettings } from './case/closing';
import { type ArchiveBounds, archivePageDue } from './case/record';
import type { Email } from './email';
import type { ServicePeriod } from './entitlement';
import type { ProductId } from './products';
import { presetPolicy, type PresetId, type ReclassificationRule, type SlaPolicy } from './sla-policy';
import { DAY_MS, HOUR_MS, ZoneOffsets, formatInstant } from './time-zone';

/** Where a calendar's holidays and make-up working days come from, and the contract's own changes. */
export interface CalendarDataSource {
  /** 'CN' (statutory holidays and 调休) or a country[-region] code such as 'DE-BE'. */
  region: string;
  addHolidays?: string[];
  removeHolidays?: string[];
  addWorkingDays?: string[];
  removeWorkingDays?: string[];
}

export type ContractPolicy = { preset: PresetId } | { custom: SlaPolicy };

export interface ContractTerms {
  customer: { id: string; name: string; email: string };
  timeZone: string;
  servicePeriods: ServicePeriod[];
  products: ProductId[];
  policy: ContractPolicy;
  calendarData: CalendarDataSource;
  reclassification: ReclassificationRule;
  freeTrainingSessionsPerYear: number;
  vip: boolean;
  /** E-mail reminders this many days before a service period ends. */
  reminderDaysBeforeEnd: number[];
  /** A notice (warning, breach) falling outside office hours: at once, or at their next instant. Unset: at once for 24×7 policies, else wait. */
  noticesOutsideWorkingTime?: 'at-once' | 'next-working-instant';
  /** Who gets warnings and breach notices (service desk, escalation contacts). */
  noticeRecipients: string[];
  /** Warn when a window has used this share of its working time, or is this much working time from due. */
  preBreachWarning: { atPercent?: number; minutesBefore?: number };
  /** Automatic close and call-back; what is left out takes the preset's default. */
  closing?: Partial<ClosingSettings>;
}

export interface Amendment {
  version: number;
  atMs: number;
  by: string;
  reason: string;
  /** Top-level terms that changed, with their values before and after. */
  changes: { term: keyof ContractTerms; before: unknown; after: unknown }[];
}

export interface ScheduledReminder {
  key: string;
  atMs: number;
  period: ServicePeriod;
  daysBefore: number;
}

export interface ContractState {
  contractId: string;
  version: number;
  terms: ContractTerms;
  createdAtMs: number;
  createdBy: string;
  /** The newest amendments; the older ones are archived outside the workflow (AMENDMENT_BOUNDS). */
  amendments: Amendment[];
  /** How many of the oldest amendments were archived: `amendments[0]` is number `amendmentsArchived`. */
  amendmentsArchived?: number;
  /** Reminder keys already sent, or skipped because their instant had passed when scheduled. */
  remindersDone: { key: string; atMs: number; outcome: 'sent' | 'skipped' }[];
  outbox: Email[];
  /** E-mails the mail server refused for good (the address is gone). */
  rejectedEmails?: { key: string; to: string; atMs: number; reason: string }[];
}

/** Local hour a reminder goes out on its day: inside office hours, never at midnight. */
const REMINDER_LOCAL_HOUR = 9;

export function createContract(contractId: string, terms: ContractTerms, by: string, nowMs: number): ContractState {
  const state: ContractState = { contractId, version: 1, terms, createdAtMs: nowMs, createdBy: by, amendments: [], remindersDone: [], outbox: [] };
  skipPastReminders(state, nowMs);
  return state;
}

/** Applies an amendment; returns the recorded amendment (empty `changes` when nothing differs). */
export function amendContract(state: ContractState, changes: Partial<ContractTerms>, by: string, reason: string, nowMs: number): Amendment {
  const recorded: Amendment = { version: state.version + 1, atMs: nowMs, by, reason, changes: [] };
  for (const term of Object.keys(changes) as (keyof ContractTerms)[]) {
    const after = changes[term];
    if (after === undefined || JSON.stringify(after) === JSON.stringify(state.terms[term])) continue;
    recorded.changes.push({ term, before: state.terms[term], after });
  }
  if (recorded.changes.length === 0) return recorded;
  state.terms = { ...state.terms, ...changes };
  state.version = recorded.version;
  state.amendments.push(recorded);
  skipPastReminders(state, nowMs);
  return recorded;
}

/** The contract's SLA policy, in its time zone, with its reclassification rule. */
export function contractPolicy(terms: ContractTerms): SlaPolicy {
  const base = 'preset' in terms.policy ? presetPolicy(terms.policy.preset, terms.timeZone) : terms.policy.custom;
  return { ...base, reclassification: terms.reclassification };
}

/** Every reminder the terms ask for, sent or not, in time order. */
export function reminderSchedule(state: ContractState): ScheduledReminder[] {
  const zone = new ZoneOffsets(state.terms.timeZone);
  const reminders: ScheduledReminder[] = [];
  for (const period of state.terms.servicePeriods) {
    for (const daysBefore of state.terms.reminderDaysBeforeEnd) {
      const [year, month, day] = period.end.split('-').map(Number);
      const localMs = Date.UTC(year, month - 1, day) - daysBefore * DAY_MS + REMINDER_LOCAL_HOUR * HOUR_MS;
      reminders.push({ key: `${period.start}..${period.end}/${daysBefore}d`, atMs: zone.firstInstantAtOrAfterLocal(localMs), period, daysBefore });
    }
  }
  return reminders.sort((a, b) => a.atMs - b.atMs);
}

export function pendingReminders(state: ContractState): ScheduledReminder[] {
  const done = new Set(state.remindersDone.map((entry) => entry.key));
  return reminderSchedule(state).filter((reminder) => !done.has(reminder.key));
}

export function nextReminderMs(state: ContractState): number | null {
  return pendingReminders(state)[0]?.atMs ?? null;
}

/** Queues the e-mails of every reminder due by `nowMs`. */
export function sendDueReminders(state: ContractState, nowMs: number): void {
  const zone = new ZoneOffsets(state.terms.timeZone);
  for (const reminder of pendingReminders(state)) {
    if (reminder.atMs > nowMs) break;
    const { period } = reminder;
    state.outbox.push({
      key: `contract-${state.contractId}/reminder/${reminder.key}`,
      to: state.terms.customer.email,
      subject: `Your ${period.kind} service period ends on ${period.end} (contract ${state.contractId})`,
      text:
        `Dear ${state.terms.customer.name},\n\nyour ${period.kind} service period under contract ${state.contractId} ` +
        `runs from ${period.start} to ${period.end}: ${reminder.daysBefore} day(s) from this notice ` +
        `(${formatInstant(reminder.atMs, zone)}). After it ends, new requests are taken as paid work.\n`,
    });
    state.remindersDone.push({ key: reminder.key, atMs: nowMs, outcome: 'sent' });
  }
}

/** A reminder whose instant has passed when it is scheduled (a late contract, an amendment) is not sent late. */
function skipPastReminders(state: ContractState, nowMs: number): void {
  for (const reminder of pendingReminders(state)) {
    if (reminder.atMs > nowMs) break;
    state.remindersDone.push({ key: reminder.key, atMs: nowMs, outcome: 'skipped' });
  }
}

/** A contract keeps its latest amendments whole (each may carry two policies); older ones are archived. */
export const AMENDMENT_BOUNDS: ArchiveBounds = { keptEntries: 10, keptChars: 256 * 1024, pageEntries: 5, pageChars: 512 * 1024 };

export function amendmentPageDue(state: ContractState): { firstSequence: number; entries: Amendment[] } | null {
  return archivePageDue(state.amendments, state.amendmentsArchived, AMENDMENT_BOUNDS);
}

export function amendmentPageArchived(state: ContractState, count: number): void {
  state.amendments.splice(0, count);
  state.amendmentsArchived = (state.amendmentsArchived ?? 0) + count;
}
