/**
 * Every action of a remote maintenance case, defined once (as domain/hotline-actions.ts does for
 * the hotline): the zod schema is the API's request body, the action's type and the payload of
 * the signal and update of the same name.
 */
import { z } from 'zod';
import { actor, plainText } from './contract-schema';

const note = plainText(0, 2000).optional();
const text = plainText(1, 5000);

/** Where the customer's system listens for the remote tool (not secret: the login details are sealed apart). */
export const remoteTarget = z.object({
  host: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9.-]+$|^\[?[0-9A-Fa-f:.]+\]?$/, 'A host name or IP address'),
  port: z.number().int().min(1).max(65535),
});

export const remoteActionSchemas = {
  /** Remote work is appointed too (M004-13). */
  'agree-appointment': z.object({ by: actor, at: z.iso.datetime({ offset: true }), note }),
  /** The customer states what is to be maintained (M003-4). */
  'state-scope': z.object({ by: actor, scope: text }),
  /**
   * The customer's authorisation (M002-3, M002-9): the API seals the login details outside history
   * and sends only their reference; a signal cannot carry it (see signalRefusal).
   */
  authorise: z.object({ by: actor, target: remoteTarget, loginReference: z.string().regex(/^[A-Za-z0-9._/-]{1,200}$/), keyId: z.string().min(1).max(64) }),
  /** The backup before any work: by the customer (M001-2) or the engineer, per the policy (C6). */
  'report-backup': z.object({ by: actor, note }),
  /** The remote work, done or failed: what was done and the patches installed (M003-4). */
  'report-work': z.object({ by: actor, outcome: z.enum(['done', 'failed']), workDone: text, patches: z.array(plainText(1, 200)).max(50).default([]) }),
  /** The customer confirms the problem is solved; a rejection sends the engineer back to work. */
  'confirm-resolution': z.object({ by: actor, note }),
  'reject-resolution': z.object({ by: actor, reason: text }),
  /** Prevention advice (M003-4), which goes into the report. */
  'give-advice': z.object({ by: actor, advice: text }),
  /**
   * The customer signs the fault-maintenance confirmation 《客户故障维护确认书》 (M002-3, C12): online,
   * or on paper whose scan the API stored first (`uploaded-scan`).
   */
  'sign-confirmation': z.object({ by: actor, method: z.enum(['online', 'uploaded-scan']).default('online'), note }),
  /** The customer withdraws the request: whatever step, the port closes. */
  withdraw: z.object({ by: actor, reason: text }),
} as const;

export type RemoteActionType = keyof typeof remoteActionSchemas;
export const REMOTE_ACTION_TYPES = Object.keys(remoteActionSchemas) as RemoteActionType[];
export type RemoteActionPayload<T extends RemoteActionType> = z.infer<(typeof remoteActionSchemas)[T]>;
export type RemoteAction = { [T in RemoteActionType]: { type: T } & RemoteActionPayload<T> }[RemoteActionType];
