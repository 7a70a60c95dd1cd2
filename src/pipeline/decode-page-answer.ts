import type { CompletionResult } from '../client/completion-result.js';
import { decodeAnswer } from '../decoders/decode-answer.js';
import { EmptyAnswerError, toPagestreamError } from '../errors.js';
import type { ResponseFormat } from '../options.js';
import type { PageResult } from './conversion-event.js';
import type { PageRequestItem } from './render-for-request.js';
import { pageImageFields } from './page-image-fields.js';

/**
 * Turn a finished answer into the page's result. An answer with no text is a failure, never an empty
 * page reported as success.
 */
export function decodePageAnswer(
  item: Extract<PageRequestItem, { kind: 'image' }>,
  completion: CompletionResult,
  format: ResponseFormat,
): PageResult {
  const { tracker, page, image } = item;
  const base: PageResult = {
    ...tracker.emptyResult(page),
    finishReason: completion.finishReason,
    stopper: completion.stopper,
    ...pageImageFields(image),
    ttftMs: completion.ttftMs,
    totalMs: completion.totalMs,
    text: completion.text,
    chars: completion.text.length,
    promptTokens: completion.usage.promptTokens,
    completionTokens: completion.usage.completionTokens,
    usageSource: completion.usage.source,
    retries: completion.retries,
  };
  if (completion.text.trim() === '') {
    const why =
      completion.finishReason === 'stop'
        ? 'the model returned an empty answer'
        : `the answer ended (${completion.finishReason}) before any text`;
    return { ...base, status: 'failed', error: new EmptyAnswerError(why) };
  }
  try {
    const size = tracker.pageSize(page);
    const content = decodeAnswer(completion.text, format, { page, width: size?.width, height: size?.height });
    return { ...base, status: 'success', content };
  } catch (error) {
    return { ...base, status: 'failed', finishReason: 'error', error: toPagestreamError(error) };
  }
}
