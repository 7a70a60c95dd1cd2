import type { ImageFormat } from '../options.js';

/** What a document can be opened from: a file path, its bytes, or a stream of its bytes. */
export type DocumentSource = string | Uint8Array | ReadableStream<Uint8Array> | NodeJS.ReadableStream;

/** Formats detected from a document's bytes (never from its name). */
export type DocumentFormat = 'pdf' | 'png' | 'jpeg' | 'webp';

/** Options for {@link DocumentBackend} opening. */
export interface OpenDocumentOptions {
  /** User password of an encrypted PDF. An empty user password opens without one. */
  readonly password?: string | undefined;
  /** Name shown in errors and reports for sources that are not paths. @default '<bytes>' */
  readonly name?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** A page's geometry, as shown (after /Rotate), in PDF points (1/72 inch) or pixels for images. */
export interface PageInfo {
  /** 1-based page number. */
  readonly page: number;
  readonly width: number;
  readonly height: number;
  /** /Rotate in degrees (0, 90, 180, 270); `width`/`height` already include it. */
  readonly rotation: number;
  /** False when the page cannot be loaded; `invalidReason` says why. No request is made for it. */
  readonly valid: boolean;
  readonly invalidReason?: string | undefined;
}

/** How to turn a page into an image for the model. */
export interface RenderOptions {
  /** Render scale; 1 = 72 dpi. @default 2 */
  readonly scale: number;
  /** Longest image edge in pixels; larger renders are scaled down, aspect kept. */
  readonly maxSize?: number | undefined;
  /** @default 'png' */
  readonly format: ImageFormat;
  /** JPEG/WebP quality, 0-100. @default 90 */
  readonly quality?: number | undefined;
  /** Largest pixel count one render may allocate; larger pages are scaled down to fit. */
  readonly pixelBudget?: number | undefined;
}

/** A rendered, encoded page image. */
export interface PageImage {
  readonly page: number;
  readonly data: Uint8Array;
  readonly mimeType: 'image/png' | 'image/jpeg' | 'image/webp';
  /** Pixel size of the encoded image. */
  readonly width: number;
  readonly height: number;
  /** The scale actually applied (smaller than requested when `maxSize` or the pixel budget applied). */
  readonly scale: number;
  /** Set when the image was scaled below the requested scale, and why. */
  readonly downscaled?: 'max-size' | 'pixel-budget' | undefined;
  /** Time spent rendering and encoding, in milliseconds. */
  readonly renderMs: number;
}

/**
 * An open document. Pages are rendered on demand, one call per page, so a pipeline can request pages
 * lazily and keep only a few in memory. Implementations may render on worker threads.
 */
export interface DocumentBackend {
  /** Path or name of the source, for messages and reports. */
  readonly source: string;
  readonly format: DocumentFormat;
  readonly pageCount: number;
  /** Geometry and validity of one page (1-based). */
  pageInfo(page: number, signal?: AbortSignal): Promise<PageInfo>;
  /** Render and encode one page (1-based). Rejects with `RenderError` for a page that cannot render. */
  renderPage(page: number, options: RenderOptions, signal?: AbortSignal): Promise<PageImage>;
  /** The page's own text layer, when the format has one (PDF); `undefined` otherwise. */
  textLayer(page: number, signal?: AbortSignal): Promise<string | undefined>;
  /** Release everything the document holds (pdf.js document, workers' copies, canvases). Idempotent. */
  close(): Promise<void>;
}
