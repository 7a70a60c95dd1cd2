import type { GenerationStopper } from '../stoppers/generation-stopper.js';
import type { CompletionEvent, CompletionResult } from './completion-result.js';

/** An encoded image sent as a `data:` URL. */
export interface RequestImage {
  readonly data: Uint8Array;
  readonly mimeType: string;
  /** A short text part sent just before the image, saying what it is (e.g. `'Previous page:'`). */
  readonly label?: string | undefined;
}

/** Asks the server for JSON matching a schema (`response_format: {type: 'json_schema', ...}`). */
export interface JsonSchemaFormat {
  /** Schema name, `[a-zA-Z0-9_-]`, up to 64 characters. */
  readonly name: string;
  /** The JSON Schema the answer must match. */
  readonly schema: Readonly<Record<string, unknown>>;
  /** Ask the server to enforce the schema exactly (OpenAI's strict mode). @default false */
  readonly strict?: boolean | undefined;
}

/** One page to send to the model. */
export interface PageRequest {
  /** The encoded page image, sent as a `data:` URL. */
  readonly image: RequestImage;
  readonly prompt: string;
  /**
   * Images sent before the page's own, in order (the previous page as context, or the earlier pages of
   * a document-wide extraction). Each is introduced by a short text part naming it.
   * @default []
   */
  readonly contextImages?: readonly RequestImage[] | undefined;
  /** Text sent before the images as context (the previous page's converted text). @default none */
  readonly contextText?: string | undefined;
  /** Ask for JSON matching a schema through `response_format`. @default none */
  readonly jsonSchema?: JsonSchemaFormat | undefined;
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
