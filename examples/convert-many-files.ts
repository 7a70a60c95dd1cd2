/**
 * Convert many files with one shared set of workers: `concurrency` bounds the requests in flight across
 * every input (8 in total here, not 8 per file), and pages never wait for another file's batch.
 *   node --import tsx examples/convert-many-files.ts [a.pdf b.png ...]
 */
import { buildRunReport, convertAll } from 'pagestream';
import { connect } from './endpoint.js';

const sample = new URL('sample.pdf', import.meta.url).pathname;
const inputs = process.argv.length > 2 ? process.argv.slice(2) : [sample, sample, sample];
const endpoint = await connect();
try {
  const run = await convertAll(inputs, { ...endpoint.options, concurrency: 8 });
  for (const document of run.documents) {
    console.log(
      `${document.input}: ${document.status}${document.error ? ` (${document.error.message})` : ''}`,
    );
  }
  const { totals } = buildRunReport(run.documents, run.wallMs);
  console.log(
    `${totals.succeeded}/${totals.pages} pages at ${totals.pagesPerSecond} pages/s; ${totals.completionTokens} completion tokens`,
  );
} finally {
  await endpoint.close();
}
