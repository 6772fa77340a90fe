/**
 * Who is acting, taken in one place for every route. Until callers authenticate, a field of the
 * body names them (`by`; `openedBy` at intake); access control replaces this function, and no route
 * reads those fields itself.
 */
import type { Request } from 'express';
import { ZodError } from 'zod';
import { actor } from '../domain/contract-schema';

export function actorOf(req: Request, field: 'by' | 'openedBy' = 'by'): string {
  const parsed = actor.safeParse((req.body as Record<string, unknown> | undefined)?.[field]);
  if (parsed.success) return parsed.data;
  throw new ZodError(parsed.error.issues.map((issue) => ({ ...issue, path: [field, ...issue.path] })));
}
