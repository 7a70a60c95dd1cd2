import type { GenerationStopper, StopAt } from './generation-stopper.js';

/** Thresholds of {@link createRepetitionStopper}. Defaults are cautious: a false stop loses content. */
export interface RepetitionStopperOptions {
  /**
   * Characters of look-back. Every detector only ever sees this much (plus the newest delta), so the
   * cost per delta stays constant however long the answer gets.
   * @default 2048
   */
  readonly lookback?: number | undefined;
  /**
   * DocTags: this many adjacent elements with the same tag and text whose `<loc_N>` boxes are
   * identical or step evenly (a model stuck emitting the same cell down the page).
   * @default 4
   */
  readonly minElementRepeats?: number | undefined;
  /** Markdown/HTML/text: this many identical non-blank lines in a row (blank lines between them ignored). @default 10 */
  readonly minLineRepeats?: number | undefined;
  /** Any format: the tail is one unit (an n-gram of any length) repeated at least this many times... @default 8 */
  readonly minPeriodicRepeats?: number | undefined;
  /** ...and the repeated span is at least this many characters (so `-----` rules or dot leaders pass). @default 1024 */
  readonly minPeriodicChars?: number | undefined;
}

const ELEMENT = /<([a-z_]+)>((?:<loc_\d+>){4})([\s\S]*?)<\/\1>/g;
const LOC = /<loc_(\d+)>/g;

/**
 * Stop a model caught in a loop and cut the repeated tail, keeping one copy. Three detectors, all on
 * the bounded window only (Docling's `DocTagsRepetitionStopper` re-parses the whole answer after every
 * chunk, which makes a page quadratic in its length):
 *
 * - DocTags elements repeated with the same tag and text and identical or evenly stepping `<loc_N>` boxes;
 * - identical lines repeated (Markdown, HTML, plain text);
 * - a periodic tail: any n-gram, with or without newlines, repeated back to back.
 *
 * @example
 * ```ts
 * const stopper = createRepetitionStopper({ minLineRepeats: 6 });
 * ```
 */
export function createRepetitionStopper(options: RepetitionStopperOptions = {}): GenerationStopper {
  const lookback = positive('lookback', options.lookback ?? 2048);
  const minElementRepeats = positive('minElementRepeats', options.minElementRepeats ?? 4, 2);
  const minLineRepeats = positive('minLineRepeats', options.minLineRepeats ?? 10, 2);
  const minPeriodicRepeats = positive('minPeriodicRepeats', options.minPeriodicRepeats ?? 8, 2);
  const minPeriodicChars = positive('minPeriodicChars', options.minPeriodicChars ?? 1024);
  const maxPeriod = Math.floor(lookback / minPeriodicRepeats);
  return {
    name: 'repetition',
    lookback,
    shouldStop(window, { offset }) {
      const cut =
        repeatedElements(window, minElementRepeats) ??
        repeatedLines(window, offset === 0, minLineRepeats) ??
        periodicTail(window, maxPeriod, minPeriodicRepeats, minPeriodicChars);
      return cut === undefined ? false : ({ end: offset + cut } satisfies StopAt);
    },
  };
}

function positive(name: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}; got ${value}`);
  }
  return value;
}

interface Element {
  readonly start: number;
  readonly end: number;
  readonly key: string;
  readonly box: readonly number[];
}

/** Window index just after the first element of a trailing run of looping DocTags elements. */
function repeatedElements(window: string, min: number): number | undefined {
  if (!window.includes('<loc_')) return undefined;
  const elements: Element[] = [];
  for (const match of window.matchAll(ELEMENT)) {
    const [whole, tag = '', locs = '', text = ''] = match;
    const box = Array.from(locs.matchAll(LOC), (m) => Number(m[1]));
    elements.push({ start: match.index, end: match.index + whole.length, key: `${tag}\u0000${text}`, box });
  }
  // Only a run that reaches the newest complete element counts: earlier runs would have fired already.
  // Text after it is an element still being written.
  let first = elements.length - 1;
  let step: number[] | undefined;
  while (first > 0) {
    const prev = elements[first - 1];
    const cur = elements[first];
    if (prev === undefined || cur === undefined) break;
    if (prev.key !== cur.key || window.slice(prev.end, cur.start).trim() !== '') break;
    const diff = cur.box.map((v, i) => v - (prev.box[i] ?? 0));
    if (step !== undefined && diff.some((d, i) => d !== step?.[i])) break;
    step = diff;
    first--;
  }
  const run = elements.length - first;
  return run >= min ? elements[first]?.end : undefined;
}

/** Window index just after the first line of a trailing run of identical non-blank lines. */
function repeatedLines(window: string, atStart: boolean, min: number): number | undefined {
  const lastNewline = window.lastIndexOf('\n');
  if (lastNewline === -1) return undefined;
  let count = 0;
  let line: string | undefined;
  let firstEnd = 0;
  let end = lastNewline; // exclusive end of the line being read (its '\n' is at `end`)
  while (end >= 0) {
    const begin = window.lastIndexOf('\n', end - 1) + 1;
    // The window's first line may be cut off, unless the window starts the answer.
    if (begin === 0 && !atStart) break;
    const current = window.slice(begin, end).trimEnd();
    if (current.trim() !== '') {
      if (line === undefined) line = current;
      else if (current !== line) break;
      count++;
      firstEnd = end + 1;
    }
    if (begin === 0) break;
    end = begin - 1;
  }
  if (count < min) return undefined;
  return firstEnd;
}

/** Window index just after the first copy of the unit the window's tail repeats, if it loops. */
function periodicTail(
  window: string,
  maxPeriod: number,
  minRepeats: number,
  minChars: number,
): number | undefined {
  const n = window.length;
  for (let p = 1; p <= maxPeriod && p * 2 <= n; p++) {
    const needed = Math.max(minChars, minRepeats * p);
    if (needed > n) continue;
    // Count how far back window[i] === window[i - p] holds; stop early once it is long enough.
    let i = n - 1;
    const floor = n - needed + p;
    while (i >= floor && window.charCodeAt(i) === window.charCodeAt(i - p)) i--;
    if (i >= floor) continue;
    // It loops: find where the run really starts, to keep exactly one copy of the unit.
    while (i >= p && window.charCodeAt(i) === window.charCodeAt(i - p)) i--;
    const runStart = i < p ? 0 : i - p + 1;
    return runStart + p;
  }
  return undefined;
}
