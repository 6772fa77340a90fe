/** Small helpers of the bench: a bounded-concurrency runner, percentiles, results and their table. */

/** Runs `task(0 … count-1)` with at most `concurrency` in flight; results in index order. */
export async function pool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** A deterministic pseudo-random sequence in [0, 1) (mulberry32), so runs are comparable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Result {
  /** Target number in the project guide (1–6), with a letter when one target has several rows. */
  id: string;
  target: string;
  measured: string;
  limit: string;
  /** null: shown beside a target for context, not judged. */
  pass: boolean | null;
  /** The judged number in `unit` (NaN when it could not be measured). */
  value: number;
  unit: string;
  details?: Record<string, unknown>;
}

export function failed(id: string, target: string, limit: string, error: unknown): Result {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return {
    id,
    target,
    measured: `error: ${message}`,
    limit,
    pass: false,
    value: Number.NaN,
    unit: '',
    details: { error: String(error instanceof Error ? (error.stack ?? error.message) : error) },
  };
}

export function table(results: Result[]): string {
  const header = ['#', 'target', 'measured', 'limit', 'pass/fail'];
  const rows = results.map((result) => [result.id, result.target, result.measured, result.limit, result.pass === null ? 'info' : result.pass ? 'PASS' : 'FAIL']);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...rows.map(line)].join('\n');
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}
