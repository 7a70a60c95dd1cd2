// pagestream's whole pipeline (render + request + decode) against an "ideal client" that only keeps C
// pre-built requests in flight, on the same simulated server. Run: node --import tsx benchmarks/pipeline-efficiency.ts [--quick]
import { Agent, request } from 'undici';
import {
  DEFAULT_PROMPTS,
  buildRequestBody,
  convert,
  createRenderPool,
  openDocument,
  resolveOptions,
} from '../src/index.js';
import type { SimulatedServerOptions } from '../src/simulate/index.js';
import { isQuick } from './lib/bench-args.js';
import { makeBenchPdf } from './lib/make-bench-pdf.js';
import { spawnSimServer } from './lib/spawn-sim-server.js';
import { describeLoad, loadNow } from './lib/describe-load.js';
import { markdownTable, writeResultsSection } from './lib/write-results.js';

// Taken before pdf.js is first loaded (the project loads it lazily), to check that loading it leaves the
// native function in place (see src/backends/load-pdfjs.ts). Compared by identity: core-js makes its
// polyfills' toString() look native.
const NATIVE_STRINGIFY = JSON.stringify;

const quick = isQuick();
const loadAtStart = loadNow();
const DOCUMENT_PAGES = 64;
const LEVELS = quick ? [1, 4, 16] : [1, 2, 4, 8, 16, 32, 64];
/**
 * Pages per run at each level: the whole document where the server is the limit (so the start, when
 * pagestream renders its first pages while the ideal client's are ready, weighs little), fewer below,
 * where a page takes seconds and more pages add nothing but time.
 */
const pagesAt = (concurrency: number): number =>
  quick ? Math.min(16, 4 * concurrency) : concurrency >= 16 ? DOCUMENT_PAGES : Math.max(6, 4 * concurrency);
/** The server is the limit from 16 on: twice the default timings give it about 4 pages/s at full batch, a third of what the renderer does on this machine. */
const SERVER: SimulatedServerOptions = { capacity: 16, timeScale: 2, minTokens: 40, maxTokens: 200, seed: 7 };
const FLOOR = 0.95;
/** The server's throughput at full batch, pages/s (measured by the ideal client at C = 16). */
const SERVER_PEAK = 4;

interface Measured {
  readonly pages: number;
  readonly wallMs: number;
}

const pdf = makeBenchPdf(DOCUMENT_PAGES);
const server = await spawnSimServer(SERVER);
const pool = createRenderPool();
const options = resolveOptions({ url: server.url, enableRemoteServices: true });
const rows: (string | number)[][] = [];
const ratios: { concurrency: number; ratio: number }[] = [];

