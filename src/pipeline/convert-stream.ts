import PQueue from 'p-queue';
import { Observable, concat, concatMap, defer, from, map, mergeMap, of, tap, using } from 'rxjs';
import type { DocumentSource } from '../backends/document-backend.js';
import type { PageImage } from '../backends/document-backend.js';
import type { ChatClient, CompleteOptions, PageRequest } from '../client/page-request.js';
import { createChatClient } from '../client/create-chat-client.js';
import { toPagestreamError } from '../errors.js';
import { compileExtractionSchema } from '../extract/compile-extraction-schema.js';
import type { CompiledExtractionSchema } from '../extract/compile-extraction-schema.js';
import { requestExtraction } from '../extract/request-extraction.js';
import { applyProvider } from '../providers/apply-provider.js';
import { Semaphore } from '../internal/semaphore.js';
import { resolveOptions } from '../options.js';
import type { ConvertOptions, ResolvedConvertOptions } from '../options.js';
import type { RenderPool } from '../render/render-pool.js';
import { createRenderPool } from '../render/render-pool.js';
import type { GenerationStopper } from '../stoppers/generation-stopper.js';
import { resolveStoppers } from '../stoppers/resolve-stoppers.js';
import type { ConversionEvent, PageResult } from './conversion-event.js';
import { DocumentTracker } from './document-tracker.js';
import { OpenedDocument } from './opened-document.js';
import { decodePageAnswer } from './decode-page-answer.js';
import { extractionPageResult } from './extraction-page-result.js';
import { requestDocument } from './request-document.js';
import { renderForRequest } from './render-for-request.js';
import type { PageRequestItem } from './render-for-request.js';

/** One input of a run: a source, or a source with its own name and password. */
export type ConvertInput =
  DocumentSource | { readonly source: DocumentSource; readonly name?: string; readonly password?: string };

/** Options of a conversion run: the shared options, plus a signal that cancels the run. */
export type ConvertRunOptions = ConvertOptions & {
  /** Aborting cancels in-flight requests, stops rendering and releases every document. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Render on this pool (shared, not closed by the run), e.g. to avoid starting workers for each of many
   * small runs. @default a pool of `os.availableParallelism()` workers, started on first use and closed
   * when the run ends
   */
  readonly renderPool?: RenderPool | undefined;
};

/**
 * Pages rendered ahead of the request workers. Together with the concurrency this bounds how many page
 * images are held at once, so memory does not grow with the page count.
 */
const RENDER_AHEAD = 2;
/** Documents being read (opened and rendered) at once; their answers may still be in flight after. */
const DOCUMENTS_READ_AT_ONCE = 2;

/** What every page of a run shares: one client, one request queue, one render pool, one page budget. */
export interface RunContext {
  readonly options: ResolvedConvertOptions;
  readonly client: ChatClient;
  readonly requests: PQueue;
  readonly pageSlots: Semaphore;
  readonly stoppers: readonly GenerationStopper[];
  readonly signal: AbortSignal;
  /** Structured extraction (`schema` set): the compiled schema, and whether the server refused `response_format`. */
  readonly extraction:
    { readonly schema: CompiledExtractionSchema; readonly fallback: { refused: boolean } } | undefined;
  renderPool(): RenderPool;
  /** A run-wide counter: pages take numbers in the order they are scheduled. */
  nextSequence(): number;
}

/**
 * Convert documents page by page, as a stream of events.
 *
 * Pages flow one by one: the first request leaves as soon as page 1 is rendered. Requests of all inputs
 * share one queue of `concurrency` workers, and no page waits for another (no batch barrier). Each
 * document is closed as soon as its last page is rendered. Unsubscribing aborts in-flight requests,
 * stops rendering and releases documents, workers and sockets.
 *
 * Options are validated and the remote-services gate is checked when this is called, before anything
 * is read or sent (and before a provider's key is read from the environment).
 *
 * With `context: 'previous-image'`, each document's pages render one after another so every page
 * knows its predecessor's image (requests still run in parallel); with `context: 'previous-text'`, the
 * pages of one document are requested one at a time (other documents still run in parallel). With
 * `schema` and `extract: 'document'`, a document's selected pages are all rendered, held and sent in
 * one request.
 *
 * @example
 * ```ts
 * convertStream(['a.pdf', 'b.pdf'], { url, enableRemoteServices: true }).subscribe((event) => {
 *   if (event.type === 'page-done') console.log(event.result.input, event.result.page, event.result.status);
 * });
 * ```
 */
