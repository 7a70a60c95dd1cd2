import type { GenerationStopper } from './generation-stopper.js';

/**
 * Client-side stop strings: stop at the first occurrence of any of `strings` and cut the answer just
 * before it (the stop string is not kept, as with the server-side `stop` field). Servers that ignore
 * `stop` are covered too, and the socket closes at once instead of when the server notices.
 *
 * @example
 * ```ts
 * const stopper = createStopStringsStopper(['<|im_end|>', '</html>']);
 * ```
 */
export function createStopStringsStopper(strings: readonly string[]): GenerationStopper {
  const needles = strings.filter((s) => s.length > 0);
  if (needles.length === 0) throw new RangeError('createStopStringsStopper needs a non-empty string');
  return {
    name: 'stop-string',
    // A stop string split across deltas ends in the newest delta, so it starts at most
    // `length - 1` characters before it.
    lookback: Math.max(...needles.map((s) => s.length)),
    shouldStop(window, { offset }) {
      let first = -1;
      for (const needle of needles) {
        const at = window.indexOf(needle);
        if (at !== -1 && (first === -1 || at < first)) first = at;
      }
      return first === -1 ? false : { end: offset + first };
    },
  };
}
