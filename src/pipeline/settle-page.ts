import { concat, of } from 'rxjs';
import type { Observable } from 'rxjs';
import { toPagestreamError } from '../errors.js';
import type { ConversionEvent, PageResult } from './conversion-event.js';
import type { DocumentTracker } from './document-tracker.js';
import { pageImageFields } from './page-image-fields.js';
import type { PageRequestItem } from './render-for-request.js';

/** Emit a page's result, then its document's result if that was the document's last page. */
export function settle(tracker: DocumentTracker, result: PageResult): Observable<ConversionEvent> {
  const done = tracker.record(result);
  const pageDone = of<ConversionEvent>({ type: 'page-done', result });
  return done ? concat(pageDone, of<ConversionEvent>({ type: 'document-done', result: done })) : pageDone;
}

/** The result of a page whose request failed (after its retries). */
export function failedPage(
  item: Extract<PageRequestItem, { kind: 'image' }>,
  error: unknown,
  retries = 0,
): PageResult {
  return {
    ...item.tracker.emptyResult(item.page),
    status: 'failed',
    retries,
    finishReason: 'error',
    ...pageImageFields(item.image),
    error: toPagestreamError(error),
  };
}
