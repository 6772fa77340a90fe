/**
 * Repeats told apart from conflicts. An action's Idempotency-Key becomes its update id together
 * with a digest of what the action asks (type, body, caller), so the same key with the same request
 * is applied once, and the same key with another request is refused (422) instead of answered with
 * the first one's result. A case id sent again with another intake is a 409 the same way.
 */
import { createHash } from 'node:crypto';
import { HttpError } from './errors';

/** `~` never occurs in a key (schemas.ts `idempotencyKey`): the key is what precedes it. */
const SEPARATOR = '~';

export function requestDigest(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex').slice(0, 32);
}

export function actionUpdateId(key: string | undefined, type: string, payload: unknown): string | undefined {
  return key === undefined ? undefined : `${key}${SEPARATOR}${requestDigest({ type, payload })}`;
}

/**
 * Refuses a key the case has already applied to a different request. Ids applied before keys
 * carried a digest are the bare key: such a repeat is answered as applied, as it always was.
 */
export function checkKeyReuse(appliedUpdateIds: readonly string[] | undefined, updateId: string): 'new' | 'repeat' {
  const [key] = updateId.split(SEPARATOR);
  for (const applied of appliedUpdateIds ?? []) {
    if (applied === updateId || applied === key) return 'repeat';
    if (applied.startsWith(`${key}${SEPARATOR}`)) {
      throw new HttpError(422, 'idempotency_key_reused', `Idempotency-Key "${key}" was used for a different request on this case; use a new key for a new request`);
    }
  }
  return 'new';
}
