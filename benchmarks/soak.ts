// Soak: thousands of pages through a faulty simulated server at concurrency 32. Every page must be accounted
// for (a success, or a failure with its reason), and nothing may leak: no socket or timer left after the run,
// no abort listener left on the caller's signal, and memory flat (the last quarter's peak RSS within 1.3x of
// the first quarter's). Exits 1 when an invariant fails.
// Run: node --import tsx benchmarks/soak.ts [--pages 2000] [--quick]
import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { lastValueFrom, tap } from 'rxjs';
import { convertStream } from '../src/pipeline/convert-stream.js';
import { createRenderPool } from '../src/render/render-pool.js';
import { makePdf } from '../src/simulate/pdf-writer.js';
import type { SimulatedFaults } from '../src/simulate/index.js';
import { describeLoad, loadNow } from './lib/describe-load.js';
import { spawnSimServer } from './lib/spawn-sim-server.js';
import { markdownTable, writeResultsSection } from './lib/write-results.js';

const { values } = parseArgs({
  options: { pages: { type: 'string' }, quick: { type: 'boolean', default: false } },
  strict: true,
});
const quick = values.quick;
const PAGES = Number(values.pages ?? (quick ? 200 : 2000));
if (!Number.isInteger(PAGES) || PAGES < 1)
  throw new Error(`--pages: expected a whole number, got ${values.pages}`);
const PAGES_PER_DOCUMENT = 100;
const CONCURRENCY = 32;
const RETRIES = 3;
/** The idle limit; stalls last longer, so each stall is a timeout and a retry. */
const IDLE_TIMEOUT_MS = 1000;
const FAULTS = {
  rate429: 0.03,
  retryAfterSeconds: 0.05,
  rate5xx: 0.03,
  cutRate: 0.03,
  stallRate: 0.02,
  stallMs: 1500,
  streamErrorRate: 0.03,
} satisfies SimulatedFaults;
const MEMORY_GROWTH_LIMIT = 1.3;

const loadAtStart = loadNow();

function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

function leaked(baseline: Map<string, number>): string[] {
  return [...activeResources()]
    .filter(([kind, count]) => count > (baseline.get(kind) ?? 0))
    .map(([kind, count]) => `${kind} ${baseline.get(kind) ?? 0} -> ${count}`);
}

// Many documents of 100 small pages: several inputs share the request queue, as in a real batch.
const documents = Array.from({ length: Math.ceil(PAGES / PAGES_PER_DOCUMENT) }, (_, d) =>
  makePdf(
    Array.from({ length: Math.min(PAGES_PER_DOCUMENT, PAGES - d * PAGES_PER_DOCUMENT) }, (_, p) => ({
      width: 300,
      height: 400,
      lines: [`# Document ${d + 1}, page ${p + 1}`, 'Soak test page.'],
    })),
  ),
);

// The server runs in a child process, so its event loop does not share the client's.
const server = await spawnSimServer({ timeScale: 0.02, capacity: 64, seed: 'soak', faults: FAULTS });
const pool = createRenderPool();
const controller = new AbortController();
const pages = new Map<string, string>();
const failures = new Map<string, number>();
const retriesByCode = new Map<string, number>();
let duplicates = 0;
let failedWithoutReason = 0;
/** Retries of each failed page: a retryable failure should have used them all. */
const failedRetries = new Map<string, number>();
const rss: number[] = [];
let wallMs = 0;
let leftovers: string[] = [];
let abortListeners = -1;
let baselineText = '';
let serverLine = '';
try {
  // Warm-up: workers started, modules compiled; the baseline of handles is taken after it.
  await lastValueFrom(
    convertStream([{ source: documents[0] ?? new Uint8Array(), name: 'warm-up.pdf' }], {
      url: server.url,
      enableRemoteServices: true,
      scale: 0.5,
      pages: '1-8',
      renderPool: pool,
    }),
  );
  await sleep(200);
  const baseline = activeResources();
  baselineText = [...baseline].map(([kind, count]) => `${kind} ${count}`).join(', ');

  const sampler = setInterval(() => rss.push(process.memoryUsage.rss()), 1000);
  rss.push(process.memoryUsage.rss());
  const started = performance.now();
  let done = 0;
  try {
    await lastValueFrom(
      convertStream(
        documents.map((source, index) => ({ source, name: `doc-${String(index + 1).padStart(3, '0')}.pdf` })),
        {
          url: server.url,
          enableRemoteServices: true,
          concurrency: CONCURRENCY,
          scale: 0.5,
          retries: RETRIES,
          timeout: IDLE_TIMEOUT_MS,
          renderPool: pool,
          signal: controller.signal,
        },
      ).pipe(
        tap((event) => {
          if (event.type === 'retry') {
            const code = (event.error as { code?: string }).code ?? 'UNKNOWN';
            retriesByCode.set(code, (retriesByCode.get(code) ?? 0) + 1);
          }
          if (event.type !== 'page-done') return;
          const { input, page, status, error } = event.result;
          const key = `${input}#${page}`;
          if (pages.has(key)) duplicates++;
          pages.set(key, status);
          if (status === 'failed') {
            if (error === null) failedWithoutReason++;
            const code = error?.code ?? 'NONE';
            failures.set(code, (failures.get(code) ?? 0) + 1);
            const retried = `${code} after ${event.result.retries} retries`;
            failedRetries.set(retried, (failedRetries.get(retried) ?? 0) + 1);
          }
          if (++done % 200 === 0) console.log(`${done} pages`);
        }),
      ),
    );
  } finally {
    wallMs = performance.now() - started;
    clearInterval(sampler);
    rss.push(process.memoryUsage.rss());
  }
  abortListeners = getEventListeners(controller.signal, 'abort').length;
  const deadline = Date.now() + 10_000;
  while (leaked(baseline).length > 0 && Date.now() < deadline) await sleep(100);
  leftovers = leaked(baseline);
} finally {
  await pool.close();
  const stats = await server.stats().catch(() => undefined);
  await server.close();
  if (stats) {
    const faults = Object.entries(stats.faults)
      .filter(([, count]) => count > 0)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ');
    console.log(`server: ${stats.requests} requests, faults injected: ${faults}`);
    serverLine = `The server saw ${stats.requests} requests for ${PAGES} pages and injected ${faults}.`;
  }
}

