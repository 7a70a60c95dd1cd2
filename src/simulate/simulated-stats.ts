import type { AnswerFormat } from './build-answer.js';
import type { SimulatedFaultKind } from './simulated-server-options.js';

/**
 * What the simulated server recorded about one chat-completion request. Times are `performance.now()`
 * milliseconds of the server's process, so a benchmark in the same process can set them against its own.
 */
export interface SimulatedRequestRecord {
  /** The completion id sent to the client (`chatcmpl-...`). */
  readonly id: string;
  readonly stream: boolean;
  readonly format: AnswerFormat;
  /** HTTP status answered. */
  readonly status: number;
  /** The fault injected into this request, if any. */
  readonly fault: SimulatedFaultKind | null;
  /** Whether the answer runs away past its natural end. */
  readonly runaway: boolean;
  /** Size of the request's first image, when it could be read. */
  readonly imageWidth: number | null;
  readonly imageHeight: number | null;
  readonly promptTokens: number;
  /** The token cap in force: the request's, else `defaultMaxTokens`. */
  readonly maxTokens: number;
  /** Length of the natural answer, tokens. */
  readonly naturalTokens: number;
  /** Tokens generated (and sent, unless the client had gone). */
  readonly tokens: number;
  /** Tokens generated past the natural end (runaway answers only). */
  readonly afterEnd: number;
  /** How the answer finished; `null` while running, or when it was cut, failed or abandoned. */
  readonly finishReason: 'stop' | 'length' | null;
  /** The client closed the connection before the answer finished. */
  readonly disconnected: boolean;
  /** When the request body had been read. */
  readonly startedAt: number;
  /** When the request got a batch slot; `null` while queued. */
  readonly admittedAt: number | null;
  readonly firstTokenAt: number | null;
  /** When the last token of the natural answer (e.g. `</doctag>`) was sent. */
  readonly naturalEndAt: number | null;
  /** When generation ended for any reason: finished, cut, failed or the client went away. */
  readonly endedAt: number | null;
}

/** Counters of a simulated server since it started or since `resetStats()`. */
export interface SimulatedStats {
  /** Chat-completion requests received (bad requests included). */
  readonly requests: number;
  /** Requests rejected as malformed (HTTP 400/413). */
  readonly badRequests: number;
  /** Sequences holding a batch slot now (prefilling or decoding). */
  readonly active: number;
  /** Sequences waiting for a slot now. */
  readonly queued: number;
  /** Most sequences that held a slot at once. */
  readonly maxActive: number;
  /** Answers that finished with `stop` or `length`. */
  readonly completed: number;
  /** Requests whose client went away before the answer finished. */
  readonly disconnects: number;
  readonly tokensGenerated: number;
  /** Tokens generated past answers' natural ends (runaway mode only). */
  readonly tokensAfterNaturalEnd: number;
  readonly promptTokens: number;
  /** Faults injected, by kind. */
  readonly faults: Readonly<Record<SimulatedFaultKind, number>>;
  /** Per-request records, oldest first (at most `maxRecords`). */
  readonly records: readonly SimulatedRequestRecord[];
}

/** A record the server updates while the request runs. */
export type MutableRequestRecord = {
  -readonly [K in keyof SimulatedRequestRecord]: SimulatedRequestRecord[K];
};

/** The server's mutable counters; `snapshot` copies them for callers. */
export class StatsRecorder {
  requests = 0;
  badRequests = 0;
  completed = 0;
  disconnects = 0;
  tokensGenerated = 0;
  tokensAfterNaturalEnd = 0;
  promptTokens = 0;
  faults: Record<SimulatedFaultKind, number> = emptyFaults();
  #records: MutableRequestRecord[] = [];
  #maxRecords: number;

  constructor(maxRecords: number) {
    this.#maxRecords = maxRecords;
  }

  set maxRecords(value: number) {
    this.#maxRecords = value;
    this.#trim();
  }

  /** Keep a record (the server goes on mutating it until the request ends). */
  add(record: MutableRequestRecord): void {
    this.#records.push(record);
    this.#trim();
  }

  reset(): void {
    this.requests = 0;
    this.badRequests = 0;
    this.completed = 0;
    this.disconnects = 0;
    this.tokensGenerated = 0;
    this.tokensAfterNaturalEnd = 0;
    this.promptTokens = 0;
    this.faults = emptyFaults();
    this.#records = [];
  }

  snapshot(active: number, queued: number, maxActive: number): SimulatedStats {
    return {
      requests: this.requests,
      badRequests: this.badRequests,
      active,
      queued,
      maxActive,
      completed: this.completed,
      disconnects: this.disconnects,
      tokensGenerated: this.tokensGenerated,
      tokensAfterNaturalEnd: this.tokensAfterNaturalEnd,
      promptTokens: this.promptTokens,
      faults: { ...this.faults },
      records: this.#records.map((record) => ({ ...record })),
    };
  }

  #trim(): void {
    // Dropping in one splice keeps long benchmark runs from paying a shift per request.
    const excess = this.#records.length - this.#maxRecords;
    if (excess > 0) this.#records.splice(0, Math.max(excess, Math.ceil(this.#maxRecords / 8)));
  }
}

function emptyFaults(): Record<SimulatedFaultKind, number> {
  return { '429': 0, '500': 0, '503': 0, cut: 0, stall: 0, 'stream-error': 0 };
}
