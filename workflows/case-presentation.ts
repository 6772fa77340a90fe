/**
 * What ops read in the Web UI: search attributes, timer summaries and the run's current details.
 */
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { DeadlineKind, HotlineCase } from '../domain/hotline-case';
import { isBreached } from '../domain/hotline-case';
import { nextDueMs } from '../domain/sla-windows';
import { ZoneOffsets, formatInstant } from '../domain/time-zone';
import { BREACHED, CASE_STATUS, CONTRACT_ID, CUSTOMER_ID, ESCALATION_TIER, NEXT_DUE_AT, PRODUCT, SEVERITY } from './search-attributes';

/** Upserts the case's search attributes when they differ from the last ones written. */
export class SearchAttributeSync {
  private last = '';

  sync(state: HotlineCase): void {
    const due = state.status === 'open' || state.status === 'in-progress' ? nextDueMs(state.windows) : null;
    const pairs: SearchAttributeUpdatePair[] = [
      { key: PRODUCT, value: state.product },
      { key: CUSTOMER_ID, value: state.customer.id },
      { key: SEVERITY, value: state.severity },
      { key: CASE_STATUS, value: state.paused ? 'paused' : state.status },
      { key: BREACHED, value: isBreached(state) },
      { key: ESCALATION_TIER, value: state.tier },
      { key: NEXT_DUE_AT, value: due === null ? null : new Date(due) },
      // Only cases under a contract carry it, so runs recorded before contracts replay unchanged.
      ...(state.contract ? [{ key: CONTRACT_ID, value: state.contract.id }] : []),
    ];
    const fingerprint = JSON.stringify(pairs.map((pair) => pair.value));
    if (fingerprint === this.last) return;
    this.last = fingerprint;
    upsertSearchAttributes(pairs);
  }
}

export function deadlineSummary(state: HotlineCase, kind: DeadlineKind, atMs: number): string {
  const due = formatInstant(atMs, new ZoneOffsets(state.timeZone));
  if (kind === 'auto-close') return `Auto-close if the customer stays silent, due ${due}`;
  if (kind === 'final-close') return `Final close unless reopened, due ${due}`;
  if (kind === 'warning') return `Pre-breach warning, due ${due}`;
  if (kind === 'notice') return `Notice held for office hours, goes ${due}`;
  const window = state.windows.find((candidate) => candidate.dueMs === atMs && candidate.metMs === null && !candidate.superseded);
  return `${window?.label ?? 'SLA'} window, level ${state.severity}, due ${due}`;
}

export function showCurrentDetails(state: HotlineCase): void {
  const zone = new ZoneOffsets(state.timeZone);
  const lines = [
    `**${state.status}${state.paused ? ' (paused)' : ''}** · severity ${state.severity} · tier ${state.tier}: ${state.policy.escalationTiers[state.tier - 1] ?? ''}`,
    '',
    '| window | level | due | state |',
    '|---|---|---|---|',
    ...state.windows.filter((window) => !window.superseded).map((window) => {
      const due = window.dueMs ?? window.breachedDueMs;
      const status = window.metMs !== null ? `met ${formatInstant(window.metMs, zone)}` : window.breachedDueMs !== null ? 'breached' : window.runningSinceMs === null ? 'paused' : 'running';
      return `| ${window.label} | ${window.level} | ${due === null ? '—' : formatInstant(due, zone)} | ${status} |`;
    }),
  ];
  if (state.breaches.length > 0) lines.push('', `Breaches: ${state.breaches.map((breach) => `${breach.window} (due ${formatInstant(breach.dueMs, zone)})`).join(', ')}`);
  setCurrentDetails(lines.join('\n'));
}
