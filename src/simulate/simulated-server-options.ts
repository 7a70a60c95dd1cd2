import { z } from 'zod';
import { InvalidOptionsError } from '../errors.js';

/** A fault the simulated server can inject into one request. */
export type SimulatedFaultKind =
  /** HTTP 429 with `Retry-After` (and `retry-after-ms`) before any generation. */
  | '429'
  /** HTTP 500 before any generation. */
  | '500'
  /** HTTP 503 before any generation. */
  | '503'
  /** The stream is cut half-way through the answer: the socket is closed without a finish chunk or `[DONE]`. */
  | 'cut'
  /** The server stops sending for `stallMs` a third of the way through the answer, then goes on. */
  | 'stall'
  /** Half-way through, the stream carries an OpenAI-style `{"error":{...}}` event, then `[DONE]`. */
  | 'stream-error';

/**
 * One entry of a fault script: a fault, `'ok'` (a normal answer), `'runaway'` (a normal request whose
 * answer runs away past its natural end until the token cap) or `'invalid-json'` (an extraction request
 * answered with text that is not valid JSON).
 */
export type SimulatedScriptEntry = SimulatedFaultKind | 'ok' | 'runaway' | 'invalid-json';

/** The answer format: chosen from the prompt (`'auto'`) or forced. */
export type SimulatedAnswerFormat = 'auto' | 'doctags' | 'markdown' | 'html' | 'text';

/**
 * Faults injected on demand. Rates are drawn per request, deterministically from the seed, the request's
 * image and how many times that image was requested before (so a retry of a page rolls again, and the
 * outcome does not depend on the order concurrent requests arrive in). A script, when given, wins:
 * its entries are consumed one per chat-completion request in arrival order, then the rates apply again.
 */
export interface SimulatedFaults {
  /** Share of requests answered with HTTP 429, 0..1. @default 0 */
  readonly rate429?: number | undefined;
  /** `Retry-After` sent with a 429, in seconds (also sent as `retry-after-ms`). @default 1 */
  readonly retryAfterSeconds?: number | undefined;
  /** Share of requests answered with HTTP 500, 0..1. @default 0 */
  readonly rate5xx?: number | undefined;
  /** Share of requests whose stream is cut half-way, 0..1. @default 0 */
  readonly cutRate?: number | undefined;
  /** Share of requests that stall for `stallMs` a third of the way through, 0..1. @default 0 */
  readonly stallRate?: number | undefined;
  /** Length of a stall in wall-clock ms; not multiplied by `timeScale` (stalls exist to test timeouts). @default 2000 */
  readonly stallMs?: number | undefined;
  /** Share of requests that report an error mid-stream, 0..1. @default 0 */
  readonly streamErrorRate?: number | undefined;
  /** Exact outcomes for the next requests, consumed in arrival order. @default [] */
  readonly script?: readonly SimulatedScriptEntry[] | undefined;
}

/** Options of {@link startSimulatedServer}. Every field is optional. */
export interface SimulatedServerOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 0 */
  readonly port?: number | undefined;
  /** Model name reported by `/v1/models` and in answers when the request names none. @default 'pagestream-sim' */
  readonly model?: string | undefined;
  /** Seed of every deterministic choice (answer text and length, runaway and fault rolls). @default 0 */
  readonly seed?: number | string | undefined;
  /** Sequences decoding at once; the rest wait in FIFO order, like vLLM's `max_num_seqs`. @default 16 */
  readonly capacity?: number | undefined;
  /** Delay before a sequence's first token once it has a batch slot, ms. @default 30 */
  readonly prefillMs?: number | undefined;
  /** Extra prefill per megapixel of the request's images, ms. @default 10 */
  readonly prefillMsPerMegapixel?: number | undefined;
  /** Fixed cost of one decode step (one token for every decoding sequence), ms. @default 8 */
  readonly stepMs?: number | undefined;
  /** Extra cost of a decode step per decoding sequence, ms. @default 0.5 */
  readonly stepMsPerSequence?: number | undefined;
  /** Multiplies prefill and decode times; 0.05 runs the model 20 times faster. @default 1 */
  readonly timeScale?: number | undefined;
  /** Shortest natural answer, tokens. @default 40 */
  readonly minTokens?: number | undefined;
  /** Longest natural answer, tokens (the request's `max_tokens` may cut it shorter). @default 200 */
  readonly maxTokens?: number | undefined;
  /** Token cap of requests that send neither `max_tokens` nor `max_completion_tokens`. @default 4096 */
  readonly defaultMaxTokens?: number | undefined;
  /** Answer format; `'auto'` picks it from the prompt text (docling/doctags, markdown, html, else text). @default 'auto' */
  readonly answerFormat?: SimulatedAnswerFormat | undefined;
  /** Every answer runs away: after its natural end it repeats its last element until the token cap. @default false */
  readonly runaway?: boolean | undefined;
  /** Share of answers that run away, 0..1, drawn per page from the seed. @default 0 */
  readonly runawayRate?: number | undefined;
  /** Faults to inject. @default no faults */
  readonly faults?: SimulatedFaults | undefined;
  /** Per-request records kept for `stats()`; the oldest are dropped beyond this. @default 10000 */
  readonly maxRecords?: number | undefined;
  /** Largest request body accepted; bigger ones get HTTP 413. @default 67108864 (64 MiB) */
  readonly maxBodyBytes?: number | undefined;
  /**
   * Answer requests carrying `response_format: {type: 'json_schema'}` with HTTP 400, as servers
   * without structured output do. Requests with a JSON Schema in the prompt are answered with JSON
   * that fits it either way. @default false
   */
  readonly rejectResponseFormat?: boolean | undefined;
}

