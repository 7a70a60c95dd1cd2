/** Why an answer ended. `stopper` means a GenerationStopper ended it early; `error` means it failed. */
export type FinishReason = 'stop' | 'length' | 'stopper' | 'content_filter' | 'error';

/** Token usage of one answer. */
export interface Usage {
  /** Prompt tokens as reported by the server; `null` when it sent none. */
  readonly promptTokens: number | null;
  /** Completion tokens: the server's count, or the local count when the server sent none. */
  readonly completionTokens: number | null;
  /**
   * `server` when the server reported usage; `local` when counted here: the stream was aborted by a
   * stopper before any usage came, or the server's usage chunk did not follow its finish chunk within
   * the stop grace (see {@link CompletionResult.finishReason}).
   */
  readonly source: 'server' | 'local';
}

/** The outcome of one page request that produced an answer. Failures reject with a PagestreamError. */
export interface CompletionResult {
  /**
   * The answer text (reasoning fields never enter it), trimmed to the stop point if a stopper fired,
   * even when the end then proved natural: content read during the stop grace never enters it.
   */
  readonly text: string;
  /**
   * Why the answer ended. When a stopper fires, the text is trimmed at its decision and the stream is
   * read on for a short grace (`stopGraceMs` of `createChatClient`, 150 ms by default):
   *
   * - the server's finish chunk, `[DONE]` or the end of the stream comes first: a natural end. The
   *   server's finish reason (`stop`, `length`, ...) is reported, `stopper` is `null`, and usage is the
   *   server's if its usage chunk came within the grace;
   * - new content comes first (any non-empty delta, whitespace too), or the grace runs out: the model
   *   was running on, the request is aborted, and this is `stopper`.
   *
   * A non-streamed (JSON) answer is `stopper` only when the stopper cut more than trailing whitespace.
   */
  readonly finishReason: Exclude<FinishReason, 'error'>;
  /** Name of the stopper that cut the answer short (`finishReason` is `stopper`), else `null`. */
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
  /** A stopper cut the answer short (not sent when the server turned out to end there by itself). */
  | { readonly type: 'stopped-early'; readonly stopper: string };
