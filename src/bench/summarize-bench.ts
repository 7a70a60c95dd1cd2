import type { BenchRun } from './run-bench.js';

/** A concurrency level with its throughput, averaged over its repetitions. */
export interface BenchLevel {
  readonly concurrency: number;
  readonly pagesPerSecond: number;
}

/** The `bench` report (CONTRACT.md), plus the knee: the smallest level within 5% of the best. */
export interface BenchReport {
  readonly version: 1;
  readonly runs: readonly BenchRun[];
  readonly best: BenchLevel | null;
  readonly knee: BenchLevel | null;
}

/** Within this fraction of the best throughput, a smaller concurrency level is as good. */
const KNEE_TOLERANCE = 0.05;

/** Average each level's runs, and name the best level and the knee. */
export function summarizeBench(runs: readonly BenchRun[]): BenchReport {
  const levels = averageByLevel(runs);
  let best: BenchLevel | null = null;
  for (const level of levels) if (!best || level.pagesPerSecond > best.pagesPerSecond) best = level;
  const knee = best
    ? (levels.find((level) => level.pagesPerSecond >= best.pagesPerSecond * (1 - KNEE_TOLERANCE)) ?? best)
    : null;
  return { version: 1, runs, best, knee };
}

/** Mean pages/s per concurrency level, in ascending concurrency. */
export function averageByLevel(runs: readonly BenchRun[]): BenchLevel[] {
  const byLevel = new Map<number, number[]>();
  for (const run of runs)
    byLevel.set(run.concurrency, [...(byLevel.get(run.concurrency) ?? []), run.pagesPerSecond]);
  return [...byLevel.entries()]
    .sort(([a], [b]) => a - b)
    .map(([concurrency, rates]) => ({
      concurrency,
      pagesPerSecond: Math.round((rates.reduce((sum, rate) => sum + rate, 0) / rates.length) * 1000) / 1000,
    }));
}
