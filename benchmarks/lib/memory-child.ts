// Converts one PDF against a given server and prints its own peak RSS as JSON; run by benchmarks/memory.ts
// in a fresh process per document size.
// argv: <chat-completions url> <pdf path> <concurrency>
// The built package, as users run it: from the sources under tsx every render worker would boot tsx and
// transpile too, which costs hundreds of MiB that users never pay.
import { convert } from '../../dist/index.js';

const [url, file, concurrency] = process.argv.slice(2);
if (!url || !file || !concurrency) throw new Error('usage: memory-child.ts <url> <pdf> <concurrency>');
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
