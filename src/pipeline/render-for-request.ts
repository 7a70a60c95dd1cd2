import { defer } from 'rxjs';
import type { Observable } from 'rxjs';
import type { DocumentBackend, PageImage } from '../backends/document-backend.js';
import { RenderError, toPagestreamError } from '../errors.js';
import { DEFAULT_PROMPTS } from '../options.js';
import type { ResolvedConvertOptions } from '../options.js';
import type { PageResult } from './conversion-event.js';
import type { RunContext } from './run-context.js';
import type { DocumentTracker } from './document-tracker.js';

/** A page ready for the model, or a page that failed before any request. */
export type PageRequestItem =
  | {
      readonly kind: 'image';
      readonly tracker: DocumentTracker;
      readonly page: number;
      readonly image: PageImage;
      readonly prompt: string;
      /** Order in which the page was scheduled in the run: earlier pages are sent first. */
      readonly sequence: number;
      /** The previous selected page's image, sent as context (`context: 'previous-image'`). */
      readonly previousImage?: PageImage | undefined;
    }
  | { readonly kind: 'failed'; readonly tracker: DocumentTracker; readonly result: PageResult };

/**
 * Take a page slot (the bound on pages held in memory), then render the page and build its prompt while
 * its document is open. The slot is handed back when the page's request ends, or here if it failed.
 */
export function renderForRequest(
  document: DocumentBackend,
  page: number,
  tracker: DocumentTracker,
  context: RunContext,
): Observable<PageRequestItem> {
  // Numbered when scheduled, in document order, so requests leave in page order even when pages
  // render out of order on the worker pool.
  const sequence = context.nextSequence();
  return defer(async (): Promise<PageRequestItem> => {
    const { options, signal } = context;
    await context.pageSlots.acquire(signal);
    try {
      const info = await document.pageInfo(page, signal);
      if (!info.valid) {
        // A backend's reason may already name the page ("page 3: cannot load..."): say it once.
        const reason = info.invalidReason?.replace(/^(page \d+: )+/, '');
        throw new RenderError(page, reason || 'the page cannot be loaded');
      }
      tracker.setPageSize(page, info);
      const image = await document.renderPage(
        page,
        {
          scale: options.scale,
          maxSize: options.maxSize,
          format: options.imageFormat,
          quality: options.imageQuality,
        },
        signal,
      );
      const prompt = await buildPrompt(options, document, page, info);
      return { kind: 'image', tracker, page, image, prompt, sequence };
    } catch (error) {
      context.pageSlots.release();
      if (signal.aborted) throw error;
      const result: PageResult = {
        ...tracker.emptyResult(page),
        status: 'failed',
        finishReason: 'error',
        error: toPagestreamError(error),
      };
      return { kind: 'failed', tracker, result };
    }
  });
}

async function buildPrompt(
  options: ResolvedConvertOptions,
  document: DocumentBackend,
  page: number,
  size: { width: number; height: number },
): Promise<string> {
  const { prompt } = options;
  if (prompt === undefined) return DEFAULT_PROMPTS[options.responseFormat];
  if (typeof prompt === 'string') return prompt;
  const textLayer = await document.textLayer(page);
  return prompt({
    page,
    pageCount: document.pageCount,
    source: document.source,
    width: size.width,
    height: size.height,
    textLayer,
  });
}
