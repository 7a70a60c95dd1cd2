import type { GenerationStopper } from '../stoppers/generation-stopper.js';
import type { CompletionEvent, CompletionResult } from './completion-result.js';

/** One page to send to the model. */
export interface PageRequest {
  /** The encoded page image, sent as a `data:` URL. */
  readonly image: { readonly data: Uint8Array; readonly mimeType: string };
  readonly prompt: string;
  /**
   * Stoppers watching this answer. `undefined` uses the client's own, built once from its options by
   * `resolveStoppers`; `[]` turns them off.
   * @default resolveStoppers(options)
   */
  readonly stoppers?: readonly GenerationStopper[] | undefined;
}

/** Per-call options of {@link ChatClient.complete}. */
export interface CompleteOptions {
  /** Aborting rejects the call with `signal.reason` (never wrapped) and closes the connection. */
  readonly signal?: AbortSignal | undefined;
  /** Progress: request sent, first token, retry, stopped early. Must not throw. */
  readonly onEvent?: ((event: CompletionEvent) => void) | undefined;
}

/**
 * Transport to one OpenAI-compatible `/v1/chat/completions` endpoint. It knows nothing of documents
 * or pipelines: one page image and prompt in, one answer out.
 */
export interface ChatClient {
  /**
   * Send one page and wait for its answer, retrying what is worth retrying.
   * @throws PagestreamError subclasses (HttpStatusError, ConnectionError, TimeoutError, StreamError,
   *   IncompleteStreamError, InvalidResponseError); the signal's reason when aborted.
   */
  complete(request: PageRequest, options?: CompleteOptions): Promise<CompletionResult>;
  /** Close the client's connections once requests in flight are done. */
  close(): Promise<void>;
}