/** Options that {@link SimulatedServer.configure} may change while the server runs (all but `port`). */
export type SimulatedServerConfig = Omit<SimulatedServerOptions, 'port'>;

const rate = z.number().min(0).max(1);
const nonNegative = z.number().min(0).max(3_600_000);
const count = z.number().int().positive();

const scriptEntry = z.enum([
  '429',
  '500',
  '503',
  'cut',
  'stall',
  'stream-error',
  'ok',
  'runaway',
  'invalid-json',
]);

const faultsSchema = z.strictObject({
  rate429: rate.default(0),
  retryAfterSeconds: z.number().min(0).max(86_400).default(1),
  rate5xx: rate.default(0),
  cutRate: rate.default(0),
  stallRate: rate.default(0),
  stallMs: nonNegative.default(2000),
  streamErrorRate: rate.default(0),
  script: z.array(scriptEntry).readonly().default([]),
});

const optionsSchema = z
  .strictObject({
    port: z.number().int().min(0).max(65_535).default(0),
    model: z.string().min(1).default('pagestream-sim'),
    seed: z.union([z.number().int(), z.string()]).default(0),
    capacity: count.max(4096).default(16),
    prefillMs: nonNegative.default(30),
    prefillMsPerMegapixel: nonNegative.default(10),
    stepMs: nonNegative.default(8),
    stepMsPerSequence: nonNegative.default(0.5),
    timeScale: z.number().min(0).max(1000).default(1),
    minTokens: count.default(40),
    maxTokens: count.default(200),
    defaultMaxTokens: count.default(4096),
    answerFormat: z.enum(['auto', 'doctags', 'markdown', 'html', 'text']).default('auto'),
    runaway: z.boolean().default(false),
    runawayRate: rate.default(0),
    faults: faultsSchema.default(() => faultsSchema.parse({})),
    maxRecords: z.number().int().min(0).default(10_000),
    maxBodyBytes: count.default(64 * 2 ** 20),
    rejectResponseFormat: z.boolean().default(false),
  })
  .refine((o) => o.minTokens <= o.maxTokens, {
    error: 'minTokens must not exceed maxTokens',
    path: ['minTokens'],
  });

/** Options after validation, with defaults applied. */
export type ResolvedSimulatedServerOptions = z.output<typeof optionsSchema>;
/** Faults after validation, with defaults applied. */
export type ResolvedSimulatedFaults = z.output<typeof faultsSchema>;

/**
 * Validate simulated-server options (or `current` merged with a runtime change) and apply defaults.
 * `faults` given in `change` replaces the current faults as a whole, so a test states every fault it wants.
 * @throws InvalidOptionsError naming every bad field.
 */
export function resolveSimulatedServerOptions(
  change: SimulatedServerOptions = {},
  current?: ResolvedSimulatedServerOptions,
): ResolvedSimulatedServerOptions {
  const defined = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
  const merged: unknown = current ? { ...current, ...defined } : defined;
  const parsed = optionsSchema.safeParse(merged);
  if (parsed.success) return parsed.data;
  throw new InvalidOptionsError(`invalid simulated server options:\n${z.prettifyError(parsed.error)}`, {
    cause: parsed.error,
  });
}