const succeeded = [...pages.values()].filter((status) => status === 'success').length;
const failed = [...failures.values()].reduce((a, b) => a + b, 0);
const quarter = Math.max(1, Math.floor(rss.length / 4));
const firstPeak = Math.max(...rss.slice(0, quarter));
const lastPeak = Math.max(...rss.slice(-quarter));
const growth = lastPeak / firstPeak;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const list = (map: Map<string, number>) =>
  map.size === 0
    ? 'none'
    : [...map]
        .sort((a, b) => b[1] - a[1])
        .map(([code, count]) => `${code} ${count}`)
        .join(', ');

const checks: [string, boolean, string][] = [
  [
    'every page reported once',
    pages.size === PAGES && duplicates === 0,
    `${pages.size} of ${PAGES}, ${duplicates} twice`,
  ],
  [
    'each page a success or a failure with its reason',
    succeeded + failed === PAGES && failedWithoutReason === 0,
    `${succeeded} succeeded, ${failed} failed (${list(failures)})`,
  ],
  ['no abort listener left on the caller signal', abortListeners === 0, `${abortListeners}`],
  [
    'handles back to baseline',
    leftovers.length === 0,
    leftovers.length === 0 ? `baseline: ${baselineText}` : leftovers.join(', '),
  ],
  [
    `memory flat (last-quarter peak <= ${MEMORY_GROWTH_LIMIT}x first-quarter peak)`,
    growth <= MEMORY_GROWTH_LIMIT,
    `${mib(firstPeak)} MiB -> ${mib(lastPeak)} MiB (x${growth.toFixed(2)}, ${rss.length} samples)`,
  ],
];
for (const [name, ok, detail] of checks) console.log(`${ok ? 'PASS' : 'FAIL'} ${name}: ${detail}`);
const passed = checks.every(([, ok]) => ok);

writeResultsSection(
  'soak',
  `## Soak under faults (\`benchmarks/soak.ts\`${quick ? ', --quick' : ''})

${PAGES} pages (${documents.length} documents of up to ${PAGES_PER_DOCUMENT} letter-size pages, rendered at scale 0.5) through
the simulated server in a child process (time scale 0.02, 64 sequences at once) with faults on: 429 with
Retry-After ${FAULTS.retryAfterSeconds} s at ${FAULTS.rate429 * 100}%, 500 at ${FAULTS.rate5xx * 100}%, streams cut half-way at ${FAULTS.cutRate * 100}%, ${FAULTS.stallMs} ms stalls at
${FAULTS.stallRate * 100}% (longer than the ${IDLE_TIMEOUT_MS} ms idle limit), mid-stream errors at ${FAULTS.streamErrorRate * 100}%. Concurrency ${CONCURRENCY},
${RETRIES} retries, one \`convertStream\` run with a caller's \`AbortSignal\`. ${serverLine}
${describeLoad(loadAtStart)}

${markdownTable(
  ['check', 'result', 'measured'],
  checks.map(([name, ok, detail]) => [name, ok ? 'pass' : '**FAIL**', detail]),
)}

Retries by cause: ${list(retriesByCode)}. Failed pages: ${list(failedRetries)}. Wall time ${(wallMs / 1000).toFixed(1)} s, ${((succeeded * 1000) / wallMs).toFixed(1)} pages/s.
RSS was sampled every second during the run.`,
);
console.log(`wall ${(wallMs / 1000).toFixed(1)} s; results written to benchmarks/RESULTS.md`);
if (!passed) process.exitCode = 1;
