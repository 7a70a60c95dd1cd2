import { lastValueFrom, tap } from 'rxjs';
import type { ConvertInput, ConvertRunOptions } from '../pipeline/convert-stream.js';
import { convertStream } from '../pipeline/convert-stream.js';
import type { PageResult } from '../pipeline/conversion-event.js';
import { percentile } from '../internal/percentile.js';
import { createRenderPool } from '../render/render-pool.js';
import { round, roundOrNull } from '../internal/round.js';

/** One measured run of the whole document at one concurrency level (CONTRACT.md `bench` report). */
export interface BenchRun {
  readonly concurrency: number;
  /** 1-based repetition at this level. */
  readonly repeat: number;
  /** Pages converted successfully. */
  readonly pages: number;
  readonly failedPages: number;
  readonly wallMs: number;
  readonly pagesPerSecond: number;
  readonly completionTokensPerSecond: number;
  readonly latencyP50Ms: number | null;
  readonly latencyP95Ms: number | null;
  readonly ttftP50Ms: number | null;
}

/** What a sweep reports while it runs. */
export type BenchProgress =
  | { readonly type: 'run-started'; readonly concurrency: number; readonly repeat: number }
  | {
      readonly type: 'page-done';
      readonly concurrency: number;
      readonly repeat: number;
      readonly done: number;
      readonly total: number;
    }
  | { readonly type: 'run-done'; readonly run: BenchRun };

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** Concurrency levels to sweep, in order. @default [1, 2, 4, 8, 16] */
  readonly levels?: readonly number[];
  /** Runs per level. @default 1 */
  readonly repeat?: number;
  readonly onProgress?: (progress: BenchProgress) => void;
}

/**
 * Convert the same document once per concurrency level (and repetition), through the real pipeline, and
 * measure throughput and latency of each run. The levels run one after another, never overlapping, and
 * share one render pool, so no run pays for starting workers. `input` is read once per run: give a path
 * or bytes, not a stream.
 */
export async function runBench(
  input: ConvertInput,
  options: ConvertRunOptions,
  { levels = [1, 2, 4, 8, 16], repeat = 1, onProgress }: BenchOptions = {},
): Promise<BenchRun[]> {
  const renderPool = options.renderPool ?? createRenderPool();
  try {
    const runs: BenchRun[] = [];
    for (const concurrency of levels) {
      for (let index = 1; index <= repeat; index++) {
        onProgress?.({ type: 'run-started', concurrency, repeat: index });
        const run = await measureRun(input, { ...options, concurrency, renderPool }, index, onProgress);
        runs.push(run);
        onProgress?.({ type: 'run-done', run });
      }
    }
    return runs;
  } finally {
    if (!options.renderPool) await renderPool.close();
  }
}

/** Convert the document once at the options' concurrency and summarise that run. */
async function measureRun(
  input: ConvertInput,
  options: ConvertRunOptions & { concurrency: number },
  repeat: number,
  onProgress: BenchOptions['onProgress'],
): Promise<BenchRun> {
  const { concurrency } = options;
  const pages: PageResult[] = [];
  let total = 0;
  const started = performance.now();
  await lastValueFrom(
    convertStream([input], options).pipe(
      tap((event) => {
        if (event.type === 'document-opened') total += event.pages.length;
        if (event.type === 'page-done') {
          pages.push(event.result);
          onProgress?.({ type: 'page-done', concurrency, repeat, done: pages.length, total });
        }
      }),
    ),
    { defaultValue: undefined },
  );
  return summarizeRun(concurrency, repeat, pages, performance.now() - started);
}

function summarizeRun(
  concurrency: number,
  repeat: number,
  pages: readonly PageResult[],
  wallMs: number,
): BenchRun {
  const succeeded = pages.filter((page) => page.status === 'success');
  const seconds = wallMs / 1000;
  const tokens = succeeded.reduce((sum, page) => sum + (page.completionTokens ?? 0), 0);
  const latencies = succeeded.flatMap((page) => (page.totalMs === null ? [] : [page.totalMs]));
  const ttfts = succeeded.flatMap((page) => (page.ttftMs === null ? [] : [page.ttftMs]));
  return {
    concurrency,
    repeat,
    pages: succeeded.length,
    failedPages: pages.length - succeeded.length,
    wallMs: round(wallMs),
    pagesPerSecond: round(succeeded.length / seconds, 3),
    completionTokensPerSecond: round(tokens / seconds),
    latencyP50Ms: roundOrNull(percentile(latencies, 50)),
    latencyP95Ms: roundOrNull(percentile(latencies, 95)),
    ttftP50Ms: roundOrNull(percentile(ttfts, 50)),
  };
}
