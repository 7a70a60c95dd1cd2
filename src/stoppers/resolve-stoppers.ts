import type { ResolvedConvertOptions } from '../options.js';
import { createClosingTagStopper } from './create-closing-tag-stopper.js';
import { createMaxLengthStopper } from './create-max-length-stopper.js';
import { createRepetitionStopper } from './create-repetition-stopper.js';
import { createStopStringsStopper } from './create-stop-strings-stopper.js';
import type { GenerationStopper } from './generation-stopper.js';

/**
 * The stoppers a run uses, built from its options, in the order they are asked: closing tag
 * (`stopTag`; `'</doctag>'` by default for DocTags, none otherwise, `null` = off), max length
 * (`maxChars`), repetition (`repetitionStop`), client-side stop strings (`stopStrings`, also sent to
 * the server as `stop`), then the user's own `stoppers`.
 *
 * @example
 * ```ts
 * const stoppers = resolveStoppers(resolveOptions({ maxChars: 50_000 }));
 * ```
 */
export function resolveStoppers(
  options: Pick<
    ResolvedConvertOptions,
    'stopTag' | 'responseFormat' | 'maxChars' | 'repetitionStop' | 'stopStrings' | 'stoppers'
  >,
): GenerationStopper[] {
  const stoppers: GenerationStopper[] = [];
  const tag =
    options.stopTag === undefined
      ? options.responseFormat === 'doctags'
        ? '</doctag>'
        : undefined
      : (options.stopTag ?? undefined);
  if (tag !== undefined) stoppers.push(createClosingTagStopper(tag));
  if (options.maxChars !== undefined) stoppers.push(createMaxLengthStopper({ chars: options.maxChars }));
  if (options.repetitionStop) stoppers.push(createRepetitionStopper());
  if (options.stopStrings !== undefined && options.stopStrings.length > 0) {
    stoppers.push(createStopStringsStopper(options.stopStrings));
  }
  stoppers.push(...options.stoppers);
  return stoppers;
}