try {
  // Pre-encode every page with pagestream's own renderer, so the ideal client sends the very same bytes
  // (same sizes, so the server answers each page with the same length for both clients).
  const document = await openDocument(pdf, { renderPool: pool });
  const bodies: string[] = [];
  let renderMs = 0;
  const renderStarted = performance.now();
  const images = await Promise.all(
    Array.from({ length: DOCUMENT_PAGES }, (_, i) => document.renderPage(i + 1, { scale: 2, format: 'png' })),
  );
  renderMs = performance.now() - renderStarted;
  await document.close();
  for (const image of images) {
    bodies.push(
      JSON.stringify(
        buildRequestBody(options, {
          image: { data: image.data, mimeType: image.mimeType },
          prompt: DEFAULT_PROMPTS.doctags,
        }),
      ),
    );
  }
  const renderRate = DOCUMENT_PAGES / (renderMs / 1000);
  // pdf.js (and its in-thread worker, used for page sizes) are loaded now.
  const nativeJson = JSON.stringify === NATIVE_STRINGIFY;
  console.log(`JSON.stringify after pdf.js loaded is the native function: ${nativeJson ? 'yes' : 'NO'}`);
  console.log(
    `pre-rendered ${DOCUMENT_PAGES} pages in ${renderMs.toFixed(0)} ms (${renderRate.toFixed(1)} pages/s)`,
  );

  for (const [index, concurrency] of LEVELS.entries()) {
    const pages = pagesAt(concurrency);
    // Alternate which client goes first, so a drift of the machine does not favour one side.
    const runIdeal = () => idealClient(server.url, bodies.slice(0, pages), concurrency);
    const runPagestream = () => pagestream(server.url, pdf, pages, concurrency, pool);
    let ideal: Measured;
    let ours: Measured;
    if (index % 2 === 0) {
      ideal = await runIdeal();
      ours = await runPagestream();
    } else {
      ours = await runPagestream();
      ideal = await runIdeal();
    }
    const idealRate = ideal.pages / (ideal.wallMs / 1000);
    const oursRate = ours.pages / (ours.wallMs / 1000);
    const ratio = oursRate / idealRate;
    ratios.push({ concurrency, ratio });
    rows.push([
      concurrency,
      pages,
      idealRate.toFixed(2),
      oursRate.toFixed(2),
      ratio.toFixed(3),
      concurrency >= SERVER.capacity! ? (ratio >= FLOOR ? 'yes' : '**no**') : 'n/a',
    ]);
    console.log(
      `C=${concurrency} pages=${pages} ideal ${idealRate.toFixed(2)} p/s, pagestream ${oursRate.toFixed(2)} p/s, ratio ${ratio.toFixed(3)}`,
    );
  }
  const stats = await server.stats();

  const limited = ratios.filter((r) => r.concurrency >= SERVER.capacity!);
  const worst = Math.min(...limited.map((r) => r.ratio));
  writeResultsSection(
    'pipeline-efficiency',
    `## Pipeline efficiency vs an ideal client (\`benchmarks/pipeline-efficiency.ts\`${quick ? ', --quick' : ''})

Same simulated server, same pages, one run per level, the two clients measured side by side (their order
alternates by level). **pagestream**: \`convert()\` over a ${DOCUMENT_PAGES}-page text-heavy A4 PDF
(\`makePdf\`, a table on every third page), PNG at scale 2, so its wall time includes opening the PDF,
rendering and encoding every page on the render pool, streaming and decoding; only the pool's worker
threads are started before timing (a shared \`renderPool\`). **Ideal client**: the same PNG bytes and
request bodies (\`buildRequestBody\`) prepared before timing, exactly C undici streaming requests in flight
on one keep-alive Agent, each reading the SSE body to the end, nothing else. At low concurrency fewer
pages are converted (4 x C, at least 6); both clients convert the same pages.
${describeLoad(loadAtStart)}

Server (its own child process, so its CPU does not run on the client's event loop): capacity
${SERVER.capacity} sequences, timeScale ${SERVER.timeScale} (prefill 60 ms, decode step 16 ms + 1 ms per
decoding sequence), answers ${SERVER.minTokens}-${SERVER.maxTokens} tokens varying per page. From C = 16 the server
is the limit (about 4 pages/s); pagestream renders ${renderRate.toFixed(1)} pages/s on this machine (pool of
${pool.size} workers, rendering all ${DOCUMENT_PAGES} pages at once before the runs; about 13 pages/s when the machine is idle).
${
  renderRate >= 2 * SERVER_PEAK
    ? 'Rendering keeps well ahead of the server.'
    : `Under this run's load rendering was not clearly ahead of the server's ~${SERVER_PEAK} pages/s, so rendering shares the blame below.`
}

${markdownTable(['C', 'pages', 'ideal pages/s', 'pagestream pages/s', 'ratio', `>= ${FLOOR} (server-limited)`], rows)}

Worst ratio where the server is the limit (C >= ${SERVER.capacity}): **${worst.toFixed(3)}** (floor ${FLOOR}).

**pdf.js's JSON polyfills (fixed).** This benchmark found that pdfjs-dist's legacy bundles (\`pdf.mjs\`
and \`pdf.worker.mjs\`) carry core-js, which on Node 20 installs JavaScript \`JSON.stringify\`/\`JSON.parse\`
over the globals: stringifying one page's request body (a base64 PNG) took ~261 ms instead of 4.5 ms
native, and pagestream reached only 0.39-0.53 of the ideal client at C >= 16 before the fix. src/backends/load-pdfjs.ts
now loads both bundles up front, hands the worker bundle to pdf.js via \`globalThis.pdfjsWorker\` and puts
the native functions back; test/backends-native-json.test.ts guards it. In this run, after pdf.js had
loaded, \`JSON.stringify\` ${nativeJson ? 'was still the native function' : '**was not** the native function (the fix did not hold)'}.

What keeps the ratio below 1 at C >= ${SERVER.capacity} is the start and the CPU: pagestream must render its first
${SERVER.capacity} pages before the server has a full batch, while the ideal client's are ready at once (at
${renderRate.toFixed(1)} pages/s that is ${((SERVER.capacity ?? 16) / renderRate).toFixed(1)} s of a ~${(DOCUMENT_PAGES / SERVER_PEAK).toFixed(0)} s run), and its render workers, its main thread and
the server's process share 2 cores, with other jobs when there are any (see the load average above).
Server over the whole benchmark: ${stats.requests} requests, ${stats.tokensGenerated} tokens, most sequences at once ${stats.maxActive}.`,
  );
} finally {
  await pool.close();
  await server.close();
}

/** Exactly `concurrency` requests in flight; each reads its SSE body to the end. */
async function idealClient(url: string, bodies: readonly string[], concurrency: number): Promise<Measured> {
  const agent = new Agent({ connections: concurrency, pipelining: 1 });
  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const body = bodies[next++] ?? '';
      const response = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body,
      });
      if (response.statusCode !== 200) throw new Error(`ideal client: HTTP ${response.statusCode}`);
      // Read to the end, bytes only: no parsing, no decoding.
      for await (const _chunk of response.body) continue;
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, worker));
  const wallMs = performance.now() - started;
  await agent.close();
  return { pages: done, wallMs };
}

async function pagestream(
  url: string,
  pdf: Uint8Array,
  pages: number,
  concurrency: number,
  renderPool: ReturnType<typeof createRenderPool>,
): Promise<Measured> {
  const started = performance.now();
  const result = await convert(pdf, {
    url,
    enableRemoteServices: true,
    concurrency,
    pages: `1-${pages}`,
    renderPool,
  });
  const wallMs = performance.now() - started;
  const ok = result.pages.filter((page) => page.status === 'success').length;
  if (ok !== pages) {
    const failed = result.pages.find((page) => page.status !== 'success');
    throw new Error(`pagestream: ${pages - ok} pages failed, e.g. ${String(failed?.error?.message)}`);
  }
  return { pages: ok, wallMs };
}
