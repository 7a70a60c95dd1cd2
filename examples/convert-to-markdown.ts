/**
 * Convert a PDF to Markdown with the default stoppers (closing tag `</doctag>` and repetition loops).
 *   node --import tsx examples/convert-to-markdown.ts [file.pdf]
 */
import { convert, exportDocument } from 'pagestream';
import { connect } from './endpoint.js';

const input = process.argv[2] ?? new URL('sample.pdf', import.meta.url).pathname;
const endpoint = await connect();
try {
  const result = await convert(input, { ...endpoint.options, concurrency: 4 });
  process.stdout.write(exportDocument(result.document, 'md'));
  for (const page of result.pages) {
    const how = page.stopper ? `stopped early by ${page.stopper}` : page.finishReason;
    process.stderr.write(
      `page ${page.page}: ${page.status} (${how}), ${page.completionTokens ?? '?'} tokens\n`,
    );
  }
  if (result.status !== 'success') process.exitCode = 1;
} finally {
  await endpoint.close();
}
