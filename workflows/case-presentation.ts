/**
 * What ops read in the Web UI for a case of any product: search attributes, timer summaries and
 * the run's current details.
 */
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { isBreached, nextWindowDueMs, tierName } from '../domain/case/clock';
import type { CaseCore, DeadlineKind } from '../domain/case/core';
import { windowStatus } from '../domain/case/view';
import { ZoneOffsets, formatInstant } from '../domain/time-zone';
import { BREACHED, CASE_STATUS, CONTRACT_ID, CUSTOMER_ID, ESCALATION_TIER, NEXT_DUE_AT, PRODUCT, SEVERITY } from './search-attributes';

/** Upserts the case's search attributes when they differ from the last ones written. */
export class SearchAttributeSync {
  private last = '';

  /** `status` is the product's own status word (`CaseStatus`). */
  sync(state: CaseCore, status: string): void {
    const due = nextWindowDueMs(state);
    const pairs: SearchAttributeUpdatePair[] = [
      { key: PRODUCT, value: state.product },
      { key: CUSTOMER_ID, value: state.customer.id },
      { key: SEVERITY, value: state.severity },
      { key: CASE_STATUS, value: state.paused ? 'paused' : status },
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

export function deadlineSummary(state: CaseCore, kind: DeadlineKind, atMs: number): string {
  const due = formatInstant(atMs, new ZoneOffsets(state.timeZone));
  if (kind === 'auto-close') return `Auto-close if the customer stays silent, due ${due}`;
  if (kind === 'final-close') return `Final close unless reopened, due ${due}`;
  if (kind === 'warning') return `Pre-breach warning, due ${due}`;
  if (kind === 'notice') return `Notice held for office hours, goes ${due}`;
  if (kind === 'escalation') return `Escalation to tier ${state.tier + 1} unless solved, due ${due}`;
  const window = state.windows.find((candidate) => candidate.dueMs === atMs && candidate.metMs === null && !candidate.superseded);
  return `${window?.label ?? 'SLA'} window, level ${state.severity}, due ${due}`;
}

export function showCurrentDetails(state: CaseCore, status: string): void {
  const zone = new ZoneOffsets(state.timeZone);
  const lines = [
    `**${status}${state.paused ? ' (paused)' : ''}** · severity ${state.severity} · tier ${state.tier}: ${tierName(state)}`,
    '',
    '| window | level | due | state |',
    '|---|---|---|---|',
    ...state.windows
      .filter((window) => !window.superseded)
      .map((window) => {
        const due = window.dueMs ?? window.breachedDueMs;
        const shown = window.metMs !== null ? `met ${formatInstant(window.metMs, zone)}` : windowStatus(window);
        return `| ${window.label} | ${window.level} | ${due === null ? '—' : formatInstant(due, zone)} | ${shown} |`;
      }),
  ];
  if (state.breaches.length > 0) lines.push('', `Breaches: ${state.breaches.map((breach) => `${breach.window} (due ${formatInstant(breach.dueMs, zone)})`).join(', ')}`);
  setCurrentDetails(lines.join('\n'));
}
