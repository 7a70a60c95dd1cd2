import type { GenerationStopper } from './generation-stopper.js';

/** Limits for {@link createMaxLengthStopper}; at least one must be set. */
export interface MaxLengthStopperOptions {
  /** Stop once the answer has this many characters, and cut it to exactly this length. @default none */
  readonly chars?: number | undefined;
  /** Stop once this many content deltas (about one token each) have arrived; the text is kept. @default none */
  readonly tokens?: number | undefined;
}

/**
 * Stop when the answer grows past a length: a client-side cap that works even when the server ignores
 * `max_tokens`. Needs no look-back at all: it only reads the counters.
 *
 * @example
 * ```ts
 * const stopper = createMaxLengthStopper({ chars: 20_000 });
 * ```
 */
export function createMaxLengthStopper(options: MaxLengthStopperOptions): GenerationStopper {
  const { chars, tokens } = options;
  if (chars === undefined && tokens === undefined) {
    throw new RangeError('createMaxLengthStopper needs `chars` or `tokens`');
  }
  for (const [key, value] of [
    ['chars', chars],
    ['tokens', tokens],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new RangeError(`${key} must be a positive integer; got ${value}`);
    }
  }
  return {
    name: 'max-length',
    lookback: 0,
    shouldStop(_window, { totalChars, deltas }) {
      if (chars !== undefined && totalChars >= chars) return { end: chars };
      if (tokens !== undefined && deltas >= tokens) return true;
      return false;
    },
  };
}
