import { DEFAULT_LOOKBACK, type GenerationStopper } from './generation-stopper.js';

/** Which stopper fired, and where the answer ends (absolute character offset). */
export interface StopDecision {
  readonly stopper: string;
  readonly end: number;
}

/**
 * Feeds an answer's deltas to a set of stoppers. It keeps only a bounded tail of the answer (the
 * largest look-back), so each delta costs at most `lookback + delta.length` characters per stopper,
 * whatever the answer's length.
 */
export interface StopperRunner {
  /**
   * Add a content delta and ask every stopper, in order.
   * @returns the first stopper's decision, or `undefined` to go on. After a decision, further pushes
   *   return that same decision without asking again.
   */
  push(delta: string): StopDecision | undefined;
  /** Characters of the answer so far. */
  readonly totalChars: number;
  /** Content deltas so far. */
  readonly deltas: number;
  /** The decision, once a stopper has fired. */
  readonly decision: StopDecision | undefined;
  /** Total characters of window shown to stoppers so far (a cost counter, for tests and benchmarks). */
  readonly charsShown: number;
}

/**
 * Create a {@link StopperRunner} for one answer (one attempt: a retried request needs a new runner).
 *
 * @example
 * ```ts
 * const runner = createStopperRunner([createClosingTagStopper()]);
 * for await (const delta of deltas) if (runner.push(delta)) break;
 * ```
 */
export function createStopperRunner(stoppers: readonly GenerationStopper[]): StopperRunner {
  const lookbacks = stoppers.map((s) => Math.max(0, Math.floor(s.lookback ?? DEFAULT_LOOKBACK)));
  const maxLookback = Math.max(0, ...lookbacks);
  let tail = '';
  let totalChars = 0;
  let deltas = 0;
  let charsShown = 0;
  let decision: StopDecision | undefined;

  return {
    get totalChars() {
      return totalChars;
    },
    get deltas() {
      return deltas;
    },
    get charsShown() {
      return charsShown;
    },
    get decision() {
      return decision;
    },
    push(delta) {
      if (decision !== undefined) return decision;
      if (delta.length === 0) return undefined;
      deltas++;
      totalChars += delta.length;
      const buffer = tail + delta;
      // Absolute offset of buffer[0].
      const bufferOffset = totalChars - buffer.length;
      for (const [i, stopper] of stoppers.entries()) {
        const lookback = lookbacks[i] ?? DEFAULT_LOOKBACK;
        const from = Math.max(0, buffer.length - delta.length - lookback);
        const window = from === 0 ? buffer : buffer.slice(from);
        charsShown += window.length;
        const answer = stopper.shouldStop(window, {
          offset: bufferOffset + from,
          totalChars,
          delta,
          deltas,
        });
        if (answer === false) continue;
        const end = answer === true ? totalChars : Math.min(totalChars, Math.max(0, Math.floor(answer.end)));
        decision = { stopper: stopper.name, end };
        return decision;
      }
      tail = buffer.length > maxLookback ? buffer.slice(buffer.length - maxLookback) : buffer;
      return undefined;
    },
  };
}
