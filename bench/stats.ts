/** Latency summaries and plain-text tables for the benchmark report. */

export interface Summary {
  /** Measured requests (warm-up excluded). */
  count: number;
  errors: number;
  /** Wall time of the measured part, in ms. */
  elapsedMs: number;
  /** Requests per second over the measured part. */
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  /** Event-loop utilisation of the main (server) thread during the run, 0..1, when measured. */
  serverElu?: number;
}

/** Nearest-rank percentile of an ascending-sorted array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(latenciesMs: ArrayLike<number>, elapsedMs: number, errors = 0): Summary {
  const sorted = Float64Array.from(latenciesMs).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    errors,
    elapsedMs,
    rps: (sorted.length / elapsedMs) * 1000,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.length ? total / sorted.length : NaN,
  };
}

/** Of several runs of the same thing, keep the one with the best throughput (least disturbed by noise). */
export function best(runs: Summary[]): Summary {
  return runs.reduce((a, b) => (b.rps > a.rps ? b : a));
}

export const ms = (value: number): string => (value < 1 ? `${(value * 1000).toFixed(0)} µs` : `${value.toFixed(2)} ms`);
export const rps = (value: number): string => `${Math.round(value).toLocaleString('en-US')}/s`;
export const ratio = (value: number): string => value.toFixed(2);

/** Render rows as an aligned text table; the first row is the header. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n');
}
