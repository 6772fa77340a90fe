/**
 * What ops read in the Web UI for a case of any product: search attributes, timer summaries and
 * the run's current details.
 */
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { TypedSearchAttributes } from '@temporalio/common';
import { tierName } from '../domain/case/clock';
import type { CaseCore, DeadlineKind } from '../domain/case/core';
import { windowStatus } from '../domain/case/view';
import { ZoneOffsets, formatInstant } from '../domain/time-zone';
import { caseSearchAttributeUpdates } from './search-attributes';

/**
 * Upserts the case's search attributes when they differ from the last ones written. A case the API
 * started with its first attributes already set (see `caseSearchAttributes`) writes nothing at first.
 */
export class SearchAttributeSync {
  private last = '';

  constructor(private readonly startedWith?: TypedSearchAttributes) {}

  /** `status` is the product's own status word (`CaseStatus`). */
  sync(state: CaseCore, status: string): void {
    const pairs = caseSearchAttributeUpdates(state, status);
    if (this.last === '' && this.startedWith) this.last = JSON.stringify(pairs.map((pair) => this.startedWith!.get(pair.key) ?? null));
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
