/**
 * Every error the API can answer, mapped in one place:
 * 400 bad input (with the zod issues), 404 unknown case, 409 not allowed in the case's state,
 * 413 body too large, 422 refused by a business rule, 503 Temporal unreachable.
 */
import type { ErrorRequestHandler } from 'express';
import { ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, isGrpcServiceError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { ZodError } from 'zod';
import { CalendarError } from '../domain/calendar';
import { type FailureKind, failureKind } from '../domain/failures';
import { UnknownRegionError } from './calendars/official-days';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** The HTTP status of each kind of business failure (domain/failures.ts lists the types). */
const STATUS_OF_KIND: Record<FailureKind, number> = { conflict: 409, invalid: 400, refused: 422 };

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

function isUnreachable(error: unknown): boolean {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    if (isGrpcServiceError(current) && (current.code === GRPC_UNAVAILABLE || current.code === GRPC_DEADLINE_EXCEEDED)) return true;
    if (current instanceof Error && /ECONNREFUSED|Failed to connect|UNAVAILABLE|DEADLINE_EXCEEDED|Deadline exceeded/i.test(current.message)) return true;
  }
  return false;
}

export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ZodError) {
    return new HttpError(400, 'invalid_request', 'The request does not match the schema', { issues: error.issues });
  }
  if (error instanceof UnknownRegionError) {
    return new HttpError(400, 'invalid_request', error.message, { issues: [{ code: 'custom', path: ['region'], message: error.message }] });
  }
  // A calendar the schema could not rule out, e.g. no working time within ten years of the instant.
  if (error instanceof CalendarError) {
    return new HttpError(400, 'invalid_request', error.message, { issues: [{ code: 'custom', path: ['calendar'], message: error.message }] });
  }
  const bodyError = error as { type?: string; status?: number };
  if (bodyError.type === 'entity.parse.failed') return new HttpError(400, 'malformed_json', 'The body is not valid JSON');
  if (bodyError.type === 'entity.too.large') return new HttpError(413, 'body_too_large', 'The body is larger than the API accepts');
  if (bodyError.type === 'encoding.unsupported' || bodyError.type === 'charset.unsupported') return new HttpError(415, 'unsupported_encoding', 'Send UTF-8 JSON');
  if (bodyError.type === 'request.aborted') return new HttpError(400, 'request_aborted', 'The request body ended before it was complete; nothing was changed');
  // Any other request the HTTP layer already judged malformed: a bad percent-escape in the path
  // (express: 400), a body labelled gzip that is not, a length that does not match.
  if (typeof bodyError.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
    return new HttpError(bodyError.status, 'malformed_request', `The request is malformed: ${(error as Error).message ?? 'unreadable'}; nothing was changed`);
  }
  if (error instanceof WorkflowNotFoundError) return new HttpError(404, 'not_found', 'No such case');
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const type = error.cause.type ?? 'ApplicationFailure';
    const kind = failureKind(type);
    const status = kind && STATUS_OF_KIND[kind];
    // A validator that checked a schema hands its issues over, like a 400 from the API's own zod.
    const [issues] = (error.cause.details ?? []) as unknown[];
    if (status) return new HttpError(status, type, error.cause.message, Array.isArray(issues) ? { issues } : undefined);
  }
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new HttpError(504, 'timeout', 'The case did not answer in time; the action may still be applied — retry with the same Idempotency-Key');
  }
  if (isUnreachable(error) || (error instanceof ServiceError && isUnreachable(error.cause))) {
    return new HttpError(503, 'temporal_unavailable', 'Temporal is unreachable; nothing was changed. Retry later.');
  }
  return new HttpError(500, 'internal', 'Unexpected error');
}

export const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  const http = toHttpError(error);
  if (http.status >= 500 && http.status !== 503) console.error(error);
  res.status(http.status).json({ error: http.code, message: http.message, ...http.details });
};
