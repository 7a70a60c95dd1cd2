import type { DocumentResult, PageResult } from './conversion-event.js';
import { round, roundOrNull } from '../internal/round.js';

/** A failure as the report shows it: the stable code and the one-line message. */
export interface ReportError {
  readonly code: string;
  readonly message: string;
}

/** One page as the run report (CONTRACT.md) shows it. */
export interface ReportPage {
  readonly input: string;
  readonly page: number;
  readonly status: PageResult['status'];
  readonly finishReason: PageResult['finishReason'];
  readonly stopper: string | null;
  readonly imageWidth: number | null;
  readonly imageHeight: number | null;
  readonly downscaled: PageResult['downscaled'];
  readonly renderMs: number | null;
  readonly ttftMs: number | null;
  readonly totalMs: number | null;
  readonly chars: number | null;
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  readonly usageSource: PageResult['usageSource'];
  readonly retries: number | null;
  readonly error: ReportError | null;
}

/** The run report written by `--report` (see CONTRACT.md). */
export interface RunReport {
  readonly version: 1;
  readonly inputs: readonly {
    readonly path: string;
    readonly pages: number;
    readonly status: DocumentResult['status'];
    readonly error: ReportError | null;
  }[];
  readonly pages: readonly ReportPage[];
  readonly totals: {
    readonly pages: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly skipped: number;
    readonly stoppedEarly: number;
    /**
     * Completion tokens that early stops kept the server from generating, at most: for every page a
     * stopper ended, the generation cap minus what was generated (a runaway answer runs to the cap).
     * `null` when the cap is not known.
     */
    readonly tokensSavedAtMost: number | null;
    readonly promptTokens: number;
    readonly completionTokens: number;
    readonly wallMs: number;
    readonly pagesPerSecond: number;
  };
}

/**
 * Build the contract's run report from finished documents. Secrets never enter it: it holds no request
 * data. Give `maxTokens` (the generation cap the requests were sent with) to count what early stops saved.
 */
export function buildRunReport(
  documents: readonly DocumentResult[],
  wallMs: number,
  { maxTokens }: { readonly maxTokens?: number | undefined } = {},
): RunReport {
  const pages = documents.flatMap((document) => document.pages.map(toReportPage));
  const count = (status: PageResult['status']) => pages.filter((page) => page.status === status).length;
  const sum = (pick: (page: ReportPage) => number | null) =>
    pages.reduce((total, page) => total + (pick(page) ?? 0), 0);
  const succeeded = count('success');
  const stopped = pages.filter((page) => page.finishReason === 'stopper');
  return {
    version: 1,
    inputs: documents.map((document) => ({
      path: document.input,
      pages: document.pageCount,
      status: document.status,
      error: toReportError(document.error),
    })),
    pages,
    totals: {
      pages: pages.length,
      succeeded,
      failed: count('failed'),
      skipped: count('skipped'),
      stoppedEarly: stopped.length,
      tokensSavedAtMost:
        maxTokens === undefined
          ? null
          : stopped.reduce((total, page) => total + Math.max(0, maxTokens - (page.completionTokens ?? 0)), 0),
      promptTokens: sum((page) => page.promptTokens),
      completionTokens: sum((page) => page.completionTokens),
      wallMs: round(wallMs),
      pagesPerSecond: wallMs > 0 ? round((succeeded * 1000) / wallMs, 3) : 0,
    },
  };
}

function toReportPage(page: PageResult): ReportPage {
  return {
    input: page.input,
    page: page.page,
    status: page.status,
    finishReason: page.finishReason,
    stopper: page.stopper,
    imageWidth: page.imageWidth,
    imageHeight: page.imageHeight,
    downscaled: page.downscaled,
    renderMs: roundOrNull(page.renderMs),
    ttftMs: roundOrNull(page.ttftMs),
    totalMs: roundOrNull(page.totalMs),
    chars: page.chars,
    promptTokens: page.promptTokens,
    completionTokens: page.completionTokens,
    usageSource: page.usageSource,
    retries: page.retries,
    error: toReportError(page.error),
  };
}

function toReportError(error: { code: string; message: string } | null): ReportError | null {
  return error ? { code: error.code, message: error.message } : null;
}
