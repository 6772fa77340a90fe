/** Checking an action's payload against its product's schema table (the same table the API parses with). */
import type { z } from 'zod';

/** The action a payload names, checked against its schema; the reason when it does not fit. */
export function parseActionWith<S extends Record<string, z.ZodType>, T extends keyof S & string>(
  schemas: S,
  type: T,
  payload: unknown,
): { action: { type: T } & z.infer<S[T]> } | { error: string } {
  const parsed = schemas[type].safeParse(payload);
  if (!parsed.success) return { error: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`).join('; ') };
  return { action: { ...(parsed.data as object), type } as { type: T } & z.infer<S[T]> };
}
