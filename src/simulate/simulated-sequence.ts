import type { ServerResponse } from 'node:http';
import type { BatchMember } from './batch-scheduler.js';
import type { SimulatedAnswer } from './build-answer.js';
import type { MutableRequestRecord, StatsRecorder } from './simulated-stats.js';

/** Everything a sequence needs, fixed when the request is accepted. */
export interface SequenceInit {
  readonly response: ServerResponse;
  readonly record: MutableRequestRecord;
  readonly stats: StatsRecorder;
  readonly answer: SimulatedAnswer;
  readonly model: string;
  readonly created: number;
  readonly includeUsage: boolean;
  readonly stop: readonly string[];
  /** Prefill time once admitted, ms (already scaled). */
  readonly prefillMs: number;
  /** Stall length, ms, for a `stall` fault. */
  readonly stallMs: number;
}

/** Tokens after which an injected fault strikes, as a share of the tokens the answer will have. */
const FAULT_POINT = { cut: 1 / 2, stall: 1 / 3, 'stream-error': 1 / 2 } as const;

/**
 * One request's generation: pulls tokens from its answer (and past the natural end when it runs away),
 * writes one SSE chunk per decode step, injects its fault, and records what happened.
 */
export class SimulatedSequence implements BatchMember {
  readyAt = Infinity;
  #init: SequenceInit;
  #done = false;
  #faultAt: number;
  #stalled = false;
  /** Chunk text before and after the JSON-encoded content of a delta: built once, not per token. */
  #prefix: string;
  #suffix = '},"logprobs":null,"finish_reason":null}]}\n\n';
  /** The answer so far: kept for non-streamed answers and for matching stop strings. */
  #text = '';
  #longestStop: number;
  #loop: readonly string[] = [];
  #loopIndex = 0;
  #loopK = 0;

