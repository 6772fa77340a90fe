/**
 * Who is acting: the authenticated principal (access/middleware.ts), for every route. A body that
 * names an actor itself (`by`, `openedBy`) is refused rather than silently overridden.
 */
import type { Request } from 'express';
import { ZodError } from 'zod';
import { principalOf } from './access/middleware';

export function actorOf(req: Request, field: 'by' | 'openedBy' = 'by'): string {
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && Object.hasOwn(body, field)) {
    throw new ZodError([{ code: 'custom', path: [field], message: `"${field}" is taken from your credentials; leave it out`, input: body[field] }]);
  }
  return principalOf(req).id;
}
