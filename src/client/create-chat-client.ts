import type { LookupFunction } from 'node:net';
import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import {
  IncompleteStreamError,
  InvalidOptionsError,
  PagestreamError,
  RemoteServicesDisabledError,
  TimeoutError,
  isRetryable,
} from '../errors.js';
import { delay } from '../internal/delay.js';
import { linkSignals } from '../internal/link-signals.js';
import type { ResolvedConvertOptions } from '../options.js';
import type { GenerationStopper } from '../stoppers/generation-stopper.js';
import { resolveStoppers } from '../stoppers/resolve-stoppers.js';
import { AnswerReader, type AttemptResult } from './answer-reader.js';
import { AttemptTimer } from './attempt-timer.js';
import { buildRequestBody } from './build-request-body.js';
import { checkResponse } from './check-response.js';
import type { CompletionEvent, CompletionResult } from './completion-result.js';
import { computeBackoffDelay } from './compute-backoff-delay.js';
import type { ChatClient, CompleteOptions, PageRequest } from './page-request.js';
import { createRedactor } from './create-redactor.js';
import { readJsonAnswer } from './read-json-answer.js';
import { redactUrl } from './redact-url.js';
import { toConnectionError } from './to-connection-error.js';
import { generationCap } from '../options.js';

/**
 * How long the stream is read on after a stopper fired, in milliseconds, by default. Long enough for a
 * server that has finished to send its finish and usage chunks (they follow the last token at once),
 * short enough that a model running on is cut after at most the one chunk read plus what is in flight.
 */
export const DEFAULT_STOP_GRACE_MS = 150;

/** Largest answer kept, in characters, whatever `max_tokens` says. */
export const MAX_ANSWER_CHARS = 4 * 2 ** 20;
/** Characters allowed per requested token before an answer counts as runaway (a token is ~4 on average). */
const CHARS_PER_TOKEN_CAP = 32;
/** Stream events allowed per requested token (reasoning and empty chunks count, content or not), plus slack. */
const EVENTS_PER_TOKEN_CAP = 8;
const EVENTS_SLACK = 1024;
/** Transport settings that are not run options (tests and benchmarks tune them). */
export interface ChatClientOptions {
  /**
   * After a stopper fires, how long to read on to tell a natural end (the server's finish chunk,
   * `[DONE]` or the end of the stream comes first: finish reason and usage are the server's) from a
   * model running on (new content or this time running out: the request is aborted and the answer
   * finishes with `stopper`). Content read meanwhile never enters the text. `0` aborts at once.
   * @default DEFAULT_STOP_GRACE_MS (150)
   */
  readonly stopGraceMs?: number | undefined;
  /**
   * Hard cap on an answer's characters, which holds when no stopper is set and the server ignores
   * `max_tokens` (or never stops): once more than this arrives, the request is aborted and the answer
   * finishes with `finishReason: 'length'`, its text cut at the cap. The number of stream events is
   * capped the same way (8 per token plus 1024), so a server streaming endless reasoning or empty
   * chunks is cut too. Nothing is ever buffered beyond these caps.
   * @default min(32 x the token cap sent (`max_tokens`/`max_completion_tokens` in `params`, else
   *   `maxTokens`), MAX_ANSWER_CHARS (4 Mi))
   */
  readonly maxAnswerChars?: number | undefined;
  /**
   * Resolve host names with this function instead of the system resolver (`dns.lookup`), e.g. to pin a
   * host to an address. @default the system resolver
   */
  readonly lookup?: LookupFunction | undefined;
}

/**
 * Create the transport to one OpenAI-compatible `/v1/chat/completions` endpoint: one undici `Agent`
 * with keep-alive connections sized to `options.concurrency`, SSE streaming with early abort by
 * stoppers, retries with backoff, and time limits.
 *
 * When a stopper fires, the answer is trimmed at its decision and the stream is read on for a short
 * grace (`clientOptions.stopGraceMs`) to tell a natural end, reported with the server's finish reason
 * and usage, from a model running on, which is aborted at its next content chunk.
 *
 * Nothing is looked up, read or connected before the remote-services gate is checked.
 *
 * @throws RemoteServicesDisabledError unless `options.enableRemoteServices` is true (checked first).
 * @throws InvalidOptionsError when `options.url` is missing, or `clientOptions.stopGraceMs` is negative.
 * @example
 * ```ts
 * const client = createChatClient(resolveOptions({ url, enableRemoteServices: true }));
 * try {
 *   const { text } = await client.complete({ image: { data: png, mimeType: 'image/png' }, prompt });
 * } finally {
 *   await client.close();
 * }
 * ```
 */
