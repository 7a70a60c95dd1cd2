import type { GenerationStopper } from './generation-stopper.js';

/**
 * Stop as soon as the answer's top-level JSON object or array is complete, and cut whatever follows it
 * (a closing code fence, "Hope this helps!", a second object). Text before the first `{` or `[` (a
 * ```` ```json ```` fence, a preamble) is skipped, not judged.
 *
 * It reads each delta once and keeps only a small state (nesting depth, inside a string, after a
 * backslash), so it needs no look-back and never rescans the answer: braces and brackets inside
 * strings, and escaped quotes, do not count. A top-level scalar (`"text"`, `42`) is not watched: its
 * end cannot be told before the next character.
 *
 * The state belongs to one answer at a time: the stopper resets itself at an answer's first delta (a
 * retry starts over), but one stopper must not watch two answers at once. Create one per request.
 *
 * @example
 * ```ts
 * const stoppers = [createJsonStopper()];
 * await client.complete({ image, prompt, stoppers });
 * ```
 */
export function createJsonStopper(): GenerationStopper {
  let started = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  return {
    name: 'json-complete',
    lookback: 0,
    shouldStop(_window, { delta, deltas, totalChars }) {
      if (deltas === 1) {
        started = false;
        depth = 0;
        inString = false;
        escaped = false;
      }
      const offset = totalChars - delta.length;
      for (let i = 0; i < delta.length; i++) {
        const char = delta.charCodeAt(i);
        if (!started) {
          if (char !== OPEN_BRACE && char !== OPEN_BRACKET) continue;
          started = true;
        }
        if (inString) {
          if (escaped) escaped = false;
          else if (char === BACKSLASH) escaped = true;
          else if (char === QUOTE) inString = false;
        } else if (char === QUOTE) inString = true;
        else if (char === OPEN_BRACE || char === OPEN_BRACKET) depth++;
        else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
          depth--;
          if (depth === 0) return { end: offset + i + 1 };
        }
      }
      return false;
    },
  };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
