import { createCanvas, type Canvas } from '@napi-rs/canvas';
import type {
  PDFDocumentLoadingTask,
  PDFDocumentProxy,
  PDFPageProxy,
  PDFWorker,
} from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DocumentError, RenderError } from '../errors.js';
import { DrawingContext } from '../render/drawing-context.js';
import { encodeCanvas } from '../render/encode-canvas.js';
import { GlyphCache } from '../render/glyph-cache.js';
import { planRender } from '../render/plan-render.js';
import type { DocumentBackend, PageImage, PageInfo, RenderOptions } from './document-backend.js';
import { startInThreadWorker } from './in-thread-worker.js';
import { loadPdfjs, pdfjsAssets } from './load-pdfjs.js';
import { hasNativeImageDecoder } from './native-image-decoder.js';
import { toPageImage } from '../render/to-page-image.js';

/** Options of {@link PdfBackend.open}. */
export interface PdfBackendOptions {
  /** Name shown in errors and reports. */
  readonly name: string;
  /** User password; an empty user password opens without one. */
  readonly password?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Canvases a backend keeps for its next pages: as many as pages are usually rendered at once (two; see
 * `renderToDirectory` and the render pool), and none above 8 MP (32 MB), so a rare huge page is not
 * held until the document closes.
 */
const SPARE_CANVASES = 2;
const MAX_SPARE_PIXELS = 8_000_000;

/**
 * A PDF opened with pdf.js in this thread. Pages are loaded on demand and released (`page.cleanup()`)
 * as soon as each render is encoded, so memory does not grow with the page count. Canvases are reused
 * from page to page: a fresh 8 MB canvas per page cost more than the PNG encoder (allocation, page
 * faults and garbage collection driven by the external memory), and pages of one document are mostly
 * the same size.
 */
export class PdfBackend implements DocumentBackend {
  readonly format = 'pdf' as const;
  readonly source: string;
  readonly pageCount: number;
  #task: PDFDocumentLoadingTask;
  #document: PDFDocumentProxy;
  /** Our own in-thread pdf.js worker, when JPEG images decode natively; pdf.js's otherwise. */
  #worker: PDFWorker | undefined;
  #infos = new Map<number, PageInfo>();
  #spareCanvases: Canvas[] = [];
  /** Glyph bitmaps shared by this document's pages: its fonts' outlines live as long as it does. */
  #glyphs = new GlyphCache();
  #closed = false;

  private constructor(
    source: string,
    task: PDFDocumentLoadingTask,
    document: PDFDocumentProxy,
    worker: PDFWorker | undefined,
  ) {
    this.source = source;
    this.#task = task;
    this.#document = document;
    this.#worker = worker;
    this.pageCount = document.numPages;
  }

