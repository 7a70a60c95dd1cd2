// Converts one PDF against a given server and prints its own peak RSS as JSON; run by benchmarks/memory.ts
// in a fresh process per document size.
// argv: <chat-completions url> <pdf path> <concurrency> [native-json]
import { convert, openDocument } from '../../src/index.js';
import { makePdf } from '../../src/simulate/index.js';

const NATIVE_JSON = { parse: JSON.parse, stringify: JSON.stringify };
const [url, file, concurrency, mode] = process.argv.slice(2);
if (!url || !file || !concurrency)
  throw new Error('usage: memory-child.ts <url> <pdf> <concurrency> [native-json]');
if (mode === 'native-json') {
  // Load pdf.js and its in-thread worker on a one-page PDF, then put back the JSON functions they replaced
  // (the fix proposed in RESULTS.md), so the run measures pagestream without core-js's JSON.
  const probe = await openDocument(makePdf([{ width: 100, height: 100 }]));
  await probe.pageInfo(1);
  await probe.close();
  Object.assign(JSON, NATIVE_JSON);
}
const baseline = process.resourceUsage().maxRSS;
const started = performance.now();
// JPEG: a smaller request body to serialise per page, so 500 pages fit in a few minutes.
const result = await convert(file, {
  url,
  enableRemoteServices: true,
  concurrency: Number(concurrency),
  imageFormat: 'jpeg',
});
const wallMs = performance.now() - started;
const ok = result.pages.filter((page) => page.status === 'success').length;
process.stdout.write(
  `${JSON.stringify({ pages: result.pages.length, ok, wallMs, baselineKiB: baseline, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
