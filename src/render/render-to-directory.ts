import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DocumentSource } from '../backends/document-backend.js';
import { openDocument } from '../backends/open-document.js';
import { PagestreamError, RenderError, type ErrorCode } from '../errors.js';
import { selectPages } from '../internal/parse-page-ranges.js';
import type { ImageFormat } from '../options.js';
import type { RenderPool } from './render-pool.js';
import { round } from '../internal/round.js';

/** Options of {@link renderToDirectory}. */
export interface RenderToDirectoryOptions {
  /** Folder for the images; created if missing. */
  readonly outDir: string;
  /** Render scale; 1 = 72 dpi. @default 2 */
  readonly scale?: number | undefined;
  /** Longest image edge in pixels. @default none */
  readonly maxSize?: number | undefined;
  /** @default 'png' */
  readonly imageFormat?: ImageFormat | undefined;
  /** JPEG/WebP quality, 1-100. @default 90 */
  readonly quality?: number | undefined;
  /** 1-based pages to render, e.g. `'1-3,7,10-'` or `[1, 2, 3]`. @default all */
  readonly pages?: string | readonly number[] | undefined;
  /** Password of an encrypted PDF. */
  readonly password?: string | undefined;
  /** Render on these workers; without one, pages render in this thread. @default none */
  readonly renderPool?: RenderPool | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Called once the document is open, with the pages that will be rendered. */
  readonly onStart?: ((pages: readonly number[]) => void) | undefined;
  /** Called as each page is written or fails, in the order pages finish. */
  readonly onPage?: ((page: RenderedPageReport) => void) | undefined;
}

/** An error as the report shows it. */
export interface ReportedError {
  readonly code: ErrorCode;
  readonly message: string;
}

/** One page of a {@link RenderReport}: the run report's page shape, with the network fields `null`. */
export interface RenderedPageReport {
  readonly input: string;
  readonly page: number;
  readonly status: 'success' | 'failed';
  readonly finishReason: null;
  readonly stopper: null;
  readonly imageWidth: number | null;
  readonly imageHeight: number | null;
  /** Set when `maxSize` or the pixel budget scaled the image below the requested scale. */
  readonly downscaled: 'max-size' | 'pixel-budget' | null;
  readonly renderMs: number | null;
  readonly ttftMs: null;
  /** Render, encode and write, in milliseconds. */
  readonly totalMs: number;
  readonly chars: null;
  readonly promptTokens: null;
  readonly completionTokens: null;
  readonly retries: null;
  /** Where the image was written; `null` for failed pages. */
  readonly file: string | null;
  readonly error: ReportedError | null;
}

/** The run report (CONTRACT.md "Run report") of a render-only run. */
export interface RenderReport {
  readonly version: 1;
  readonly inputs: readonly {
    readonly path: string;
    readonly pages: number;
    readonly status: 'success' | 'partial' | 'failed';
    readonly error: ReportedError | null;
  }[];
  readonly pages: readonly RenderedPageReport[];
  readonly totals: {
    readonly pages: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly stoppedEarly: 0;
    readonly promptTokens: null;
    readonly completionTokens: null;
    readonly wallMs: number;
    readonly pagesPerSecond: number;
  };
}

const EXTENSIONS: Readonly<Record<ImageFormat, string>> = { png: 'png', jpeg: 'jpg', webp: 'webp' };

/**
 * Render a document's pages to image files named `page-0001.png` (`.jpg`, `.webp`) without any
 * network, and return the run report with its network fields `null`. A page that cannot render is
 * reported `failed` and the others go on; a document that cannot be opened at all rejects with its
 * `DocumentError`.
 *
 * @example
 * const report = await renderToDirectory('paper.pdf', { outDir: 'pages', imageFormat: 'jpeg' });
 * console.log(`${report.totals.succeeded} pages written`);
 */
export async function renderToDirectory(
  input: DocumentSource,
  options: RenderToDirectoryOptions,
): Promise<RenderReport> {
  const started = performance.now();
  const { signal } = options;
  const name = typeof input === 'string' ? input : '<bytes>';
  const format = options.imageFormat ?? 'png';
  const document = await openDocument(input, {
    name,
    password: options.password,
    signal,
    renderPool: options.renderPool,
  });
  const results: RenderedPageReport[] = [];
  try {
    const pages = selectPages(options.pages, document.pageCount);
    await mkdir(options.outDir, { recursive: true });
    options.onStart?.(pages);
    const renderOptions = {
      scale: options.scale ?? 2,
      maxSize: options.maxSize,
      format,
      quality: options.quality ?? 90,
    };

    const renderOne = async (page: number): Promise<RenderedPageReport> => {
      const pageStarted = performance.now();
      const base = {
        input: name,
        page,
        finishReason: null,
        stopper: null,
        ttftMs: null,
        chars: null,
        promptTokens: null,
        completionTokens: null,
        retries: null,
      } as const;
      try {
        const image = await document.renderPage(page, renderOptions, signal);
        const file = path.join(options.outDir, `page-${String(page).padStart(4, '0')}.${EXTENSIONS[format]}`);
        await writeFile(file, image.data, signal ? { signal } : {});
        return {
          ...base,
          status: 'success',
          imageWidth: image.width,
          imageHeight: image.height,
          downscaled: image.downscaled ?? null,
          renderMs: round(image.renderMs),
          totalMs: round(performance.now() - pageStarted),
          file,
          error: null,
        };
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const failure = error instanceof PagestreamError ? error : new RenderError(page, String(error));
        return {
          ...base,
          status: 'failed',
          imageWidth: null,
          imageHeight: null,
          downscaled: null,
          renderMs: null,
          totalMs: round(performance.now() - pageStarted),
          file: null,
          error: { code: failure.code, message: failure.message },
        };
      }
    };

    // Enough pages in flight to keep every worker busy. In this thread, two: one rasterizes while the
    // other is encoded on libuv's threads; more would only hold more canvases in memory at once.
    const inFlight = options.renderPool ? options.renderPool.size * 2 : 2;
    let next = 0;
    const lane = async () => {
      for (let page = pages[next++]; page !== undefined; page = pages[next++]) {
        const result = await renderOne(page);
        results.push(result);
        options.onPage?.(result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, pages.length) }, lane));
  } finally {
    await document.close();
  }

  results.sort((a, b) => a.page - b.page);
  const succeeded = results.filter((r) => r.status === 'success').length;
  const failed = results.length - succeeded;
  const wallMs = performance.now() - started;
  return {
    version: 1,
    inputs: [
      {
        path: name,
        pages: document.pageCount,
        status: failed === 0 ? 'success' : succeeded === 0 ? 'failed' : 'partial',
        error: null,
      },
    ],
    pages: results,
    totals: {
      pages: results.length,
      succeeded,
      failed,
      stoppedEarly: 0,
      promptTokens: null,
      completionTokens: null,
      wallMs: round(wallMs),
      pagesPerSecond: wallMs > 0 ? round((succeeded * 1000) / wallMs, 2) : 0,
    },
  };
}
