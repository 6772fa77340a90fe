/**
 * What ops count on the worker's Prometheus endpoint, from the workflows themselves: breaches by
 * product and window, automatic closes by product. Counted as the case records them (the SDK drops
 * what a replay emits again), and only what this run recorded: a run continued as new starts from
 * the counts it was handed.
 */
import type { MetricCounter } from '@temporalio/common';
import { metricMeter } from '@temporalio/workflow';
import type { CaseCore } from '../domain/case/core';

// Made at first use: the meter exists only inside a workflow, and the API imports workflow modules for their message definitions.
let counters: { breaches: MetricCounter; autoCloses: MetricCounter } | undefined;
function countersOf() {
  counters ??= {
    breaches: metricMeter.createCounter('aftercare_breaches', 'breaches', 'Windows missed, by product and window'),
    autoCloses: metricMeter.createCounter('aftercare_auto_closes', 'cases', 'Cases closed automatically after the customer stayed silent, by product'),
  };
  return counters;
}

/** One missed window, as the workflow records it. */
export function countBreach(product: string, window: string): void {
  countersOf().breaches.add(1, { product, window });
}

export class CaseMetrics {
  private breachesSeen: number;
  private autoClosed: boolean;

  constructor(private readonly state: CaseCore) {
    this.breachesSeen = state.breaches.length;
    this.autoClosed = state.stage === 'auto-closed';
  }

  /** Counts what the case recorded since the last look. */
  record(): void {
    for (const breach of this.state.breaches.slice(this.breachesSeen)) countBreach(this.state.product, breach.window);
    this.breachesSeen = this.state.breaches.length;
    const autoClosed = this.state.stage === 'auto-closed';
    if (autoClosed && !this.autoClosed) countersOf().autoCloses.add(1, { product: this.state.product });
    this.autoClosed = autoClosed;
  }
}
