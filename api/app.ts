/** The HTTP API as an express app, without listen(): tests and api/index.ts both start it. */
import express from 'express';
import type { Client } from '@temporalio/client';
import { calendarsRouter } from './calendars/router';
import { casesRouter } from './cases/router';
import { remoteRouter } from './remote/router';
import { onSiteRouter } from './on-site/router';
import type { DocumentStore } from '../activities/documents';
import type { LoginDetailsVault } from '../activities/login-details';
import { contractsRouter, customerContractsRouter } from './contracts/router';
import { deadlinesRouter } from './deadlines/router';
import { adminRouter } from './access/admin-router';
import type { JwtVerifier } from './access/jwt';
import type { KeyStore } from './access/keys';
import { authenticate } from './access/middleware';
import { HttpError, errorHandler } from './errors';
import { docsRouter } from './docs';
import { healthRouter } from './health';
import { ApiMetrics } from './metrics';
import { createLogger, requestLogger } from './logging';
import type { Logger } from 'pino';

export interface AppDeps {
  client: Client;
  taskQueue: string;
  /** Every Temporal call of one request ends by this many ms after it arrived (default 10 s). */
  requestTimeoutMs?: number;
  /** Where the worker archives the older audit entries of cases (activities/audit-archive.ts). */
  auditDirectory: string;
  /** The API keys callers authenticate with (access/keys.ts). */
  keys: KeyStore;
  /** Bearer JWTs from the operator's identity provider (access/jwt.ts); without it, API keys only. */
  jwt?: JwtVerifier;
  /** Where the request log goes (logging.ts; stdout by default). */
  logger?: Logger;
  /** Seals search page tokens (visibility.ts); APIs behind one load balancer share it. */
  pageTokenKey?: string;
  /** The series `GET /metrics` shows (metrics.ts; made here when not given). */
  metrics?: ApiMetrics;
  /** The worker's document store and the vault that seals remote logins: without them, no /remote or /on-site routes. */
  remote?: { documents: DocumentStore; vault: LoginDetailsVault };
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const logger = deps.logger ?? createLogger('aftercare-api');
  const metrics = deps.metrics ?? new ApiMetrics();
  app.use(metrics.measure());
  app.use(healthRouter(deps));
  app.use(metrics.router());
  app.use(requestLogger(logger));
  app.use(docsRouter());
  // Everything below answers only an authenticated caller (access/middleware.ts), before its body is read.
  app.use(authenticate(deps));
  app.use(express.json({ limit: '64kb', strict: true, type: ['application/json', 'application/*+json'] }));
  const requestTimeoutMs = deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // One deadline for all the Temporal calls a request makes: a frozen worker or a hung server
  // gives an answer in time, never a request that hangs.
  app.use((_req, _res, next) => {
    void deps.client.connection.withDeadline(Date.now() + requestTimeoutMs, async () => next());
  });
  app.use('/cases', casesRouter({ ...deps, metrics }));
  if (deps.remote) app.use('/remote', remoteRouter({ ...deps, ...deps.remote }));
  if (deps.remote) app.use('/on-site', onSiteRouter({ ...deps, documents: deps.remote.documents }));
  app.use('/calendars', calendarsRouter(deps));
  app.use('/contracts', contractsRouter(deps));
  app.use('/customers', customerContractsRouter(deps));
  app.use('/deadlines', deadlinesRouter(deps));
  app.use('/admin', adminRouter(deps));
  app.use((_req, _res, next) => next(new HttpError(404, 'not_found', 'No such route')));
  app.use(errorHandler(deps.client, requestTimeoutMs));
  return app;
}
