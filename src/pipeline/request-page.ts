import { Observable } from 'rxjs';
import type { CompleteOptions, PageRequest } from '../client/page-request.js';
import { requestExtraction } from '../extract/request-extraction.js';
import type { ConversionEvent, PageResult } from './conversion-event.js';
import { decodePageAnswer } from './decode-page-answer.js';
import { extractionPageResult } from './extraction-page-result.js';
import type { PageRequestItem } from './render-for-request.js';
import { PagestreamAbort } from './run-context.js';
import type { RunContext } from './run-context.js';
import { failedPage, settle } from './settle-page.js';

/** Characters of the previous page's text sent as context, at most (its end, nearest the page). */
const MAX_CONTEXT_TEXT = 8000;

/**
 * Send one rendered page through the shared request queue; emit its progress, result and, last, its
 * document. `previousText` is the previous page's answer (`context: 'previous-text'`).
 */
export function requestPage(
  item: PageRequestItem,
  context: RunContext,
  previousText?: string,
): Observable<ConversionEvent> {
  if (item.kind === 'failed') return settle(item.tracker, item.result);
  const { tracker, page, image, previousImage } = item;
  const { options, extraction } = context;
  const request: Omit<PageRequest, 'prompt'> = {
    image: {
      data: image.data,
      mimeType: image.mimeType,
      ...(previousImage === undefined ? {} : { label: 'The page to convert:' }),
    },
    ...(previousImage === undefined
      ? {}
      : {
          contextImages: [
            {
              data: previousImage.data,
              mimeType: previousImage.mimeType,
              label: 'The previous page, for context only (do not convert it):',
            },
          ],
        }),
    ...(previousText === undefined || previousText.trim() === ''
      ? {}
      : {
          contextText: `The previous page, as converted (for context only; do not repeat it; continue its format):\n${previousText.slice(-MAX_CONTEXT_TEXT)}`,
        }),
  };
  const input = tracker.input;
  return new Observable<ConversionEvent>((subscriber) => {
    const controller = new AbortController();
    const signal = AbortSignal.any([controller.signal, context.signal]);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      context.pageSlots.release();
    };
    // A page that fails after retries reports them too; the client only returns them with a success.
    let retries = 0;

    subscriber.next({
      type: 'page-rendered',
      input,
      page,
      width: image.width,
      height: image.height,
      renderMs: image.renderMs,
    });
    const completeOptions = (taskSignal: AbortSignal | undefined): CompleteOptions => ({
      signal: taskSignal ?? signal,
      onEvent: (event) => {
        if (event.type === 'request-sent')
          subscriber.next({ type: 'request-sent', input, page, attempt: event.attempt });
        else if (event.type === 'first-token')
          subscriber.next({ type: 'first-token', input, page, ttftMs: event.ttftMs });
        else if (event.type === 'retry') {
          retries = Math.max(retries, event.attempt);
          subscriber.next({
            type: 'retry',
            input,
            page,
            attempt: event.attempt,
            delayMs: event.delayMs,
            error: event.error,
          });
        } else subscriber.next({ type: 'stopped-early', input, page, stopper: event.stopper });
      },
    });
    context.requests
      .add(
        async ({ signal: taskSignal }): Promise<PageResult> => {
          if (extraction === undefined) {
            const completion = await context.client.complete(
              { ...request, prompt: item.prompt, stoppers: context.stoppers },
              completeOptions(taskSignal),
            );
            return decodePageAnswer(item, completion, options.responseFormat);
          }
          const outcome = await requestExtraction(
            context.client,
            {
              request,
              schema: extraction.schema,
              jsonMode: options.jsonMode,
              scope: 'page',
              // The default prompts ask for DocTags or Markdown: only the user's own prompt is kept.
              instructions: options.prompt === undefined ? undefined : item.prompt,
              stoppers: context.stoppers,
              fallback: extraction.fallback,
            },
            completeOptions(taskSignal),
          );
          return extractionPageResult(item, outcome);
        },
        // p-queue runs higher priorities first: earlier pages leave first.
        { signal, priority: -item.sequence },
      )
      .then(
        (result) => {
          release();
          settle(tracker, result).subscribe(subscriber);
        },
        (error: unknown) => {
          release();
          if (signal.aborted) return; // cancelled: the run is going away, nobody listens.
          settle(tracker, failedPage(item, error, retries)).subscribe(subscriber);
        },
      );
    return () => {
      controller.abort(new PagestreamAbort());
      release();
    };
  });
}
