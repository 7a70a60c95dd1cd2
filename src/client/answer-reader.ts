import { IncompleteStreamError, InvalidResponseError } from '../errors.js';
import { createStopperRunner, type StopperRunner } from '../stoppers/create-stopper-runner.js';
import type { GenerationStopper } from '../stoppers/generation-stopper.js';
import { CompletionAccumulator, toStreamError } from './completion-accumulator.js';
import type { CompletionEvent, CompletionResult } from './completion-result.js';
import { parseEventStream, type StreamEvent } from './parse-event-stream.js';

/** How long the stream is read on after `[DONE]` for the server to end the response (so the socket is reused). */
const AFTER_DONE_MS = 1000;

/** Abort reason used when a stopper ends the answer: the request is cancelled on purpose. */
class StoppedEarly extends Error {}

/** What one attempt produced; the retry loop adds the totals over all attempts. */
export type AttemptResult = Omit<CompletionResult, 'totalMs' | 'retries'>;

/** The limits and hooks of one attempt's answer. */
export interface AnswerReaderSettings {
  readonly stoppers: readonly GenerationStopper[];
  readonly maxAnswerChars: number;
  readonly maxEvents: number;
  readonly stopGraceMs: number;
  /** When the request was sent: the time to first token counts from here. */
  readonly sentAt: number;
  readonly onEvent: ((event: CompletionEvent) => void) | undefined;
  /** The attempt's request: aborted to cut the server off (a stopper, a cap, the end of a grace). */
  readonly controller: AbortController;
  /** Blanks secrets out of text before it enters an error message. */
  readonly redact: (text: string) => string;
  /** Blanks secrets out of a chunk only when it carries an `error` object (answers are left alone). */
  readonly forErrors: (text: string) => string;
}

/**
 * The answer of one attempt as it arrives: its text, time to first token, the stoppers' decision and
 * the hard caps on characters and events, and, after a stopper fired, the grace that tells a natural
 * end from a model running on. It reads a server-sent event stream ({@link AnswerReader.readStream})
 * or takes a whole non-streamed answer ({@link AnswerReader.takeWhole}), then builds the attempt's
 * result ({@link AnswerReader.result}). One reader per attempt: a retry starts afresh.
 */
export class AnswerReader {
  readonly #settings: AnswerReaderSettings;
  readonly #accumulator = new CompletionAccumulator();
  readonly #runner: StopperRunner;
  readonly #parts: string[] = [];
  #ttftMs: number | null = null;
  /** The answer came whole (not streamed): it counts as one delta, which is no token count. */
  #whole = false;
  /** The answer passed the hard cap; the request was aborted and the answer ends with `length`. */
  #capped = false;
  /**
   * After a stopper's decision: `grace` while reading on, then `natural` (the server finished by
   * itself) or `runaway` (it went on, or the grace ran out: the request was aborted).
   */
  #drain: 'off' | 'grace' | 'natural' | 'runaway' = 'off';
  /** Ends the grace after a stopper fired, or the read-on after `[DONE]`. */
  #graceTimer: NodeJS.Timeout | undefined;
  #received = 0;
  #events = 0;
  #done = false;
  /** Once the attempt is over nothing more enters the answer. */
  #closed = false;

  constructor(settings: AnswerReaderSettings) {
    this.#settings = settings;
    this.#runner = createStopperRunner(settings.stoppers);
  }

  /** Characters of the answer so far (for an {@link IncompleteStreamError}). */
  get receivedChars(): number {
    return this.#runner.totalChars;
  }

