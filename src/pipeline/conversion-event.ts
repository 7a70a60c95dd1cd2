import type { FinishReason } from '../client/completion-result.js';
import type { ConvertedDocument, DocumentPage } from '../decoders/document-model.js';
import type { PagestreamError } from '../errors.js';

/** Outcome of one page. Pages are never silently empty: no usable answer means `failed` with an error. */
export interface PageResult {
  /** The input's path or name. */
  readonly input: string;
  /** 1-based page number. */
  readonly page: number;
  /** `skipped`: the run was cancelled before the page finished. */
  readonly status: 'success' | 'failed' | 'skipped';
  /** Why the answer ended; `error` for failed pages; `null` for pages that never got a request. */
  readonly finishReason: FinishReason | null;
  /** The stopper that ended the answer early, or `null`. */
  readonly stopper: string | null;
  /** Size of the image sent to the model; `null` if the page did not render. */
  readonly imageWidth: number | null;
  readonly imageHeight: number | null;
  /** Set when the image was scaled below the requested scale, and why. */
  readonly downscaled: 'max-size' | 'pixel-budget' | null;
  readonly renderMs: number | null;
  readonly ttftMs: number | null;
  readonly totalMs: number | null;
  /** The answer's raw text (after stopper trimming). */
  readonly text: string;
  readonly chars: number;
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  /** Where the token counts come from: the server, or counted here after an early abort. */
  readonly usageSource: 'server' | 'local' | null;
  readonly retries: number;
  /** The decoded page; `null` for failed pages and for structured extraction. */
  readonly content: DocumentPage | null;
  readonly error: PagestreamError | null;
  /**
   * Structured extraction (`schema` with `extract: 'page'`): the page's value, validated by the schema;
   * `null` when the page failed. Absent when not extracting per page.
   */
  readonly data?: unknown;
}

/** Outcome of one input, with its pages in document order whatever order they finished in. */
export interface DocumentResult {
  readonly input: string;
  /** Position of the input in the run's list of inputs. */
  readonly index: number;
  /** Pages in the document (not only the converted ones); 0 when it could not be opened. */
  readonly pageCount: number;
  /** `success`: every page converted; `partial`: some failed; `failed`: none converted or not opened. */
  readonly status: 'success' | 'partial' | 'failed';
  /** Why the input could not be opened at all. */
  readonly error: PagestreamError | null;
  readonly pages: readonly PageResult[];
  /** The decoded document: the successful pages, in order. */
  readonly document: ConvertedDocument;
  /**
   * Structured extraction: with `extract: 'page'`, every selected page's value in page order (`null`
   * for failed pages); with `extract: 'document'`, the document's one value (`null` if it failed).
   * Absent when not extracting.
   */
  readonly data?: unknown;
}

/** Everything a conversion run reports, in the order it happens. */
export type ConversionEvent =
  | {
      readonly type: 'document-opened';
      readonly input: string;
      readonly pageCount: number;
      readonly pages: readonly number[];
    }
  | {
      readonly type: 'page-rendered';
      readonly input: string;
      readonly page: number;
      readonly width: number;
      readonly height: number;
      readonly renderMs: number;
    }
  | { readonly type: 'request-sent'; readonly input: string; readonly page: number; readonly attempt: number }
  | { readonly type: 'first-token'; readonly input: string; readonly page: number; readonly ttftMs: number }
  | {
      readonly type: 'retry';
      readonly input: string;
      readonly page: number;
      readonly attempt: number;
      readonly delayMs: number;
      readonly error: Error;
    }
  | {
      readonly type: 'stopped-early';
      readonly input: string;
      readonly page: number;
      readonly stopper: string;
    }
  | { readonly type: 'page-done'; readonly result: PageResult }
  | { readonly type: 'document-done'; readonly result: DocumentResult };
