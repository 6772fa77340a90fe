/** The API on a real HTTP port, for tests that speak HTTP to it. */
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import { type RunningWorker, createDevServerEnv, startWorker } from './environments';
import { uniqueId } from './fixtures';

export interface RunningApi {
  baseUrl: string;
  close(): Promise<void>;
}

export async function startApi(client: Client, taskQueue: string, options: { requestTimeoutMs?: number; auditDirectory?: string } = {}): Promise<RunningApi> {
  const { auditDirectory = mkdtempSync(path.join(tmpdir(), 'aftercare-audit-')), requestTimeoutMs } = options;
  const server: Server = await new Promise((resolve) => {
    const listening = createApp({ client, taskQueue, auditDirectory, requestTimeoutMs }).listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read it freely
}

export async function request(baseUrl: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

export interface ApiStack {
  worker: RunningWorker;
  api: RunningApi;
  post(route: string, body?: unknown, headers?: Record<string, string>): Promise<JsonResponse>;
  get(route: string): Promise<JsonResponse>;
}

/**
 * What every HTTP test file needs: a CLI dev server, a real worker (e-mail into a temp outbox) and
 * the API in front of it, started before the file's tests and stopped after them.
 */
export function useApiStack(name: string): ApiStack {
  const stack = {
    post: (route: string, body?: unknown, headers?: Record<string, string>) => request(stack.api.baseUrl, 'POST', route, body, headers),
    get: (route: string) => request(stack.api.baseUrl, 'GET', route),
  } as ApiStack;
  beforeAll(async () => {
    stack.worker = await startWorker(await createDevServerEnv(), uniqueId(`${name}-tq`), mkdtempSync(path.join(tmpdir(), 'aftercare-outbox-')));
    stack.api = await startApi(stack.worker.env.client, stack.worker.taskQueue, { auditDirectory: stack.worker.auditDirectory });
  });
  afterAll(async () => {
    await stack.api?.close();
    await stack.worker?.stop();
  });
  return stack;
}
