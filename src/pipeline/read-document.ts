import { concat, concatMap, defer, from, map, mergeMap, of, tap, using } from 'rxjs';
import type { Observable } from 'rxjs';
import type { DocumentSource, PageImage } from '../backends/document-backend.js';
import type { ConversionEvent } from './conversion-event.js';
import type { ConvertInput } from './convert-stream.js';
import { OpenedDocument } from './opened-document.js';
import { renderForRequest } from './render-for-request.js';
import type { PageRequestItem } from './render-for-request.js';
import { requestDocument } from './request-document.js';
import { requestPage } from './request-page.js';
import { RENDER_AHEAD } from './run-context.js';
import type { RunContext } from './run-context.js';

/** What reading a document yields: events to pass on, and pages ready for (or failed before) a request. */
export type ReadItem = { readonly kind: 'event'; readonly event: ConversionEvent } | PageRequestItem;

/** Open one input, render its selected pages under the page budget, and close it once all are rendered. */
export function readDocument(input: ConvertInput, index: number, context: RunContext): Observable<ReadItem> {
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

function normalizeInput(input: ConvertInput): {
  source: DocumentSource;
  name?: string | undefined;
  password?: string | undefined;
} {
  if (typeof input === 'object' && 'source' in input) return input;
  return { source: input };
}
