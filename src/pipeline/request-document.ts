import { Observable, concatMap, from, toArray } from 'rxjs';
import type { DocumentBackend } from '../backends/document-backend.js';
import type { CompletionResult } from '../client/completion-result.js';
import type { RequestImage } from '../client/page-request.js';
import { requestExtraction } from '../extract/request-extraction.js';
import type { ConversionEvent, PageResult } from './conversion-event.js';
import type { RunContext } from './run-context.js';
import { failedPage, settle } from './settle-page.js';
import type { DocumentTracker } from './document-tracker.js';
import { renderForRequest } from './render-for-request.js';
import type { PageRequestItem } from './render-for-request.js';

type ImageItem = Extract<PageRequestItem, { kind: 'image' }>;

/**
 * A document-wide extraction (`extract: 'document'`): render every selected page, then send them all,
 * in page order, in one request through the shared queue, and validate one value for the document.
 *
 * Every page image of the document is held until the answer comes, so memory grows with the document:
 * page slots are handed back as soon as each page is rendered (holding them would stall, or deadlock, a
 * document with more pages than slots). Pages that fail to render are reported failed and left out.
 * Each page's result carries the request's outcome (times on every page, tokens and text on the first,
 * so totals are not counted twice); the value is the document result's `data`.
 */
export function requestDocument(
  document: DocumentBackend,
  pages: readonly number[],
  tracker: DocumentTracker,
  context: RunContext,
): Observable<ConversionEvent> {
  return from(pages).pipe(
    concatMap((page) => renderForRequest(document, page, tracker, context)),
    toArray(),
    concatMap((items) => {
      for (const item of items) if (item.kind === 'image') context.pageSlots.release();
      return sendDocument(items, tracker, context);
    }),
  );
}

function sendDocument(
  items: readonly PageRequestItem[],
  tracker: DocumentTracker,
  context: RunContext,
): Observable<ConversionEvent> {
  const images = items.filter((item): item is ImageItem => item.kind === 'image');
  const failed = items.filter((item) => item.kind === 'failed').map((item) => item.result);
  return new Observable<ConversionEvent>((subscriber) => {
    const emitAll = (results: readonly PageResult[]) => {
      for (const result of results)
        settle(tracker, result).subscribe({ next: (event) => subscriber.next(event) });
    };
    const [first] = images;
    if (first === undefined) {
      tracker.setDocumentData(null);
      emitAll(failed);
      subscriber.complete();
      return;
    }
    for (const { page, image } of images)
      subscriber.next({
        type: 'page-rendered',
        input: tracker.input,
        page,
        width: image.width,
        height: image.height,
        renderMs: image.renderMs,
      });
    const controller = new AbortController();
    const signal = AbortSignal.any([controller.signal, context.signal]);
    const parts: RequestImage[] = images.map(({ page, image }) => ({
      data: image.data,
      mimeType: image.mimeType,
      label: `Page ${page}:`,
    }));
    const last = parts.pop() as RequestImage;
    const { extraction, options } = context;
    if (extraction === undefined) throw new Error('internal: a document request without a schema');
    const input = tracker.input;
    context.requests
      .add(
        ({ signal: taskSignal }) =>
          requestExtraction(
            context.client,
            {
              request: { image: last, contextImages: parts },
              schema: extraction.schema,
              jsonMode: options.jsonMode,
              scope: 'document',
              instructions: options.prompt === undefined ? undefined : first.prompt,
              stoppers: context.stoppers,
              fallback: extraction.fallback,
            },
            {
              signal: taskSignal ?? signal,
              onEvent: (event) => {
                if (event.type === 'request-sent')
                  subscriber.next({ type: 'request-sent', input, page: first.page, attempt: event.attempt });
                else if (event.type === 'first-token')
                  subscriber.next({ type: 'first-token', input, page: first.page, ttftMs: event.ttftMs });
              },
            },
          ),
        { signal, priority: -first.sequence },
      )
      .then(
        (outcome) => {
          tracker.setDocumentData(outcome.error === undefined ? outcome.data : null);
          const completions: readonly CompletionResult[] = outcome.completions;
          const lastAnswer = completions[completions.length - 1] ?? outcome.completions[0];
          const totalMs = completions.reduce((n, c) => n + c.totalMs, 0);
          const results = images.map(({ page, image }, index): PageResult => ({
            ...tracker.emptyResult(page),
            status: outcome.error === undefined ? 'success' : 'failed',
            finishReason: outcome.error === undefined ? lastAnswer.finishReason : 'error',
            stopper: lastAnswer.stopper,
            imageWidth: image.width,
            imageHeight: image.height,
            downscaled: image.downscaled ?? null,
            renderMs: image.renderMs,
            ttftMs: outcome.completions[0].ttftMs,
            totalMs,
            ...(index === 0
              ? {
                  text: lastAnswer.text,
                  chars: lastAnswer.text.length,
                  promptTokens: lastAnswer.usage.promptTokens,
                  completionTokens: lastAnswer.usage.completionTokens,
                  usageSource: lastAnswer.usage.source,
                }
              : {}),
            retries: completions.reduce((n, c) => n + c.retries, 0) + completions.length - 1,
            error: outcome.error ?? null,
          }));
          emitAll([...failed, ...results]);
          subscriber.complete();
        },
        (error: unknown) => {
          if (signal.aborted) return;
          tracker.setDocumentData(null);
          emitAll([...failed, ...images.map((item) => failedPage(item, error))]);
          subscriber.complete();
        },
      );
    return () => controller.abort();
  });
}
