/**
 * Every error the API can answer, mapped in one place:
 * 400 bad input (with the zod issues), 404 unknown case, 409 not allowed in the case's state,
 * 413 body too large, 422 refused by a business rule, 503 Temporal unreachable, 504 Temporal up
 * but no worker answered within the request's deadline.
 */
import type { ErrorRequestHandler } from 'express';
import type { Client } from '@temporalio/client';
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
const STATUS_OF_KIND: Record<FailureKind, number> = { conflict: 409, invalid: 400, refused: 422, 'not-found': 404 };

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
/** grpc-js reports a call its deadline ended as CANCELLED at times ("Call cancelled"); the API cancels no call otherwise. */
const GRPC_CANCELLED = 1;

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current: unknown = error; current && chain.length < 10; current = (current as { cause?: unknown }).cause) chain.push(current);
  return chain;
}

function isUnreachable(error: unknown): boolean {
  return causes(error).some(
    (current) => (isGrpcServiceError(current) && current.code === GRPC_UNAVAILABLE) || (current instanceof Error && /ECONNREFUSED|Failed to connect|UNAVAILABLE/i.test(current.message)),
  );
}

/** The request's deadline passed while it waited on Temporal: the server or a worker did not answer. */
export function isDeadlineExceeded(error: unknown): boolean {
  return causes(error).some(
    (current) =>
      current instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
      (isGrpcServiceError(current) && (current.code === GRPC_DEADLINE_EXCEEDED || current.code === GRPC_CANCELLED)) ||
      (current instanceof Error && /DEADLINE_EXCEEDED|Deadline exceeded|CANCELLED: Call cancelled/i.test(current.message)),
  );
}

/**
 * A request that ran out of time, with what is known to have happened (a case may have been taken
 * in already): the error handler then tells whether Temporal or only its workers did not answer.
 */
export class AnsweredLate extends Error {
  constructor(
    readonly outcome: string,
    readonly details: Record<string, unknown>,
    cause: unknown,
    /** Known already from the route's own look (then not asked again). */
    readonly temporalAnswers?: boolean,
  ) {
    super(outcome, { cause });
  }
}

/** Temporal's frontend answers a cheap call within a second or two: it is up. */
async function temporalAnswers(client: Client): Promise<boolean> {
  try {
    await client.connection.withDeadline(Date.now() + 2_000, () => client.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  }
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
  if (isUnreachable(error) || (error instanceof ServiceError && isUnreachable(error.cause))) {
    return new HttpError(503, 'temporal_unavailable', 'Temporal is unreachable; nothing was changed. Retry later.');
  }
  return new HttpError(500, 'internal', 'Unexpected error');
}

/** What a request that ran out of time did, when its route does not say. */
function defaultOutcome(method: string): string {
  return method === 'GET' ? 'nothing was changed' : 'the action may still be applied once a worker runs: retry with the same Idempotency-Key, or read the case';
}

async function lateAnswer(client: Client, error: unknown, method: string, timeoutMs: number): Promise<HttpError> {
  const { outcome, details, temporalAnswers: known } = error instanceof AnsweredLate ? error : { outcome: defaultOutcome(method), details: {}, temporalAnswers: undefined };
  const seconds = Math.round(timeoutMs / 100) / 10;
  if (known ?? (await temporalAnswers(client))) {
    return new HttpError(504, 'no_worker_answered', `No worker answered in time (${seconds} s); Temporal is up. ${outcome}.`, details);
  }
  return new HttpError(503, 'temporal_unavailable', `Temporal is unreachable: it did not answer in ${seconds} s. ${outcome}.`, details);
}

export function errorHandler(client: Client, requestTimeoutMs: number): ErrorRequestHandler {
  return async (error, req, res, _next) => {
    const http = isDeadlineExceeded(error) ? await lateAnswer(client, error, req.method, requestTimeoutMs) : toHttpError(error);
    // The request log's line for this request carries it (logging.ts), with its request id.
    if (http.status >= 500 && http.status !== 503 && http.status !== 504) res.err = error instanceof Error ? error : new Error(String(error));
    res.status(http.status).json({ error: http.code, message: http.message, ...http.details });
  };
}

/** An update to a finished run fails as "not found": say it is closed when the run exists. */
export async function explainClosed(error: unknown, handle: { describe(): Promise<{ status: { name: string } }> }): Promise<unknown> {
  if (!(error instanceof WorkflowNotFoundError)) return error;
  try {
    const description = await handle.describe();
    return new HttpError(409, 'InvalidState', `The case is no longer open (${description.status.name.toLowerCase()})`);
  } catch {
    return error;
  }
}