export function createChatClient(
  options: ResolvedConvertOptions,
  clientOptions: ChatClientOptions = {},
): ChatClient {
  if (!options.enableRemoteServices) throw new RemoteServicesDisabledError();
  if (options.url === undefined) {
    throw new InvalidOptionsError(
      'url: the chat-completions URL is required, e.g. http://127.0.0.1:8000/v1/chat/completions (CLI: --url or PAGESTREAM_URL)',
    );
  }
  const stopGraceMs = clientOptions.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  if (!Number.isFinite(stopGraceMs) || stopGraceMs < 0) {
    throw new InvalidOptionsError(`stopGraceMs: expected a finite number >= 0, got ${String(stopGraceMs)}`);
  }
  const maxAnswerChars = clientOptions.maxAnswerChars ?? defaultAnswerCap(options);
  if (!Number.isInteger(maxAnswerChars) || maxAnswerChars < 1) {
    throw new InvalidOptionsError(
      `maxAnswerChars: expected a whole number >= 1, got ${String(maxAnswerChars)}`,
    );
  }
  return new UndiciChatClient(options, options.url, {
    stopGraceMs,
    maxAnswerChars,
    lookup: clientOptions.lookup,
  });
}

/** The token cap the server is sent, times the chars-per-token cap. */
function defaultAnswerCap(options: ResolvedConvertOptions): number {
  return Math.min(MAX_ANSWER_CHARS, Math.ceil(generationCap(options) * CHARS_PER_TOKEN_CAP));
}

interface Attempt {
  readonly number: number;
  readonly request: PageRequest;
  readonly stoppers: readonly GenerationStopper[];
  /** Aborts for the caller's signal and the page deadline. */
  readonly signal: AbortSignal;
  readonly onEvent: ((event: CompletionEvent) => void) | undefined;
}

class UndiciChatClient implements ChatClient {
  readonly #options: ResolvedConvertOptions;
  readonly #url: string;
  readonly #safeUrl: string;
  readonly #agent: Agent;
  readonly #headers: Record<string, string>;
  readonly #stoppers: readonly GenerationStopper[];
  readonly #stopGraceMs: number;
  readonly #maxAnswerChars: number;
  readonly #maxEvents: number;
  /** Blanks the key and credential headers out of whatever the server sends back (some echo them). */
  readonly #redact: (text: string) => string;

