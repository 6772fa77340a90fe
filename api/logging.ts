/**
 * Structured JSON logs (pino), one format for the API and the worker: every request's line carries
 * its request id (the caller's X-Request-Id, else a new one, echoed back), the principal and the
 * workflow it concerns. Never in a log: credentials (headers redacted, bodies not logged) and
 * e-mail addresses (masked wherever they appear in a message or field).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const EMAIL = /[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[A-Za-z]{2,}/g;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Masks every e-mail address in a text: `it@acme.example` → `<e-mail>@acme.example`. */
export function maskEmails(text: string): string {
  return text.replace(EMAIL, (address) => `<e-mail>@${address.split('@').pop()}`);
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskEmails(value);
  // Only plain data is copied: a request, response or error object is left for its serializer.
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null && !Array.isArray(value)) return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, scrub(inner, depth + 1)]));
}

export function createLogger(name: string, destination?: DestinationStream): Logger {
  return pino(
    {
      name,
      level: process.env.AFTERCARE_LOG_LEVEL ?? 'info',
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'], censor: '[redacted]' },
      formatters: { log: (object) => scrub(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? maskEmails(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/** The request log: one line per answered request, with who asked and which workflow it was about. */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customProps: (req: IncomingMessage, res: ServerResponse) => {
      const principal = (req as { principal?: { id: string; role: string } }).principal;
      const workflowId = (res as { locals?: { workflowId?: string } }).locals?.workflowId;
      return { ...(principal && { principal: principal.id, role: principal.role }), ...(workflowId && { workflowId }) };
    },
    serializers: {
      req: (req: { id: string; method: string; url: string; headers: Record<string, unknown> }) => ({ id: req.id, method: req.method, url: maskEmails(req.url), headers: req.headers }),
    },
  });
}

type SdkLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * The Temporal SDK's logger interface over pino, for `Runtime.install`: the worker's own lines and
 * its workflows' `log` calls (with their workflow id and type) come out in the format above.
 */
export function sdkLogger(logger: Logger) {
  const at = (level: SdkLevel, message: string, meta?: Record<string, unknown>) => logger[level.toLowerCase() as Lowercase<SdkLevel>](meta ?? {}, message);
  return {
    log: at,
    trace: (message: string, meta?: Record<string, unknown>) => at('TRACE', message, meta),
    debug: (message: string, meta?: Record<string, unknown>) => at('DEBUG', message, meta),
    info: (message: string, meta?: Record<string, unknown>) => at('INFO', message, meta),
    warn: (message: string, meta?: Record<string, unknown>) => at('WARN', message, meta),
    error: (message: string, meta?: Record<string, unknown>) => at('ERROR', message, meta),
  };
}
