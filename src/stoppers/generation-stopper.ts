/**
 * A GenerationStopper watches an answer as it streams and says when it is complete (or has gone wrong)
 * so the request can be aborted early: the connection closes, the server stops generating, and nobody
 * pays for tokens after the answer is done.
 *
 * Stoppers are pure and synchronous. They are asked after every delta, and only see the last `lookback`
 * characters of the answer, so the cost per chunk does not grow with the answer's length.
 *
 * @example
 * ```ts
 * const stopAtEndMarker: GenerationStopper = {
 *   name: 'end-marker',
 *   lookback: 64,
 *   shouldStop: (window, { offset }) => {
 *     const at = window.indexOf('<!-- end -->');
 *     return at === -1 ? false : { end: offset + at };
 *   },
 * };
 * ```
 */
export interface GenerationStopper {
  /** Name reported in results (`stopper`) when this stopper fires. */
  readonly name: string;
  /**
   * How many trailing characters of the answer `shouldStop` needs to see. The window always covers the
   * newest delta in full, even when the delta is longer than this.
   * @default 256
   */
  readonly lookback?: number;
  /**
   * Decide whether to stop after a delta arrived.
   * @param window - the last `lookback` characters of the answer so far (plus the whole newest delta).
   * @param context - where the window sits in the whole answer, and counts so far.
   * @returns `false` to go on; `true` to stop and keep the whole text; `{ end }` to stop and keep the
   *   answer up to the absolute character offset `end` (used to drop a repeated tail or text after a
   *   closing tag).
   */
  shouldStop(window: string, context: StopperContext): boolean | StopAt;
}

/** What a stopper knows besides its window. */
export interface StopperContext {
  /** Absolute character offset of `window[0]` in the whole answer. */
  readonly offset: number;
  /** Characters in the whole answer so far. */
  readonly totalChars: number;
  /** The newest delta (also the end of `window`). */
  readonly delta: string;
  /** Content deltas received so far: a close local estimate of completion tokens. */
  readonly deltas: number;
}

/** Stop and keep the answer up to the absolute character offset `end`. */
export interface StopAt {
  readonly end: number;
}

/** Default look-back window in characters. */
export const DEFAULT_LOOKBACK = 256;
