/** Why an answer ended. `stopper` means a GenerationStopper ended it early; `error` means it failed. */
export type FinishReason = 'stop' | 'length' | 'stopper' | 'content_filter' | 'error';

/** Token usage of one answer. */
export interface Usage {
  /** Prompt tokens as reported by the server; `null` when it sent none. */
  readonly promptTokens: number | null;
  /** Completion tokens: the server's count, or the local count when the server sent none. */
  readonly completionTokens: number | null;
  /** `server` when the server reported usage; `local` when counted here (stream aborted by a stopper). */
  readonly source: 'server' | 'local';
}

/** The outcome of one page request that produced an answer. Failures reject with a PagestreamError. */
export interface CompletionResult {
  /** The answer text (reasoning fields never enter it), trimmed to the stop point if a stopper fired. */
  readonly text: string;
  readonly finishReason: Exclude<FinishReason, 'error'>;
  /** Name of the stopper that fired, or `null`. */
  readonly stopper: string | null;
  readonly usage: Usage;
  /** Milliseconds from sending the request to the first content character; `null` without content. */
  readonly ttftMs: number | null;
  /** Milliseconds from the first attempt's request to the end of the answer. */
  readonly totalMs: number;
  /** How many retries the request needed. */
  readonly retries: number;
  /** The model name the server reported, if any. */
  readonly model: string | null;
  /**
   * Refusal text the model sent (OpenAI's `refusal` field) instead of, or beside, an answer. An answer
   * with a refusal and no text finishes with `content_filter`. Absent when there was none.
   */
  readonly refusal?: string;
}

/** Progress of one request, for progress displays and benchmarks. */
export type CompletionEvent =
  | { readonly type: 'request-sent'; readonly attempt: number }
  | { readonly type: 'first-token'; readonly ttftMs: number }
  | { readonly type: 'retry'; readonly attempt: number; readonly delayMs: number; readonly error: Error }
  | { readonly type: 'stopped-early'; readonly stopper: string };
