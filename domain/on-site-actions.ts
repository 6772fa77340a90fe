/**
 * Every action of an on-site visit, defined once (as domain/remote-actions.ts does for remote
 * maintenance): the zod schema is the API's request body, the action's type and the payload of
 * the signal and update of the same name.
 */
import { z } from 'zod';
import { actor, plainText } from './contract-schema';
import { SITE_ZONES } from './sla-policy';

const note = plainText(0, 2000).optional();
const text = plainText(1, 5000);
const reason = plainText(1, 2000);

/** Where the visit goes: the address, and the zone its arrival commitment depends on (C8). */
export const siteSchema = z.object({ address: plainText(1, 500), zone: z.enum(SITE_ZONES).default('city') });
export type Site = z.infer<typeof siteSchema>;

/** A material added on site, listed on its own signed form (M002-4: 工程材料增补单). */
export const materialItem = z.object({
  name: plainText(1, 200),
  quantity: z.number().positive().max(100_000),
  unit: plainText(1, 20).default('pcs'),
  /** Price per unit in the contract's currency; absent: priced later by the service manager. */
  unitPrice: z.number().nonnegative().max(10_000_000).optional(),
});

export const onSiteActionSchemas = {
  /** The visit is appointed (M004-13); the customer is told when. */
  'agree-appointment': z.object({ by: actor, at: z.iso.datetime({ offset: true }), note }),
  /** The appointment cannot be kept: the customer is told in advance, with the reason, and a new time is agreed. */
  reschedule: z.object({ by: actor, at: z.iso.datetime({ offset: true }), reason }),
  /** The engineer is on site and shows who they are (M003-5); travel is recorded for the work order. */
  arrive: z.object({
    by: actor,
    identity: plainText(1, 200),
    travelMinutes: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60)
      .default(0),
    note,
  }),
  /** The customer accepts the engineer's identity; refused, another visit is needed. */
  'accept-identity': z.object({ by: actor, note }),
  'refuse-identity': z.object({ by: actor, reason }),
  /** The customer states the problem (M003-5). */
  'state-problem': z.object({ by: actor, problem: text }),
  /** The customer permits the backup; then the engineer reports it done (C6). */
  'permit-backup': z.object({ by: actor, note }),
  'report-backup': z.object({ by: actor, note }),
  'report-diagnosis': z.object({ by: actor, diagnosis: text }),
  /** Nothing is changed before the customer consents to the proposed solution (M004-19). */
  'propose-solution': z.object({ by: actor, solution: text }),
  'consent-solution': z.object({ by: actor, note }),
  'decline-solution': z.object({ by: actor, reason }),
  /** A hard problem: an expert consultation, approved by the service manager (M003-6). */
  'request-consultation': z.object({ by: actor, expert: plainText(1, 200), reason }),
  'approve-consultation': z.object({ by: actor, note }),
  'decline-consultation': z.object({ by: actor, reason }),
  /** Materials used on site, for their own signed form. */
  'record-materials': z.object({ by: actor, items: z.array(materialItem).min(1).max(100) }),
  /** The fix, or a fault not fixable at once (no spare parts, unknown cause): explained and escalated at once. */
  'report-fix': z.object({ by: actor, outcome: z.enum(['fixed', 'not-fixable']), workDone: text }),
  /** The full system check after the fix (M003-5). */
  'report-system-check': z.object({ by: actor, result: text }),
  /** Cause, prevention and solution on the record (M002-4). */
  'record-findings': z.object({ by: actor, cause: text, prevention: text, solution: text }),
  'confirm-resolution': z.object({ by: actor, note }),
  'reject-resolution': z.object({ by: actor, reason }),
  'give-advice': z.object({ by: actor, advice: text }),
  /** The customer signs the work order 《客服维护工作单》 and keeps the customer copy (M003-5). */
  'sign-work-order': z.object({ by: actor, method: z.enum(['online', 'uploaded-scan']).default('online'), note }),
  'sign-materials-form': z.object({ by: actor, method: z.enum(['online', 'uploaded-scan']).default('online'), note }),
  /** The customer withdraws the request: whatever the step, the visit ends. */
  withdraw: z.object({ by: actor, reason: text }),
} as const;

export type OnSiteActionType = keyof typeof onSiteActionSchemas;
export const ON_SITE_ACTION_TYPES = Object.keys(onSiteActionSchemas) as OnSiteActionType[];
export type OnSiteActionPayload<T extends OnSiteActionType> = z.infer<(typeof onSiteActionSchemas)[T]>;
export type OnSiteAction = { [T in OnSiteActionType]: { type: T } & OnSiteActionPayload<T> }[OnSiteActionType];
export type MaterialItem = z.infer<typeof materialItem>;
