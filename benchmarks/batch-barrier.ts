// A Docling-style page-batch barrier against pagestream's page stream, with the same client and server.
// Run: node --import tsx benchmarks/batch-barrier.ts [--quick]
import {
  DEFAULT_PROMPTS,
  convert,
  createChatClient,
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

const quick = isQuick();
const loadAtStart = loadNow();
const PAGES = quick ? 16 : 64;
const CONCURRENCY = 8;
/** Capacity above the concurrency, so the server never queues: what differs is only how pages are scheduled. */
const SERVER: SimulatedServerOptions = {
  capacity: 16,
  timeScale: 1,
  minTokens: 20,
  maxTokens: 400,
  seed: 11,
};

interface Measured {
  readonly design: string;
  readonly pages: number;
  readonly wallMs: number;
}

const pdf = makeBenchPdf(PAGES);
const server = await spawnSimServer(SERVER);
const pool = createRenderPool();
const results: Measured[] = [];

try {
  // Start the pool's workers before timing, for every design alike.
  const warm = await openDocument(pdf, { renderPool: pool });
  await Promise.all([1, 2].map((page) => warm.renderPage(page, { scale: 2, format: 'png' })));
  await warm.close();

  const designs: { name: string; pagestream: boolean; run: () => Promise<Measured> }[] = [
    {
      name: `Docling-style, page_batch_size ${CONCURRENCY}, ${CONCURRENCY} threads`,
      pagestream: false,
      run: () => doclingStyle(CONCURRENCY, CONCURRENCY),
    },
    {
      name: `pagestream convert(), concurrency ${CONCURRENCY}`,
      pagestream: true,
      run: pagestream,
    },
    ...(quick
      ? []
      : [
          {
            name: `Docling-style, Docling's default page_batch_size 4, concurrency ${CONCURRENCY} (pool of min(8, 4) = 4)`,
            pagestream: false,
            run: () => doclingStyle(4, CONCURRENCY),
          },
        ]),
  ];
  for (const design of designs) {
    const measured = await design.run();
    results.push(measured);
    console.log(`${design.name}: ${measured.pages} pages in ${(measured.wallMs / 1000).toFixed(1)} s`);
  }

  const rate = (m: Measured) => m.pages / (m.wallMs / 1000);
  const ours = results[designs.findIndex((d) => d.pagestream)];
  const rows = designs.map((design, index) => {
    const m = results[index];
    if (!m || !ours) throw new Error(`${design.name} did not run`);
    return [
      design.name,
      m.pages,
      (m.wallMs / 1000).toFixed(1),
      rate(m).toFixed(2),
      design.pagestream ? '' : `**${(rate(ours) / rate(m)).toFixed(2)}x**`,
    ];
  });
  writeResultsSection(
    'batch-barrier',
    `## Page-batch barrier vs page stream (\`benchmarks/batch-barrier.ts\`${quick ? ', --quick' : ''})

One run of each design, one after another, on the same ${PAGES}-page text-heavy PDF (\`makePdf\`, PNG at
scale 2) and the same simulated server (its own child process; capacity ${SERVER.capacity}, so it never queues
at ${CONCURRENCY} requests; default timings; answers ${SERVER.minTokens}-${SERVER.maxTokens} tokens, varying per page). Every design
uses pagestream's own client (\`createChatClient\`, stoppers on) and renderer (one render pool of
${pool.size} workers, started before timing).

The Docling-style design follows Docling's \`ApiVlmModel\` (docling/models/api_vlm_model.py) inside
\`PaginatedPipeline._build_document\` (docling/pipeline/base_pipeline.py): pages are taken in chunks of
\`settings.perf.page_batch_size\` (default 4, docling/datamodel/settings.py); within a chunk the page
images are produced one after another as \`ThreadPoolExecutor(max_workers=concurrency).map\` pulls them
from the preprocessing generator, each request starting as soon as its page is submitted; the
\`with ThreadPoolExecutor\` block and the "must exhaust" loop wait for every page of the chunk before the
next chunk starts. Here: render page i of the chunk, start its request, render the next, ...; then await
all requests of the chunk; then the next chunk. pagestream: \`convert()\` with concurrency ${CONCURRENCY}
(pages rendered ahead, a new request whenever one ends).

${markdownTable(['design', 'pages', 'wall s', 'pages/s', 'pagestream speed-up'], rows)}

A chunk is as slow as its longest answer, so with answers of ${SERVER.minTokens}-${SERVER.maxTokens} tokens most of a
chunk's slots sit idle while its longest page finishes; pagestream fills a slot the moment it frees.
${describeLoad(loadAtStart)}`,
  );
} finally {
  await pool.close();
  await server.close();
}

async function doclingStyle(batchSize: number, concurrency: number): Promise<Measured> {
  const options = resolveOptions({ url: server.url, enableRemoteServices: true, concurrency });
  const client = createChatClient(options);
  const started = performance.now();
  const document = await openDocument(pdf, { renderPool: pool });
  let ok = 0;
  try {
    for (let first = 1; first <= PAGES; first += batchSize) {
      const requests: Promise<unknown>[] = [];
      // A thread pool of min(concurrency, batch) workers: at most that many requests of the chunk at once.
      let inFlight = 0;
      const waiting: (() => void)[] = [];
      for (let page = first; page < first + batchSize && page <= PAGES; page++) {
        const image = await document.renderPage(page, { scale: options.scale, format: options.imageFormat });
        const send = async (): Promise<void> => {
          while (inFlight >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
          inFlight++;
          try {
            const result = await client.complete({
              image: { data: image.data, mimeType: image.mimeType },
              prompt: DEFAULT_PROMPTS.doctags,
            });
            if (result.text.length > 0) ok++;
          } finally {
            inFlight--;
            waiting.shift()?.();
          }
        };
        requests.push(send());
      }
      await Promise.all(requests); // the batch barrier
    }
  } finally {
    await document.close();
    await client.close();
  }
  return { design: `docling-${batchSize}`, pages: ok, wallMs: performance.now() - started };
}

async function pagestream(): Promise<Measured> {
  const started = performance.now();
  const result = await convert(pdf, {
    url: server.url,
    enableRemoteServices: true,
    concurrency: CONCURRENCY,
    renderPool: pool,
  });
  const ok = result.pages.filter((page) => page.status === 'success').length;
  return { design: 'pagestream', pages: ok, wallMs: performance.now() - started };
}
