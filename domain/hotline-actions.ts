/**
 * Every hotline action, defined once: its zod schema is the API's request body, the domain's
 * action type (inferred from it) and the payload of the Temporal signal and update of the same
 * name, which the workflow checks with the same schema (a signal from the Web UI is not checked
 * on the way in).
 */
import { z } from 'zod';
import { parseActionWith } from './actions';
import { OUTCOMES } from './case/closing';
import { actor, identifier, plainText } from './contract-schema';
import { siteSchema } from './on-site-actions';
import { slaPolicySchema } from './policy-schema';
import type { SlaPolicy } from './sla-policy';

const note = plainText(0, 2000).optional();
const text = plainText(1, 5000);
export const severityId = z.string().min(1).max(40);

/** A policy snapshot the API built from a contract (calendars with official days written in). */
const policySnapshot = z.custom<SlaPolicy>(
  // Checked whole (a payload sent around the API must not reach the state machine half-formed),
  // but kept as sent: the snapshot's calendars carry fields the schema does not list.
  (value) => slaPolicySchema.safeParse(value).success,
  'A policy snapshot the schema accepts',
);

export const hotlineActionSchemas = {
  respond: z.object({ by: actor, note }),
  'provide-solution': z.object({ by: actor, solution: text }),
  /** An answer other than a fix, recorded by a service manager (M001-3, M000-10, M004-6, M001-27). */
  'record-outcome': z.object({ by: actor, outcome: z.enum(OUTCOMES).exclude(['solved']), text }),
  confirm: z.object({ by: actor, note }),
  reject: z.object({ by: actor, reason: text }),
  reopen: z.object({ by: actor, reason: text }),
  'change-severity': z.object({ by: actor, severity: severityId, reason: note }),
  pause: z.object({ by: actor, reason: text }),
  resume: z.object({ by: actor, note }),
  /** `site`: where an on-site visit goes (a transfer to on-site names it). */
  transfer: z.object({ by: actor, to: z.enum(['remote', 'on-site']), situation: text, site: siteSchema.optional() }),
  /** An engineer hands the case up one tier, saying why (D-9). */
  escalate: z.object({ by: actor, reason: text }),
  /** A service manager closes a solved case the customer never confirmed (D-24). */
  close: z.object({ by: actor, reason: text }),
  /** An amended contract's policy snapshot, applied explicitly; `severity` maps the level when ids differ. */
  'apply-contract': z.object({
    by: actor,
    contract: z.object({ id: identifier, version: z.number().int().min(1) }),
    policy: policySnapshot,
    severity: severityId.optional(),
  }),
} as const;

export type HotlineActionType = keyof typeof hotlineActionSchemas;
export const HOTLINE_ACTION_TYPES = Object.keys(hotlineActionSchemas) as HotlineActionType[];

/** What an action carries, without its type (the message name says it). */
export type ActionPayload<T extends HotlineActionType> = z.infer<(typeof hotlineActionSchemas)[T]>;
export type HotlineAction = { [T in HotlineActionType]: { type: T } & ActionPayload<T> }[HotlineActionType];

/** Actions the API offers as `POST /cases/:id/<action>` with the body as it is; `apply-contract` has its own route. */
export const API_ACTION_TYPES = HOTLINE_ACTION_TYPES.filter((type): type is Exclude<HotlineActionType, 'apply-contract'> => type !== 'apply-contract');

/** The schema of one action, typed by its name (TypeScript cannot follow a generic index into the table). */
export function actionSchema<T extends HotlineActionType>(type: T): z.ZodType<ActionPayload<T>> {
  return hotlineActionSchemas[type] as unknown as z.ZodType<ActionPayload<T>>;
}

/** The action a payload names, checked against its schema; null with the reason when it does not fit. */
export function parseAction<T extends HotlineActionType>(type: T, payload: unknown): { action: Extract<HotlineAction, { type: T }> } | { error: string } {
  return parseActionWith(hotlineActionSchemas, type, payload) as { action: Extract<HotlineAction, { type: T }> } | { error: string };
}
