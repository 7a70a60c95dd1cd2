import type { Unsubscribable } from 'rxjs';
import type { DocumentBackend, DocumentSource } from '../backends/document-backend.js';
import { openDocument } from '../backends/open-document.js';
import { toPagestreamError } from '../errors.js';
import { selectPages } from '../internal/parse-page-ranges.js';
import type { DocumentResult } from './conversion-event.js';
import type { RunContext } from './run-context.js';
import { DocumentTracker } from './document-tracker.js';

export type OpenOutcome =
  | {
      readonly kind: 'opened';
      readonly document: DocumentBackend;
      readonly pages: readonly number[];
      readonly tracker: DocumentTracker;
    }
  | { readonly kind: 'failed'; readonly result: DocumentResult };

/**
 * A document opened for the length of a subscription (RxJS `using`): it starts opening at once, and
 * unsubscribing closes it, even when the open finishes only after the subscriber left.
 */
export class OpenedDocument implements Unsubscribable {
  /** Settles once: the open document and its selected pages, or why it could not be opened. */
  readonly opened: Promise<OpenOutcome>;
  readonly #controller = new AbortController();
  #document: DocumentBackend | undefined;
  #closed = false;

  constructor(
    source: DocumentSource,
    options: { index: number; name?: string | undefined; password?: string | undefined; context: RunContext },
  ) {
    this.opened = this.#open(source, options);
  }

  async #open(
    source: DocumentSource,
    {
      index,
      name,
      password,
      context,
    }: { index: number; name?: string | undefined; password?: string | undefined; context: RunContext },
  ): Promise<OpenOutcome> {
    const label = name ?? (typeof source === 'string' ? source : '<bytes>');
    const signal = AbortSignal.any([this.#controller.signal, context.signal]);
    try {
      const document = await openDocument(source, {
        name,
        password,
        signal,
        renderPool: context.renderPool(),
      });
      if (this.#closed) {
        await document.close();
        signal.throwIfAborted();
      }
      this.#document = document;
      const pages = selectPages(context.options.pages, document.pageCount);
      return {
        kind: 'opened',
        document,
        pages,
        tracker: new DocumentTracker(document.source, index, document.pageCount, pages),
      };
    } catch (error) {
      if (signal.aborted) throw error;
      await this.#document?.close();
      return { kind: 'failed', result: DocumentTracker.failed(label, index, toPagestreamError(error)) };
    }
  }

  unsubscribe(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#controller.abort();
    void this.#document?.close();
  }
}
