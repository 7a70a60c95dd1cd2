import type { LookupFunction } from 'node:net';
import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import {
  IncompleteStreamError,
  InvalidOptionsError,
  InvalidResponseError,
  PagestreamError,
  RemoteServicesDisabledError,
  TimeoutError,
  isRetryable,
} from '../errors.js';
import { delay } from '../internal/delay.js';
import { linkSignals } from '../internal/link-signals.js';
import type { ResolvedConvertOptions } from '../options.js';
import { createStopperRunner } from '../stoppers/create-stopper-runner.js';
import type { GenerationStopper } from '../stoppers/generation-stopper.js';
import { resolveStoppers } from '../stoppers/resolve-stoppers.js';
import { buildRequestBody } from './build-request-body.js';
import { CompletionAccumulator, toStreamError } from './completion-accumulator.js';
import type { CompletionEvent, CompletionResult } from './completion-result.js';
import { computeBackoffDelay } from './compute-backoff-delay.js';
import { createHttpStatusError, extractServerMessage } from './create-http-status-error.js';
import type { ChatClient, CompleteOptions, PageRequest } from './page-request.js';
import { parseEventStream } from './parse-event-stream.js';
import { createRedactor } from './create-redactor.js';
import { redactUrl } from './redact-url.js';
import { toConnectionError } from './to-connection-error.js';

/** Most of an error or unexpected body read for its message; the rest is dropped. */
const MAX_ERROR_BODY = 64 * 1024;
/** Largest non-streamed JSON answer accepted, in bytes. */
const MAX_JSON_BODY = 64 * 2 ** 20;

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
/** How long the stream is read on after `[DONE]` for the server to end the response (so the socket is reused). */
const AFTER_DONE_MS = 1000;

/** Abort reason used when a stopper ends the answer: the request is cancelled on purpose. */
class StoppedEarly extends Error {}

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

/** The token cap the server is sent (params win, as in the request body), times the chars-per-token cap. */
function defaultAnswerCap(options: ResolvedConvertOptions): number {
  const sent = [options.params.max_completion_tokens, options.params.max_tokens].find(
    (value): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0,
  );
  return Math.min(MAX_ANSWER_CHARS, Math.ceil((sent ?? options.maxTokens) * CHARS_PER_TOKEN_CAP));
}

interface Attempt {
  readonly number: number;
  readonly request: PageRequest;
  readonly stoppers: readonly GenerationStopper[];
  /** Aborts for the caller's signal and the page deadline. */
  readonly signal: AbortSignal;
  readonly onEvent: ((event: CompletionEvent) => void) | undefined;
}