  /**
   * Open PDF bytes. The bytes are copied: pdf.js takes ownership of (detaches) the buffer it is given.
   * @throws DocumentError `PASSWORD_REQUIRED`, `INCORRECT_PASSWORD` or `INVALID_DOCUMENT`.
   */
  static async open(bytes: Uint8Array, options: PdfBackendOptions): Promise<PdfBackend> {
    const { signal, name } = options;
    signal?.throwIfAborted();
    const pdfjs = await loadPdfjs();
    // In threads where pagestream installed its native JPEG decoder (render workers, the CLI), pdf.js
    // hands it JPEG images, which then need a worker port that passes decoded images through.
    const nativeJpeg = hasNativeImageDecoder();
    const worker = nativeJpeg ? await startInThreadWorker() : undefined;
    const task = pdfjs.getDocument({
      worker,
      isImageDecoderSupported: nativeJpeg,
      // A real copy: `Buffer#slice` would be a view, and pdf.js refuses Buffers.
      data: new Uint8Array(bytes),
      ...pdfjsAssets(),
      cMapPacked: true,
      password: options.password,
      // Off, and it costs nothing measurable: in pdf.js 5 glyphs are Path2D objects built from drawing
      // operations, never compiled code; `new Function` serves only Type 4 (PostScript calculator)
      // functions in shadings and colour spaces, which then run interpreted. Compiling code derived
      // from document bytes is how CVE-2024-4367 (pdf.js < 4.2, glyph code) ran script from a PDF, so
      // a library that opens untrusted PDFs keeps it off.
      isEvalSupported: false,
      // Node has no FontFace/document.fonts, so glyphs are filled as paths. Loading pdf.js's fonts
      // into Skia (GlobalFonts) would be faster to rasterize, but that registry is shared by the whole
      // process and every worker thread while pdf.js names fonts per thread (`g_d0_f1`), so two
      // documents could draw with each other's fonts.
      disableFontFace: true,
      // pdf.js logs warnings about recoverable damage on the console; a library must not.
      verbosity: pdfjs.VerbosityLevel.ERRORS,
    });
    const onAbort = () => void task.destroy();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const document = await task.promise;
      if (document.numPages < 1) throw new Error('the document has no pages');
      return new PdfBackend(name, task, document, worker);
    } catch (error) {
      await task.destroy();
      worker?.destroy();
      if (signal?.aborted) throw signal.reason;
      throw describeOpenError(name, error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async pageInfo(page: number, signal?: AbortSignal): Promise<PageInfo> {
    const known = this.#infos.get(page);
    if (known) return known;
    let info: PageInfo;
    try {
      const pdfPage = await this.#loadPage(page, signal);
      const { width, height } = pdfPage.getViewport({ scale: 1 });
      info = { page, width, height, rotation: pdfPage.rotate, valid: true };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (this.#closed) throw error;
      info = { page, width: 0, height: 0, rotation: 0, valid: false, invalidReason: reasonOf(error) };
    }
    this.#infos.set(page, info);
    return info;
  }

  async renderPage(page: number, options: RenderOptions, signal?: AbortSignal): Promise<PageImage> {
    const started = performance.now();
    const pdfPage = await this.#loadPage(page, signal);
    try {
      const base = pdfPage.getViewport({ scale: 1 });
      const plan = planRender(base.width, base.height, options);
      const viewport = pdfPage.getViewport({ scale: plan.scale });
      const canvas = this.#takeCanvas(plan.width, plan.height);
      const context = canvas.getContext('2d');
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, plan.width, plan.height);
      // pdf.js draws through `canvas.getContext('2d')` when given a canvas, so a canvas-like object is
      // how it gets the glyph-caching context; it reads nothing else of it but the size.
      const drawing = new DrawingContext(context, this.#glyphs).asContext();
      const surface = { width: canvas.width, height: canvas.height, getContext: () => drawing };
      // pdf.js is typed against the DOM canvas; @napi-rs/canvas is the implementation it uses in Node.
      const task = pdfPage.render({ canvas: surface as never, viewport, background: '#ffffff' });
      const onAbort = () => task.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await task.promise;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        throw new RenderError(page, `cannot render the page: ${reasonOf(error)}`, { cause: error });
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
      const encoded = await encodeCanvas(canvas, options.format, options.quality);
      // Only after a complete render and encode: a cancelled render may leave state on the context,
      // and the encoder reads the pixels until its promise settles. The image owns its own bytes.
      this.#returnCanvas(canvas);
      signal?.throwIfAborted();
      return toPageImage(page, encoded, plan, started);
    } finally {
      // Drop the page's operator lists, fonts and images now rather than when the document closes.
      pdfPage.cleanup();
    }
  }

  async textLayer(page: number, signal?: AbortSignal): Promise<string> {
    const pdfPage = await this.#loadPage(page, signal);
    try {
      const content = await pdfPage.getTextContent();
      signal?.throwIfAborted();
      let text = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        text += item.str;
        if (item.hasEOL) text += '\n';
      }
      return text
        .split('\n')
        .map((line) => line.trimEnd())
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim();
    } finally {
      pdfPage.cleanup();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#spareCanvases = [];
    this.#glyphs = new GlyphCache();
    await this.#task.destroy();
    // pdf.js destroys only the workers it started.
    this.#worker?.destroy();
  }

  /** A white-cleared canvas of this size: a spare one reset to its initial state, or a new one. */
  #takeCanvas(width: number, height: number): Canvas {
    const index = this.#spareCanvases.findIndex((c) => c.width === width && c.height === height);
    if (index === -1) return createCanvas(width, height);
    const [canvas] = this.#spareCanvases.splice(index, 1) as [Canvas];
    // Transform, clip, alpha, composite and pixels back to a new canvas's, whatever pdf.js left.
    canvas.getContext('2d').reset();
    return canvas;
  }

  #returnCanvas(canvas: Canvas): void {
    if (this.#closed || canvas.width * canvas.height > MAX_SPARE_PIXELS) return;
    this.#spareCanvases.push(canvas);
    if (this.#spareCanvases.length > SPARE_CANVASES) this.#spareCanvases.shift();
  }

  async #loadPage(page: number, signal: AbortSignal | undefined): Promise<PDFPageProxy> {
    signal?.throwIfAborted();
    if (this.#closed) throw new RenderError(page, 'the document is closed');
    if (!Number.isInteger(page) || page < 1 || page > this.pageCount)
      throw new RenderError(page, `no such page (the document has ${this.pageCount} pages)`);
    try {
      return await this.#document.getPage(page);
    } catch (error) {
      throw new RenderError(page, `cannot load the page: ${reasonOf(error)}`, { cause: error });
    } finally {
      signal?.throwIfAborted();
    }
  }
}

function describeOpenError(name: string, error: unknown): DocumentError {
  const { name: kind, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  if (kind === 'PasswordException' && code === 1)
    return new DocumentError(
      'PASSWORD_REQUIRED',
      name,
      'the PDF is encrypted and needs a password: pass --password (library: `password`)',
      { cause: error },
    );
  if (kind === 'PasswordException')
    return new DocumentError('INCORRECT_PASSWORD', name, 'the password is not correct for this PDF', {
      cause: error,
    });
  return new DocumentError('INVALID_DOCUMENT', name, `not a readable PDF: ${reasonOf(error)}`, {
    cause: error,
  });
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