export function convertStream(
  inputs: ConvertInput | readonly ConvertInput[],
  options: ConvertRunOptions = {},
): Observable<ConversionEvent> {
  const { signal: userSignal, renderPool: sharedPool, ...rest } = options;
  // The gate (in applyProvider, first): throws RemoteServicesDisabledError before any secret is read,
  // file opened or socket connected.
  const resolved = applyProvider(resolveOptions(rest));
  const client = createChatClient(resolved);
  const extraction =
    resolved.schema === undefined
      ? undefined
      : { schema: compileExtractionSchema(resolved.schema), fallback: { refused: false } };
  const list = (Array.isArray(inputs) ? inputs : [inputs]) as readonly ConvertInput[];

  return new Observable<ConversionEvent>((subscriber) => {
    const teardown = new AbortController();
    const signal = userSignal ? AbortSignal.any([teardown.signal, userSignal]) : teardown.signal;
    let pool: RenderPool | undefined;
    let sequence = 0;
    const context: RunContext = {
      options: resolved,
      client,
      requests: new PQueue({ concurrency: resolved.concurrency }),
      pageSlots: new Semaphore(resolved.concurrency + RENDER_AHEAD),
      // Extraction answers are JSON: the DocTags closing tag stays off unless asked for by name.
      stoppers: resolveStoppers(
        extraction === undefined ? resolved : { ...resolved, stopTag: resolved.stopTag ?? null },
      ),
      signal,
      extraction,
      renderPool: () => sharedPool ?? (pool ??= createRenderPool()),
      nextSequence: () => sequence++,
    };

    const onAbort = () => subscriber.error(userSignal?.reason);
    userSignal?.addEventListener('abort', onAbort, { once: true });
    if (userSignal?.aborted) onAbort();

    const subscription = from(list)
      .pipe(
        mergeMap((input, index) => readDocument(input, index, context), DOCUMENTS_READ_AT_ONCE),
        mergeMap((item) => (item.kind === 'event' ? of(item.event) : requestPage(item, context))),
      )
      .subscribe(subscriber);

    return () => {
      userSignal?.removeEventListener('abort', onAbort);
      teardown.abort(new PagestreamAbort());
      subscription.unsubscribe();
      context.requests.clear();
      void client.close();
      void pool?.close();
    };
  });
}

/** Reason given to in-flight work when a subscriber goes away (not an error anyone sees). */
class PagestreamAbort extends Error {
  constructor() {
    super('the conversion was cancelled');
    this.name = 'AbortError';
  }
}

type ReadItem = { readonly kind: 'event'; readonly event: ConversionEvent } | PageRequestItem;

/** Open one input, render its selected pages under the page budget, and close it once all are rendered. */
function readDocument(input: ConvertInput, index: number, context: RunContext): Observable<ReadItem> {
  const { source, name, password } = normalizeInput(input);
  return using(
    () =>
      new OpenedDocument(source, { index, name, password: password ?? context.options.password, context }),
    (resource) =>
      defer(() => (resource as OpenedDocument).opened).pipe(
        mergeMap((opened) => {
          if (opened.kind === 'failed') {
            return of<ReadItem>({ kind: 'event', event: { type: 'document-done', result: opened.result } });
          }
          const { document, pages, tracker } = opened;
          const announce = of<ReadItem>({
            kind: 'event',
            event: { type: 'document-opened', input: document.source, pageCount: document.pageCount, pages },
          });
          if (pages.length === 0) {
            return concat(
              announce,
              of<ReadItem>({ kind: 'event', event: { type: 'document-done', result: tracker.finish() } }),
            );
          }
          const { options } = context;
          if (context.extraction !== undefined && options.extract === 'document') {
            return concat(
              announce,
              requestDocument(document, pages, tracker, context).pipe(map(toEventItem)),
            );
          }
          if (options.context === 'previous-image') {
            // One after another, so each page's predecessor is known; only the latest image is held here.
            let previous: PageImage | undefined;
            const rendered = from(pages).pipe(
              concatMap((page) => renderForRequest(document, page, tracker, context)),
              map((item): PageRequestItem => {
                if (item.kind !== 'image') {
                  previous = undefined;
                  return item;
                }
                const withPrevious = previous === undefined ? item : { ...item, previousImage: previous };
                previous = item.image;
                return withPrevious;
              }),
            );
            return concat(announce, rendered);
          }
          const rendered = from(pages).pipe(
            mergeMap((page) => renderForRequest(document, page, tracker, context), RENDER_AHEAD + 1),
          );
          if (options.context === 'previous-text') {
            // Each request waits for the previous page's answer: one page of this document at a time.
            let previousText: string | undefined;
            const requested = rendered.pipe(
              concatMap((item) => requestPage(item, context, previousText)),
              tap((event) => {
                if (event.type === 'page-done')
                  previousText = event.result.status === 'success' ? event.result.text : undefined;
              }),
              map(toEventItem),
            );
            return concat(announce, requested);
          }
          return concat(announce, rendered);
        }),
      ),
  );
}

const toEventItem = (event: ConversionEvent): ReadItem => ({ kind: 'event', event });

/** Characters of the previous page's text sent as context, at most (its end, nearest the page). */
const MAX_CONTEXT_TEXT = 8000;

/**
 * Send one rendered page through the shared request queue; emit its progress, result and, last, its
 * document. `previousText` is the previous page's answer (`context: 'previous-text'`).
 */
function requestPage(
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

/** Emit a page's result, then its document's result if that was the document's last page. */
export function settle(tracker: DocumentTracker, result: PageResult): Observable<ConversionEvent> {
  const done = tracker.record(result);
  const pageDone = of<ConversionEvent>({ type: 'page-done', result });
  return done ? concat(pageDone, of<ConversionEvent>({ type: 'document-done', result: done })) : pageDone;
}

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
    imageWidth: item.image.width,
    imageHeight: item.image.height,
    downscaled: item.image.downscaled ?? null,
    renderMs: item.image.renderMs,
    error: toPagestreamError(error),
  };
}

function normalizeInput(input: ConvertInput): {
  source: DocumentSource;
  name?: string | undefined;
  password?: string | undefined;
} {
  if (typeof input === 'object' && 'source' in input) return input;
  return { source: input };
}
