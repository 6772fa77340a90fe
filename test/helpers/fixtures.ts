import type { WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { CURRENT_RULES } from '../../domain/case/clock';
import type { HotlineCase, HotlineIntake } from '../../domain/hotline-case';
import type { ActionResult } from '../../workflows/case-runtime';
import { caseStateQuery } from '../../workflows/messages';
import { presetPolicy, type PresetId } from '../../domain/sla-policy';

let counter = 0;
/** Unique per test run: a workflow id is never reused across tests. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export function hotlineIntake(overrides: Partial<HotlineIntake> & { preset?: PresetId } = {}): HotlineIntake {
  const { preset = '000', ...rest } = overrides;
  const timeZone = rest.timeZone ?? 'Asia/Shanghai';
  return {
    caseId: uniqueId('case'),
    customer: { id: 'cust-1', name: 'Acme Ltd', email: 'it@acme.example' },
    problem: { description: 'Reports page fails to load', type: 'bug', softwareVersion: '8.5.2', environment: 'CentOS 7, Oracle 19c' },
    severity: '1',
    reportedAt: new Date().toISOString(),
    timeZone,
    policy: presetPolicy(preset, timeZone),
    servicePeriods: [{ kind: 'free', start: '2020-01-01', end: '2099-12-31' }],
    openedBy: 'agent-li',
    // The customer community: the channel whose cases close by themselves (R-001-8).
    channel: 'community',
    rules: CURRENT_RULES,
    ...rest,
  };
}

/** Sends an action's update, then reads the case by query (an update answers only with its revision). */
export async function actAndRead<A extends [unknown, ...unknown[]]>(
  handle: WorkflowHandle,
  update: UpdateDefinition<ActionResult, A>,
  options: { args: A; updateId?: string },
): Promise<HotlineCase> {
  await handle.executeUpdate<ActionResult, A>(update, options);
  return handle.query(caseStateQuery);
}

/** The body of a `POST /cases` as a backend team sends it: preset 000 level 2, every solution called back. */
export function caseRequestBody(overrides: Record<string, unknown> = {}) {
  return {
    caseId: uniqueId('api-case'),
    customer: { id: 'cust-api', name: 'Acme Ltd', email: 'it@acme.example' },
    problem: { description: 'Nightly export stops at 3%', type: 'bug', softwareVersion: '8.5.2', environment: 'CentOS 7' },
    preset: '000',
    severity: '2',
    servicePeriods: [{ kind: 'free', start: '2026-01-01', end: '2099-12-31' }],
    closing: { callBackSampleRate: 1 },
    ...overrides,
  };
}

/** Preset 000 level 1: a 30-minute response window, 24×7. */
const LEVEL_1_RESPONSE_MS = 30 * 60_000;

/** A level-1 case reported so that its response window falls due `dueInMs` from now (negative: already breached). */
export function caseDueIn(dueInMs: number, overrides: Record<string, unknown> = {}) {
  return caseRequestBody({ severity: '1', reportedAt: new Date(Date.now() - LEVEL_1_RESPONSE_MS + dueInMs).toISOString(), ...overrides });
}
