/**
 * Target 3 for the products beside the hotline: a full remote maintenance (against a loopback echo
 * server standing in for the customer's system) and a full on-site visit, each driven through the
 * API one at a time; the history events and bytes of each run, against the same budgets.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { caseWorkflowId } from '../../domain/products';
import type { Caller } from '../../test/helpers/callers';
import { caseRequestBody } from '../../test/helpers/fixtures';
import type { Result } from './util';

const EVENT_BUDGET = 80;
const HISTORY_BYTES_BUDGET = 64 * 1024;
const CUSTOMER = 'bench-products';

export interface ProductsContext {
  client: Client;
  baseUrl: string;
  bearer: (caller: Caller) => Promise<string>;
  runTag: string;
}

type Step = [as: 'engineer' | 'customer', action: string, body: object];

export async function benchProducts(context: ProductsContext, runs: number, progress: (message: string) => void): Promise<Result[]> {
  const { client, baseUrl, runTag } = context;
  const keys = { engineer: await context.bearer('engineer'), customer: await context.bearer({ customer: CUSTOMER }) };
  const echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const target = { host: '127.0.0.1', port: (echo.address() as net.AddressInfo).port };
  const send = async (as: 'engineer' | 'customer', route: string, body: object, expected = 200) => {
    const response = await fetch(`${baseUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: keys[as] }, body: JSON.stringify(body) });
    if (response.status !== expected) throw new Error(`POST ${route}: ${response.status} ${(await response.text()).slice(0, 200)}`);
  };
  /** Each action once the case waits for it (an action during a step's activity answers 409). */
  const drive = async (product: string, caseId: string, steps: Step[]) => {
    for (const [as, action, body] of steps) {
      for (let attempt = 0; ; attempt++) {
        const state = (await (await fetch(`${baseUrl}/${product}/${caseId}`, { headers: { authorization: keys.engineer } })).json()) as { awaiting?: string[] };
        if (state.awaiting?.includes(action)) break;
        if (attempt > 300) throw new Error(`${product} ${caseId} never waited for ${action}`);
        await sleep(50);
      }
      await send(as, `/${product}/${caseId}/${action}`, body);
    }
  };
  const start = (product: string, caseId: string, extra: object) =>
    send(
      'engineer',
      `/${product}`,
      { ...caseRequestBody({ caseId, customer: { id: CUSTOMER, name: 'Bench Ltd', email: 'it@bench.example' }, preset: '004', severity: 'standard' }), problem: undefined, ...extra },
      201,
    );
  const at = new Date(Date.now() + 3_600_000).toISOString();
  const lifecycles: Record<string, (caseId: string) => Promise<void>> = {
    remote: async (caseId) => {
      await start('remote', caseId, { situation: 'The nightly export fails' });
      await drive('remote', caseId, [
        ['engineer', 'agree-appointment', { at }],
        ['customer', 'state-scope', { scope: 'The export job' }],
        ['customer', 'authorise', { target, login: { username: 'ops', password: 'bench-secret' } }],
        ['engineer', 'report-backup', {}],
        ['engineer', 'report-work', { outcome: 'done', workDone: 'Rebuilt the export index' }],
        ['customer', 'confirm-resolution', {}],
        ['engineer', 'give-advice', { advice: 'Rebuild the index after upgrades' }],
        ['customer', 'sign-confirmation', {}],
      ]);
    },
    'on-site': async (caseId) => {
      await start('on-site', caseId, { situation: 'Terminals drop', site: { address: 'Bench Road 1', zone: 'city' } });
      await drive('on-site', caseId, [
        ['engineer', 'agree-appointment', { at }],
        ['engineer', 'arrive', { identity: 'Staff card 1', travelMinutes: 30 }],
        ['customer', 'accept-identity', {}],
        ['customer', 'state-problem', { problem: 'Terminals drop every few minutes' }],
        ['customer', 'permit-backup', {}],
        ['engineer', 'report-backup', {}],
        ['engineer', 'report-diagnosis', { diagnosis: 'A failing switch port' }],
        ['engineer', 'propose-solution', { solution: 'Replace the module' }],
        ['customer', 'consent-solution', {}],
        ['engineer', 'report-fix', { outcome: 'fixed', workDone: 'Module replaced' }],
        ['engineer', 'report-system-check', { result: 'All terminals connected' }],
        ['engineer', 'record-findings', { cause: 'Port failure', prevention: 'Monitor ports', solution: 'Module replaced' }],
        ['customer', 'confirm-resolution', {}],
        ['engineer', 'give-advice', { advice: 'Keep a spare module' }],
        ['customer', 'sign-work-order', {}],
      ]);
    },
  };
  const results: Result[] = [];
  try {
    for (const [product, lifecycle] of Object.entries(lifecycles)) {
      progress(`history size: ${runs} ${product} lifecycles through the API, one at a time`);
      const events: number[] = [];
      const bytes: number[] = [];
      const errors: string[] = [];
      for (let index = 0; index < runs; index++) {
        const caseId = `bench-${runTag}-${product}-${index}`;
        try {
          await lifecycle(caseId);
          const handle = client.workflow.getHandle(caseWorkflowId(product as 'remote' | 'on-site', caseId));
          await handle.result();
          const history = await handle.fetchHistory();
          events.push(history.events?.length ?? 0);
          bytes.push(temporal.api.history.v1.History.encode(history).finish().length);
        } catch (error) {
          errors.push((error as Error).message);
        }
      }
      const maxEvents = events.length ? Math.max(...events) : Number.NaN;
      const maxBytes = bytes.length ? Math.max(...bytes) : Number.NaN;
      results.push(
        {
          id: `3·${product}`,
          target: `history events of a full ${product} lifecycle (max of runs)`,
          measured: events.length ? `${maxEvents} events (${events.length} runs)${errors.length ? `, ${errors.length} failed` : ''}` : `no completed lifecycle: ${errors[0] ?? ''}`,
          limit: `≤ ${EVENT_BUDGET}`,
          pass: events.length > 0 && errors.length === 0 && maxEvents <= EVENT_BUDGET,
          value: maxEvents,
          unit: 'events',
          details: { events, errors: errors.slice(0, 3) },
        },
        {
          id: `3·${product}·bytes`,
          target: `history bytes of a full ${product} lifecycle (max of the runs above)`,
          measured: bytes.length ? `${Math.round(maxBytes / 102.4) / 10} kB` : 'no completed lifecycle',
          limit: `≤ ${HISTORY_BYTES_BUDGET / 1024} kB`,
          pass: bytes.length > 0 && maxBytes <= HISTORY_BYTES_BUDGET,
          value: maxBytes,
          unit: 'bytes',
          details: { bytes },
        },
      );
    }
  } finally {
    echo.close();
  }
  return results;
}
