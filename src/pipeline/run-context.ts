import type PQueue from 'p-queue';
import type { ChatClient } from '../client/page-request.js';
import type { CompiledExtractionSchema } from '../extract/compile-extraction-schema.js';
import type { Semaphore } from '../internal/semaphore.js';
import type { ResolvedConvertOptions } from '../options.js';
import type { RenderPool } from '../render/render-pool.js';
import type { GenerationStopper } from '../stoppers/generation-stopper.js';

/**
 * Pages rendered ahead of the request workers. Together with the concurrency this bounds how many page
 * images are held at once, so memory does not grow with the page count.
 */
export const RENDER_AHEAD = 2;
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

/** Reason given to in-flight work when a subscriber goes away (not an error anyone sees). */
export class PagestreamAbort extends Error {
  constructor() {
    super('the conversion was cancelled');
    this.name = 'AbortError';
  }
}
