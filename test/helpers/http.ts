/** The API on a real HTTP port, for tests that speak HTTP to it, with API keys for every role. */
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { JwtVerifier } from '../../api/access/jwt';
import { KeyStore } from '../../api/access/keys';
import { type AppDeps, createApp } from '../../api/app';
import { createLogger } from '../../api/logging';
import { type RunningWorker, createDevServerEnv, startWorker } from './environments';
import { type Caller, bearers, usualCaller } from './callers';
import { uniqueId } from './fixtures';

export { type Caller, usualCaller };

export interface RunningApi {
  baseUrl: string;
  keys: KeyStore;
  /** An `Authorization` header value for the caller (a key made once per caller). */
  bearer(caller: Caller): Promise<string>;
  close(): Promise<void>;
}

export async function startApi(
  client: Client,
  taskQueue: string,
  options: {
    requestTimeoutMs?: number;
    auditDirectory?: string;
    keysFile?: string;
    /** Request log lines (else dropped). */ logLines?: string[];
    /** Bearer JWTs beside the keys. */ jwt?: JwtVerifier;
    /** The worker's document store and login vault, for the /remote routes. */ remote?: AppDeps['remote'];
  } = {},
): Promise<RunningApi> {
  const {
    auditDirectory = mkdtempSync(path.join(tmpdir(), 'aftercare-audit-')),
    requestTimeoutMs,
    keysFile = path.join(mkdtempSync(path.join(tmpdir(), 'aftercare-keys-')), 'api-keys.json'),
  } = options;
  const keys = new KeyStore(keysFile);
  const logger = createLogger('aftercare-api', { write: (line: string) => void options.logLines?.push(line) });
  const server: Server = await new Promise((resolve) => {
    const listening = createApp({ client, taskQueue, auditDirectory, requestTimeoutMs, keys, logger, jwt: options.jwt, remote: options.remote }).listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    keys,
    bearer: bearers(keys),
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read it freely
}

/**
 * One call. `as` picks the caller (by default a staff role the route allows; a customer-only route
 * needs `as: { customer }`); `as: null` sends no credentials; an `authorization` header wins.
 */
export async function request(api: RunningApi, method: string, route: string, body?: unknown, headers: Record<string, string> = {}, { as }: { as?: Caller | null } = {}): Promise<JsonResponse> {
  const caller = as === undefined ? usualCaller(method, route) : as;
  const authorization = headers.authorization ?? (caller ? await api.bearer(caller) : undefined);
  const response = await fetch(`${api.baseUrl}${route}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers, ...(authorization && { authorization }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

export interface ApiStack {
  worker: RunningWorker;
  api: RunningApi;
  post(route: string, body?: unknown, headers?: Record<string, string>, options?: { as?: Caller | null }): Promise<JsonResponse>;
  get(route: string, options?: { as?: Caller | null }): Promise<JsonResponse>;
}

/**
 * What every HTTP test file needs: a CLI dev server, a real worker (e-mail into a temp outbox) and
 * the API in front of it, started before the file's tests and stopped after them.
 */
export function useApiStack(name: string): ApiStack {
  const stack = {
    post: (route: string, body?: unknown, headers?: Record<string, string>, options?: { as?: Caller | null }) => request(stack.api, 'POST', route, body, headers, options),
    get: (route: string, options?: { as?: Caller | null }) => request(stack.api, 'GET', route, undefined, {}, options),
  } as ApiStack;
  beforeAll(async () => {
    stack.worker = await startWorker(await createDevServerEnv(), uniqueId(`${name}-tq`), mkdtempSync(path.join(tmpdir(), 'aftercare-outbox-')));
    const { deps } = stack.worker;
    stack.api = await startApi(stack.worker.env.client, stack.worker.taskQueue, {
      auditDirectory: stack.worker.auditDirectory,
      remote: { documents: deps.documents.store, vault: deps.remoteAccess.vault },
    });
  });
  afterAll(async () => {
    await stack.api?.close();
    await stack.worker?.stop();
  });
  return stack;
}
