import PQueue from 'p-queue';
import { Observable, mergeMap, of, from } from 'rxjs';
import type { DocumentSource } from '../backends/document-backend.js';
import { createChatClient } from '../client/create-chat-client.js';
import { compileExtractionSchema } from '../extract/compile-extraction-schema.js';
import { Semaphore } from '../internal/semaphore.js';
import { resolveOptions } from '../options.js';
import type { ConvertOptions } from '../options.js';
import { applyProvider } from '../providers/apply-provider.js';
import type { RenderPool } from '../render/render-pool.js';
import { createRenderPool } from '../render/render-pool.js';
import { resolveStoppers } from '../stoppers/resolve-stoppers.js';
import type { ConversionEvent } from './conversion-event.js';
import { readDocument } from './read-document.js';
import { requestPage } from './request-page.js';
import { PagestreamAbort, RENDER_AHEAD } from './run-context.js';
import type { RunContext } from './run-context.js';

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

/** Documents being read (opened and rendered) at once; their answers may still be in flight after. */
const DOCUMENTS_READ_AT_ONCE = 2;

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
