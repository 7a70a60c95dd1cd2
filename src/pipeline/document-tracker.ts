import type { DocumentPage } from '../decoders/document-model.js';
import type { PagestreamError } from '../errors.js';
import type { DocumentResult, PageResult } from './conversion-event.js';

/**
 * Collects one document's page results as they finish, in any order, and builds the document's result
 * in page order once the last selected page is in.
 */
export class DocumentTracker {
  readonly input: string;
  readonly index: number;
  readonly pageCount: number;
  readonly #expected: readonly number[];
  readonly #results = new Map<number, PageResult>();
  readonly #sizes = new Map<number, { width: number; height: number }>();
  /** A document-wide extraction's value, once known. */
  #documentData: { readonly value: unknown } | undefined;

  constructor(input: string, index: number, pageCount: number, pages: readonly number[]) {
    this.input = input;
    this.index = index;
    this.pageCount = pageCount;
    this.#expected = pages;
  }

  /** The result of a document that could not be opened at all. */
  static failed(input: string, index: number, error: PagestreamError): DocumentResult {
    return {
      input,
      index,
      pageCount: 0,
      status: 'failed',
      error,
      pages: [],
      document: { name: input, pages: [] },
    };
  }

  /** Remember a page's size in points, which decoders need to place boxes. */
  setPageSize(page: number, size: { width: number; height: number }): void {
    this.#sizes.set(page, size);
  }

  pageSize(page: number): { width: number; height: number } | undefined {
    return this.#sizes.get(page);
  }

  /** A result with nothing filled in, for building failed or skipped pages. */
  emptyResult(page: number): PageResult {
    return {
      input: this.input,
      page,
      status: 'skipped',
      finishReason: null,
      stopper: null,
      imageWidth: null,
      imageHeight: null,
      downscaled: null,
      renderMs: null,
      ttftMs: null,
      totalMs: null,
      text: '',
      chars: 0,
      promptTokens: null,
      completionTokens: null,
      usageSource: null,
      retries: 0,
      content: null,
      error: null,
    };
  }

  /** Set the value of a document-wide extraction (`extract: 'document'`); `null` when it failed. */
  setDocumentData(value: unknown): void {
    this.#documentData = { value };
  }

  /** Record a page; returns the document's result when this was its last page. */
  record(result: PageResult): DocumentResult | undefined {
    this.#results.set(result.page, result);
    return this.#results.size === this.#expected.length ? this.finish() : undefined;
  }

  /** The document's result so far; pages without a result yet count as skipped. */
  finish(): DocumentResult {
    const pages = this.#expected.map((page) => this.#results.get(page) ?? this.emptyResult(page));
    const succeeded = pages.filter((page) => page.status === 'success');
    const status =
      succeeded.length === pages.length
        ? 'success'
        : succeeded.length === 0 && pages.length > 0
          ? 'failed'
          : 'partial';
    const content = succeeded
      .map((page) => page.content)
      .filter((page): page is DocumentPage => page !== null);
    const data =
      this.#documentData !== undefined
        ? { data: this.#documentData.value }
        : pages.some((page) => page.data !== undefined)
          ? { data: pages.map((page) => page.data ?? null) }
          : {};
    return {
      input: this.input,
      index: this.index,
      pageCount: this.pageCount,
      status,
      error: null,
      pages,
      document: { name: this.input, pages: content },
      ...data,
    };
  }
}
