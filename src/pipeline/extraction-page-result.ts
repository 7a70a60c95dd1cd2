import type { ExtractionOutcome } from '../extract/request-extraction.js';
import type { PageResult } from './conversion-event.js';
import type { PageRequestItem } from './render-for-request.js';
import { pageImageFields } from './page-image-fields.js';

/**
 * A page's result from a per-page extraction: `success` with `data` when an answer validated, else
 * `failed` with the {@link InvalidOutputError} (and `data: null`). Times and tokens add up every answer
 * (the retry included); `retries` counts transport retries and the validation retry.
 */
export function extractionPageResult(
  item: Extract<PageRequestItem, { kind: 'image' }>,
  outcome: ExtractionOutcome,
): PageResult {
  const { tracker, page, image } = item;
  const { completions } = outcome;
  const last = completions[completions.length - 1] ?? completions[0];
  const sum = (pick: (usage: (typeof last)['usage']) => number | null): number | null =>
    completions.some((c) => pick(c.usage) === null)
      ? null
      : completions.reduce((n, c) => n + (pick(c.usage) ?? 0), 0);
  const base: PageResult = {
    ...tracker.emptyResult(page),
    finishReason: last.finishReason,
    stopper: last.stopper,
    ...pageImageFields(image),
    ttftMs: completions[0].ttftMs,
    totalMs: completions.reduce((n, c) => n + c.totalMs, 0),
    text: last.text,
    chars: last.text.length,
    promptTokens: sum((u) => u.promptTokens),
    completionTokens: sum((u) => u.completionTokens),
    usageSource: last.usage.source,
    retries: completions.reduce((n, c) => n + c.retries, 0) + completions.length - 1,
  };
  if (outcome.error !== undefined) {
    return { ...base, status: 'failed', finishReason: 'error', error: outcome.error, data: null };
  }
  return { ...base, status: 'success', data: outcome.data };
}