  constructor(
    options: ResolvedConvertOptions,
    url: string,
    transport: { stopGraceMs: number; maxAnswerChars: number; lookup: LookupFunction | undefined },
  ) {
    this.#options = options;
    this.#stopGraceMs = transport.stopGraceMs;
    this.#maxAnswerChars = transport.maxAnswerChars;
    this.#maxEvents =
      Math.ceil(transport.maxAnswerChars / CHARS_PER_TOKEN_CAP) * EVENTS_PER_TOKEN_CAP + EVENTS_SLACK;
    this.#url = url;
    this.#safeUrl = redactUrl(url);
    this.#agent = new Agent({
      connections: options.concurrency,
      connect: {
        timeout: options.connectTimeout,
        ...(transport.lookup === undefined ? {} : { lookup: transport.lookup }),
      },
      // Our own first-token and idle timers govern; undici's would fire with less precise errors.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'text/event-stream, application/json',
    };
    if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
    // Lower-cased so a user's `Authorization` replaces ours instead of being sent beside it.
    for (const [name, value] of Object.entries(options.headers)) headers[name.toLowerCase()] = value;
    this.#headers = headers;
    this.#redact = createRedactor({ apiKey: options.apiKey, headers: options.headers, url });
    this.#stoppers = resolveStoppers(options);
  }

  async complete(request: PageRequest, options: CompleteOptions = {}): Promise<CompletionResult> {
    const { signal, onEvent } = options;
    signal?.throwIfAborted();
    const started = performance.now();
    const { pageTimeout, retries: maxRetries } = this.#options;
    const deadline = new AbortController();
    const deadlineTimer =
      pageTimeout === undefined
        ? undefined
        : setTimeout(() => deadline.abort(new TimeoutError('page', pageTimeout)), pageTimeout);
    const outer = linkSignals(signal, deadline.signal);
    const stoppers = request.stoppers ?? this.#stoppers;
    let retries = 0;
    try {
      for (;;) {
        try {
          const result = await this.#attempt({
            number: retries + 1,
            request,
            stoppers,
            signal: outer,
            onEvent,
          });
          return { ...result, retries, totalMs: performance.now() - started };
        } catch (error) {
          if (outer.aborted) throw outer.reason;
          if (retries >= maxRetries || !isRetryable(error)) throw error;
          retries++;
          const delayMs = computeBackoffDelay(retries, retryAfterOf(error));
          onEvent?.({ type: 'retry', attempt: retries, delayMs, error: error as Error });
          await delay(delayMs, outer);
        }
      }
    } finally {
      clearTimeout(deadlineTimer);
    }
  }

  /**
   * A chunk's text with secrets blanked out when it carries an `error` object (its message becomes an
   * error's message). Answers are left alone: a short key such as `EMPTY` must not garble the content.
   * In JSON, `"error"` can only be a key or a string value; inside content it would be escaped (`\"`).
   */
  #forErrors(data: string): string {
    return data.includes('"error"') ? this.#redact(data) : data;
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #attempt(attempt: Attempt): Promise<AttemptResult> {
    const options = this.#options;
    const controller = new AbortController();
    const signal = linkSignals(controller.signal, attempt.signal);
    const timer = new AttemptTimer(controller);
    const fail = (error: unknown, phase: 'connect' | 'body', receivedChars: number): unknown => {
      if (attempt.signal.aborted) return attempt.signal.reason;
      if (timer.timedOut !== undefined) return timer.timedOut;
      if (error instanceof PagestreamError) return error;
      return phase === 'connect'
        ? toConnectionError(error, this.#url, options.connectTimeout)
        : new IncompleteStreamError(receivedChars, { cause: error });
    };

    const body = JSON.stringify(buildRequestBody(options, attempt.request));
    const sentAt = performance.now();
    attempt.onEvent?.({ type: 'request-sent', attempt: attempt.number });
    timer.arm('first-token', options.firstTokenTimeout ?? options.timeout);
    let response: Dispatcher.ResponseData;
    try {
      response = await undiciRequest(this.#url, {
        method: 'POST',
        dispatcher: this.#agent,
        headers: this.#headers,
        body,
        signal,
      });
    } catch (error) {
      timer.clear();
      throw fail(error, 'connect', 0);
    }

    const redact = this.#redact;
    const forErrors = (data: string): string => this.#forErrors(data);
    const reader = new AnswerReader({
      stoppers: attempt.stoppers,
      maxAnswerChars: this.#maxAnswerChars,
      maxEvents: this.#maxEvents,
      stopGraceMs: this.#stopGraceMs,
      sentAt,
      onEvent: attempt.onEvent,
      controller,
      redact,
      forErrors,
    });
    const onActivity = (): void => {
      timer.arm('idle', options.timeout);
    };
    try {
      const kind = await checkResponse(response, { stream: options.stream, safeUrl: this.#safeUrl, redact });
      if (kind === 'stream') {
        await reader.readStream(response.body, onActivity);
      } else {
        reader.takeWhole(await readJsonAnswer(response.body, { onActivity, redact, forErrors }));
      }
    } catch (error) {
      response.body.destroy();
      // A caller's abort always rejects; otherwise the reader knows whether its answer is complete.
      if (attempt.signal.aborted || !reader.survives(timer.timedOut !== undefined)) {
        throw fail(error, 'body', reader.receivedChars);
      }
    } finally {
      timer.clear();
      reader.close();
    }
    return reader.result();
  }
}

function retryAfterOf(error: unknown): number | undefined {
  return typeof error === 'object' &&
    error !== null &&
    'retryAfterMs' in error &&
    typeof error.retryAfterMs === 'number'
    ? error.retryAfterMs
    : undefined;
}