  constructor(init: SequenceInit) {
    this.#init = init;
    this.#longestStop = Math.max(0, ...init.stop.map((stop) => stop.length));
    const { record } = init;
    const planned = Math.min(record.runaway ? record.maxTokens : record.naturalTokens, record.maxTokens);
    const share =
      record.fault === 'cut' || record.fault === 'stall' || record.fault === 'stream-error'
        ? FAULT_POINT[record.fault]
        : 0;
    this.#faultAt =
      record.fault === 'stall' ? Math.floor(planned * share) : Math.max(1, Math.floor(planned * share));
    this.#prefix = `data: {"id":"${record.id}","object":"chat.completion.chunk","created":${init.created},"model":${JSON.stringify(init.model)},"choices":[{"index":0,"delta":{`;
    if (record.stream) {
      init.response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
      });
      // Headers go out at once, as with vLLM: the client knows it was accepted while it waits in the queue.
      init.response.flushHeaders();
    }
  }

  /** True once the sequence has finished, failed, been cut or abandoned. */
  get done(): boolean {
    return this.#done;
  }

  admit(now: number): void {
    this.#init.record.admittedAt = now;
    this.readyAt = now + this.#init.prefillMs;
  }

  emit(now: number): boolean {
    const { record, response, stats } = this.#init;
    if (this.#done) return true;
    if (response.destroyed) return this.abandon(now);
    const fault = record.fault;
    if (record.tokens === this.#faultAt && fault !== null) {
      if (fault === 'stall' && !this.#stalled) {
        this.#stalled = true;
        this.readyAt = now + this.#init.stallMs;
        return false;
      }
      if (fault === 'cut') return this.#cut(now);
      if (fault === 'stream-error') return this.#failMidStream(now);
    }

    const token = this.#nextToken(record.tokens);
    record.tokens++;
    stats.tokensGenerated++;
    if (record.tokens > record.naturalTokens) {
      record.afterEnd++;
      stats.tokensAfterNaturalEnd++;
    }
    record.firstTokenAt ??= now;
    if (record.tokens === record.naturalTokens) record.naturalEndAt = now;

    let content = token;
    let finish: 'stop' | 'length' | null = null;
    const { stop } = this.#init;
    if (stop.length > 0 || !record.stream) {
      const before = this.#text.length;
      this.#text += token;
      const at = stop.length > 0 ? firstStop(this.#text, stop, Math.max(0, before - this.#longestStop)) : -1;
      if (at !== -1) {
        // Like vLLM, the stop string itself is not sent (though a part of it that came in earlier
        // tokens of a stream has already gone out: this simulation does not hold text back).
        content = at > before ? this.#text.slice(before, at) : '';
        this.#text = this.#text.slice(0, at);
        finish = 'stop';
      }
    }
    if (finish === null) {
      if (record.tokens >= record.maxTokens) finish = 'length';
      else if (!record.runaway && record.tokens >= record.naturalTokens) finish = 'stop';
    }

    if (record.stream) {
      let chunk = '';
      if (record.tokens === 1) chunk += `${this.#prefix}"role":"assistant","content":""${this.#suffix}`;
      if (content !== '') chunk += `${this.#prefix}"content":${JSON.stringify(content)}${this.#suffix}`;
      if (finish === null) {
        if (chunk !== '') response.write(chunk);
        return false;
      }
      response.end(chunk + this.#finishChunks(finish));
    } else {
      if (finish === null) return false;
      this.#sendJson(finish);
    }
    record.finishReason = finish;
    record.endedAt = now;
    stats.completed++;
    this.#done = true;
    return true;
  }

  /** The client went away: stop generating and count it. */
  abandon(now: number): true {
    if (this.#done) return true;
    this.#done = true;
    this.#init.record.disconnected = true;
    this.#init.record.endedAt = now;
    this.#init.stats.disconnects++;
    return true;
  }

  /** The server is closing: drop the connection without an answer. */
  destroy(now: number): void {
    if (!this.#done) {
      this.#done = true;
      this.#init.record.endedAt = now;
    }
    this.#init.response.destroy();
  }

  #nextToken(index: number): string {
    const natural = this.#init.answer.tokens;
    if (index < natural.length) return natural[index] ?? '';
    while (this.#loopIndex >= this.#loop.length) {
      this.#loop = this.#init.answer.loop(this.#loopK++);
      this.#loopIndex = 0;
      if (this.#loop.length === 0) return '';
    }
    return this.#loop[this.#loopIndex++] ?? '';
  }

  #finishChunks(finish: 'stop' | 'length'): string {
    const { record } = this.#init;
    let text = `${this.#prefix}},"logprobs":null,"finish_reason":"${finish}","stop_reason":null}]}\n\n`;
    if (this.#init.includeUsage) {
      const usage = usageJson(record.promptTokens, record.tokens);
      text += `data: {"id":"${record.id}","object":"chat.completion.chunk","created":${this.#init.created},"model":${JSON.stringify(this.#init.model)},"choices":[],"usage":${usage}}\n\n`;
    }
    return `${text}data: [DONE]\n\n`;
  }

  #sendJson(finish: 'stop' | 'length'): void {
    const { record, response } = this.#init;
    const body = `{"id":"${record.id}","object":"chat.completion","created":${this.#init.created},"model":${JSON.stringify(this.#init.model)},"choices":[{"index":0,"message":{"role":"assistant","content":${JSON.stringify(this.#text)}},"logprobs":null,"finish_reason":"${finish}","stop_reason":null}],"usage":${usageJson(record.promptTokens, record.tokens)}}`;
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  }

  #cut(now: number): true {
    const { record, response } = this.#init;
    this.#done = true;
    record.endedAt = now;
    // Half-close once the tokens already written are flushed, without the chunked terminator: to the
    // client the stream simply stops mid-answer. A non-streamed answer is dropped without a response.
    if (record.stream) response.socket?.destroySoon();
    else response.socket?.destroy();
    return true;
  }

  #failMidStream(now: number): true {
    const { record, response } = this.#init;
    this.#done = true;
    record.endedAt = now;
    const error = {
      message: 'simulated server error in the middle of the stream',
      type: 'InternalServerError',
      param: null,
      code: 500,
    };
    if (record.stream) response.end(`data: ${JSON.stringify({ error })}\n\ndata: [DONE]\n\n`);
    else response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
    return true;
  }
}

function usageJson(promptTokens: number, completionTokens: number): string {
  return `{"prompt_tokens":${promptTokens},"total_tokens":${promptTokens + completionTokens},"completion_tokens":${completionTokens}}`;
}

function firstStop(text: string, stops: readonly string[], from: number): number {
  let first = -1;
  for (const stop of stops) {
    const at = text.indexOf(stop, from);
    if (at !== -1 && (first === -1 || at < first)) first = at;
  }
  return first;
}
