/**
 * Write your own GenerationStopper: end an answer as soon as the model writes a marker, here the end of
 * the first table. Stoppers see only the last `lookback` characters, so they cost the same on every chunk.
 *   node --import tsx examples/custom-stopper.ts [file.pdf]
 */
import { convert, type GenerationStopper } from 'pagestream';
import { connect } from './endpoint.js';

const firstTableOnly: GenerationStopper = {
  name: 'first-table',
  lookback: 16,
  shouldStop(window, { offset }) {
    const at = window.indexOf('</otsl>');
    // Keep the closing tag itself: cut right after it.
    return at === -1 ? false : { end: offset + at + '</otsl>'.length };
  },
};

const input = process.argv[2] ?? new URL('sample.pdf', import.meta.url).pathname;
const endpoint = await connect();
try {
  const result = await convert(input, { ...endpoint.options, stoppers: [firstTableOnly] });
  for (const page of result.pages) {
    console.log(
      `page ${page.page}: ${page.status}, stopper ${page.stopper ?? 'none'}, ${page.chars} characters`,
    );
  }
} finally {
  await endpoint.close();
}
