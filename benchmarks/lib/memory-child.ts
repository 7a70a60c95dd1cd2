// Converts one PDF against a given server and prints its own peak RSS as JSON; run by benchmarks/memory.ts
// in a fresh process per document size. argv: <chat-completions url> <pdf path> <concurrency>.
import { convert } from '../../src/index.js';

const [url, file, concurrency] = process.argv.slice(2);
if (!url || !file || !concurrency) throw new Error('usage: memory-child.ts <url> <pdf> <concurrency>');
const baseline = process.resourceUsage().maxRSS;
const started = performance.now();
const result = await convert(file, { url, enableRemoteServices: true, concurrency: Number(concurrency) });
const wallMs = performance.now() - started;
const ok = result.pages.filter((page) => page.status === 'success').length;
process.stdout.write(
  `${JSON.stringify({ pages: result.pages.length, ok, wallMs, baselineKiB: baseline, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
