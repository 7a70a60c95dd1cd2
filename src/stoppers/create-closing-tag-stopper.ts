import type { GenerationStopper } from './generation-stopper.js';

/**
 * Stop as soon as the closing tag appears (DocTags answers end with `</doctag>`; models often go on
 * generating after it). The tag is kept; anything after it is cut.
 *
 * Only `tag.length` characters of look-back are needed: a tag split across deltas is always inside
 * "previous tail + newest delta".
 *
 * @param tag - the closing tag. @default '</doctag>'
 * @example
 * ```ts
 * const stopper = createClosingTagStopper('</doctag>');
 * ```
 */
export function createClosingTagStopper(tag = '</doctag>'): GenerationStopper {
  if (tag.length === 0) throw new RangeError('closing tag must not be empty');
  return {
    name: 'closing-tag',
    lookback: tag.length,
    shouldStop(window, { offset }) {
      const at = window.indexOf(tag);
      return at === -1 ? false : { end: offset + at + tag.length };
    },
  };
}