type AttemptResult = Omit<CompletionResult, 'totalMs' | 'retries'>;

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
    let timedOut: TimeoutError | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = (kind: 'first-token' | 'idle', ms: number): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = new TimeoutError(kind, ms);
        controller.abort(timedOut);
      }, ms);
    };
    const fail = (error: unknown, phase: 'connect' | 'body', receivedChars: number): unknown => {
      if (attempt.signal.aborted) return attempt.signal.reason;
      if (timedOut !== undefined) return timedOut;
      if (error instanceof PagestreamError) return error;
      return phase === 'connect'
        ? toConnectionError(error, this.#url, options.connectTimeout)
        : new IncompleteStreamError(receivedChars, { cause: error });
    };

    const body = JSON.stringify(buildRequestBody(options, attempt.request));
    const sentAt = performance.now();
    attempt.onEvent?.({ type: 'request-sent', attempt: attempt.number });
    arm('first-token', options.firstTokenTimeout ?? options.timeout);
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
      clearTimeout(timer);
      throw fail(error, 'connect', 0);
    }

    const accumulator = new CompletionAccumulator();
    const runner = createStopperRunner(attempt.stoppers);
    const parts: string[] = [];
    // `capped`: the answer passed the hard cap; the request was aborted and the answer ends with `length`.
    const state: { ttftMs: number | null; whole: boolean; capped: boolean } = {
      ttftMs: null,
      whole: false,
      capped: false,
    };
    // After a stopper's decision: `grace` while reading on, then `natural` (the server finished by
    // itself) or `runaway` (it went on, or the grace ran out: the request was aborted).
    let drain: 'off' | 'grace' | 'natural' | 'runaway' = 'off';
    let graceTimer: NodeJS.Timeout | undefined;
    let received = 0;
    let done = false;
    let onContent = (delta: string): boolean => {
      if (state.ttftMs === null) {
        state.ttftMs = performance.now() - sentAt;
        attempt.onEvent?.({ type: 'first-token', ttftMs: state.ttftMs });
      }
      const room = this.#maxAnswerChars - received;
      if (delta.length > room) {
        state.capped = true;
        delta = delta.slice(0, room);
      }
      received += delta.length;
      parts.push(delta);
      return runner.push(delta) !== undefined;
    };
    try {
      const { statusCode, headers } = response;
      if (statusCode < 200 || statusCode >= 300) {
        const text = this.#redact(await readText(response.body, MAX_ERROR_BODY));
        throw createHttpStatusError({ status: statusCode, url: this.#safeUrl, headers, body: text });
      }
      const contentType = String(headers['content-type'] ?? '').toLowerCase();
      const streamed = contentType.includes('text/event-stream') || (contentType === '' && options.stream);
      if (!streamed && !/[/+]json\b/.test(contentType)) {
        const text = this.#redact(await readText(response.body, MAX_ERROR_BODY));
        throw new InvalidResponseError(
          `expected an event stream or JSON from ${this.#safeUrl}, got ${contentType === '' ? 'no content type' : `"${contentType}"`} (HTTP ${statusCode})${describeBody(text)}; is the URL the chat-completions endpoint (.../v1/chat/completions)?`,
        );
      }
      if (streamed) {
        let events = 0;
        // Only events count as a sign of life: a server that sends nothing but keep-alive comments after
        // its first token is stuck, and would otherwise hold the page forever (there is no page deadline
        // by default). Before the first event the first-token limit runs, whatever arrives.
        for await (const event of parseEventStream(response.body, undefined, this.#redact)) {
          arm('idle', options.timeout);
          if (done) continue; // nothing after [DONE] counts; read on so the connection can be reused
          const data = this.#forErrors(event.data).trim();
          if (event.event === 'error') throw toStreamError(parseErrorEvent(this.#redact(data)));
          if (data === '[DONE]') {
            done = true;
            if (drain === 'grace') drain = 'natural';
            // A server that keeps the response open after [DONE] only costs the socket, never the answer.
            if (graceTimer === undefined)
              graceTimer = setTimeout(() => controller.abort(new StoppedEarly()), AFTER_DONE_MS);
            continue;
          }
          if (drain === 'off' && ++events > this.#maxEvents) {
            state.capped = true;
            controller.abort(new StoppedEarly());
            break;
          }
          if (data === '') continue;
          let chunk: unknown;
          try {
            chunk = JSON.parse(data);
          } catch (error) {
            // An event cut off by the end of the stream is a broken stream, judged below.
            if (event.atEnd) continue;
            throw new InvalidResponseError(`a stream event was not JSON: ${preview(this.#redact(data))}`, {
              cause: error,
            });
          }
          const delta = accumulator.add(chunk);
          if (drain === 'off') {
            const stop = delta !== '' && onContent(delta);
            if (state.capped && !stop) {
              // Past the hard cap with no stopper deciding: cut the server off now.
              controller.abort(new StoppedEarly());
              break;
            }
            if (!stop) continue;
            drain = 'grace';
            if (this.#stopGraceMs === 0) {
              drain = 'runaway';
              controller.abort(new StoppedEarly());
              break;
            }
            graceTimer = setTimeout(() => controller.abort(new StoppedEarly()), this.#stopGraceMs);
            // The chunk that completed the answer may itself carry the finish reason (and usage).
            if (accumulator.rawFinishReason !== undefined) drain = 'natural';
            continue;
          }
          if (drain !== 'grace') continue; // natural end: only waiting for usage and [DONE]
          // A finish reason on the chunk means the model ended there, even if the chunk had content.
          if (accumulator.rawFinishReason !== undefined) {
            drain = 'natural';
          } else if (delta !== '') {
            // Running on: cut it now, so the server generates at most what is already in flight.
            drain = 'runaway';
            controller.abort(new StoppedEarly());
            break;
          }
        }
        // The end of the stream during the grace is a natural end too.
        if (drain === 'grace') drain = 'natural';
        if (
          runner.decision === undefined &&
          !state.capped &&
          !done &&
          accumulator.rawFinishReason === undefined
        ) {
          throw new IncompleteStreamError(runner.totalChars);
        }
      } else {
        arm('idle', options.timeout);
        const text = this.#forErrors(
          await readText(response.body, MAX_JSON_BODY, () => arm('idle', options.timeout)),
        );
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (error) {
          throw new InvalidResponseError(`the answer was not valid JSON${describeBody(this.#redact(text))}`, {
            cause: error,
          });
        }
        if (
          typeof json !== 'object' ||
          json === null ||
          !('choices' in json) ||
          !Array.isArray(json.choices)
        ) {
          accumulator.add(json); // throws its `error`, if it has one
          throw new InvalidResponseError(`the answer had no choices${describeBody(this.#redact(text))}`);
        }
        // Stoppers still trim a whole answer (text after </doctag>, a repeated tail); one "delta".
        state.whole = true;
        const content = accumulator.add(json);
        if (content !== '') onContent(content);
      }
    } catch (error) {
      response.body.destroy();
      // After [DONE] the answer is complete: only the server's slowness to end the response is cut.
      const complete = done && timedOut === undefined;
      // Once a stopper has decided, the answer is complete: the grace timer's abort, a cut, an error
      // event or a timeout while reading on only ends the grace (a caller's abort still rejects).
      if ((drain === 'off' && !complete) || attempt.signal.aborted)
        throw fail(error, 'body', runner.totalChars);
      if (drain === 'grace') drain = 'runaway';
    } finally {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      onContent = () => false;
    }

    const text = parts.join('');
    const { decision } = runner;
    const { ttftMs } = state;
    // A whole answer counts as one "delta", which is no token count: without server usage, say nothing.
    const usage =
      state.whole && !accumulator.hasUsage
        ? { ...accumulator.usage(0), completionTokens: null }
        : accumulator.usage(runner.deltas);
    const model = accumulator.model;
    const kept = decision === undefined ? text : text.slice(0, decision.end);
    if (state.capped && decision === undefined) {
      return { text: kept, finishReason: 'length', stopper: null, usage, ttftMs, model };
    }
    // A whole answer was not cut short when the stopper only dropped trailing whitespace.
    const natural = decision === undefined || drain === 'natural' || (state.whole && kept === text.trimEnd());
    if (!natural) {
      attempt.onEvent?.({ type: 'stopped-early', stopper: decision.stopper });
      return {
        text: kept,
        finishReason: 'stopper',
        stopper: decision.stopper,
        usage,
        ttftMs,
        model,
      };
    }
    return {
      text: kept,
      finishReason: accumulator.finishReason(kept),
      stopper: null,
      usage,
      ttftMs,
      model,
      ...(accumulator.refusal === '' ? {} : { refusal: accumulator.refusal }),
    };
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

/** Read a body as UTF-8 text, up to `limit` bytes; the rest is not read and the body is destroyed. */
async function readText(
  body: Dispatcher.ResponseData['body'],
  limit: number,
  onBytes: () => void = () => undefined,
): Promise<string> {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let size = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    onBytes();
    size += chunk.byteLength;
    text += decoder.decode(chunk, { stream: true });
    if (size >= limit) break;
  }
  return text + decoder.decode();
}

function parseErrorEvent(data: string): unknown {
  try {
    const parsed: unknown = JSON.parse(data);
    return typeof parsed === 'object' && parsed !== null && 'error' in parsed ? parsed.error : parsed;
  } catch {
    return data.trim() === '' ? 'an error event without details' : data;
  }
}

function describeBody(text: string): string {
  const message = extractServerMessage(text);
  return message === undefined ? '' : `: ${message}`;
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