  /**
   * Read the answer from a server-sent event stream, to its end or until it is cut.
   * @param onActivity - called for every event (the idle limit restarts).
   * @throws StreamError for an error the server sent; InvalidResponseError for an event that is not
   *   JSON; IncompleteStreamError when the stream ended before the answer did.
   */
  async readStream(body: AsyncIterable<Uint8Array>, onActivity: () => void): Promise<void> {
    // Only events count as a sign of life: a server that sends nothing but keep-alive comments after
    // its first token is stuck, and would otherwise hold the page forever (there is no page deadline
    // by default). Before the first event the first-token limit runs, whatever arrives.
    for await (const event of parseEventStream(body, undefined, this.#settings.redact)) {
      onActivity();
      if (this.#done) continue; // nothing after [DONE] counts; read on so the connection can be reused
      if (!this.#takeEvent(event)) break;
    }
    // The end of the stream during the grace is a natural end too.
    if (this.#drain === 'grace') this.#drain = 'natural';
    if (
      this.#runner.decision === undefined &&
      !this.#capped &&
      !this.#done &&
      this.#accumulator.rawFinishReason === undefined
    ) {
      throw new IncompleteStreamError(this.#runner.totalChars);
    }
  }

  /** Take a whole non-streamed completion as the answer. */
  takeWhole(completion: object): void {
    // Stoppers still trim a whole answer (text after </doctag>, a repeated tail); one "delta".
    this.#whole = true;
    const content = this.#accumulator.add(completion);
    if (content !== '') this.#addContent(content);
  }

  /**
   * Whether the answer stands although reading it failed, and the failure is to be dropped. After
   * [DONE] the answer is complete: only the server's slowness to end the response is cut. Once a
   * stopper has decided, the answer is complete: the grace timer's abort, a cut, an error event or a
   * timeout while reading on only ends the grace. (A caller's abort always rejects: not asked here.)
   * @param timedOut - whether a time limit of the attempt ran out.
   */
  survives(timedOut: boolean): boolean {
    const complete = this.#done && !timedOut;
    if (this.#drain === 'off' && !complete) return false;
    if (this.#drain === 'grace') this.#drain = 'runaway';
    return true;
  }

  /** Stop the grace timer; nothing more enters the answer. */
  close(): void {
    clearTimeout(this.#graceTimer);
    this.#closed = true;
  }

  /** The attempt's result; emits `stopped-early` when a stopper cut the answer short. */
  result(): AttemptResult {
    const accumulator = this.#accumulator;
    const text = this.#parts.join('');
    const { decision } = this.#runner;
    const ttftMs = this.#ttftMs;
    // A whole answer counts as one "delta", which is no token count: without server usage, say nothing.
    const usage =
      this.#whole && !accumulator.hasUsage
        ? { ...accumulator.usage(0), completionTokens: null }
        : accumulator.usage(this.#runner.deltas);
    const model = accumulator.model;
    const kept = decision === undefined ? text : text.slice(0, decision.end);
    if (this.#capped && decision === undefined) {
      return { text: kept, finishReason: 'length', stopper: null, usage, ttftMs, model };
    }
    // A whole answer was not cut short when the stopper only dropped trailing whitespace.
    const natural =
      decision === undefined || this.#drain === 'natural' || (this.#whole && kept === text.trimEnd());
    if (!natural) {
      this.#settings.onEvent?.({ type: 'stopped-early', stopper: decision.stopper });
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

  /** One event before [DONE]. @returns false when the request was cut and reading stops. */
  #takeEvent(event: StreamEvent): boolean {
    const { redact, forErrors } = this.#settings;
    const data = forErrors(event.data).trim();
    if (event.event === 'error') throw toStreamError(parseErrorEvent(redact(data)));
    if (data === '[DONE]') {
      this.#takeDone();
      return true;
    }
    if (this.#drain === 'off' && ++this.#events > this.#settings.maxEvents) {
      this.#capped = true;
      this.#abort();
      return false;
    }
    if (data === '') return true;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch (error) {
      // An event cut off by the end of the stream is a broken stream, judged after the loop.
      if (event.atEnd) return true;
      throw new InvalidResponseError(`a stream event was not JSON: ${preview(redact(data))}`, {
        cause: error,
      });
    }
    const delta = this.#accumulator.add(chunk);
    if (this.#drain === 'off') return this.#takeAnswerDelta(delta);
    if (this.#drain === 'grace') return this.#takeGraceDelta(delta);
    return true; // natural end: only waiting for usage and [DONE]
  }

  #takeDone(): void {
    this.#done = true;
    if (this.#drain === 'grace') this.#drain = 'natural';
    // A server that keeps the response open after [DONE] only costs the socket, never the answer.
    this.#graceTimer ??= setTimeout(() => {
      this.#abort();
    }, AFTER_DONE_MS);
  }

  /** A delta before any stopper fired. @returns false when the request was cut. */
  #takeAnswerDelta(delta: string): boolean {
    const stop = delta !== '' && this.#addContent(delta);
    if (this.#capped && !stop) {
      // Past the hard cap with no stopper deciding: cut the server off now.
      this.#abort();
      return false;
    }
    if (!stop) return true;
    this.#drain = 'grace';
    if (this.#settings.stopGraceMs === 0) {
      this.#drain = 'runaway';
      this.#abort();
      return false;
    }
    this.#graceTimer = setTimeout(() => {
      this.#abort();
    }, this.#settings.stopGraceMs);
    // The chunk that completed the answer may itself carry the finish reason (and usage).
    if (this.#accumulator.rawFinishReason !== undefined) this.#drain = 'natural';
    return true;
  }

  /** A delta read on during the grace; it never enters the text. @returns false when the request was cut. */
  #takeGraceDelta(delta: string): boolean {
    // A finish reason on the chunk means the model ended there, even if the chunk had content.
    if (this.#accumulator.rawFinishReason !== undefined) {
      this.#drain = 'natural';
    } else if (delta !== '') {
      // Running on: cut it now, so the server generates at most what is already in flight.
      this.#drain = 'runaway';
      this.#abort();
      return false;
    }
    return true;
  }

  /** Add content to the answer, up to the hard cap. @returns true once a stopper has decided. */
  #addContent(delta: string): boolean {
    if (this.#closed) return false;
    if (this.#ttftMs === null) {
      this.#ttftMs = performance.now() - this.#settings.sentAt;
      this.#settings.onEvent?.({ type: 'first-token', ttftMs: this.#ttftMs });
    }
    const room = this.#settings.maxAnswerChars - this.#received;
    if (delta.length > room) {
      this.#capped = true;
      delta = delta.slice(0, room);
    }
    this.#received += delta.length;
    this.#parts.push(delta);
    return this.#runner.push(delta) !== undefined;
  }

  #abort(): void {
    this.#settings.controller.abort(new StoppedEarly());
  }
}

function parseErrorEvent(data: string): unknown {
  try {
    const parsed: unknown = JSON.parse(data);
    return typeof parsed === 'object' && parsed !== null && 'error' in parsed ? parsed.error : parsed;
  } catch {
    return data.trim() === '' ? 'an error event without details' : data;
  }
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
