// zerox (npm) against pagestream on the same PDF and simulated server. zerox is not a dependency of the
// project: install it outside the repository first,
//   npm install --prefix /tmp/zerox-bench zerox@1.1.20 --ignore-scripts
// (its install script tries to apt-get LibreOffice, which PDFs do not need) and have GraphicsMagick and
// Ghostscript installed (Debian: graphicsmagick, ghostscript), which its pdf2pic renderer calls.
// Run: node --import tsx benchmarks/zerox.ts [--quick]
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { DEFAULT_PROMPTS, convert } from '../src/index.js';
import type { SimulatedServerOptions } from '../src/simulate/index.js';
import { isQuick } from './lib/bench-args.js';
import { describeLoad, loadNow } from './lib/describe-load.js';
import { makeBenchPdf } from './lib/make-bench-pdf.js';
import { spawnSimServer } from './lib/spawn-sim-server.js';
import { markdownTable, writeResultsSection } from './lib/write-results.js';

const quick = isQuick();
const loadAtStart = loadNow();
const ZEROX = '/tmp/zerox-bench/node_modules/zerox/node-zerox/dist/index.js';
const PAGES = quick ? 8 : 32;
const CONCURRENCY = 8;
const SERVER: SimulatedServerOptions = {
  capacity: 16,
  timeScale: 1,
  minTokens: 40,
  maxTokens: 400,
  seed: 13,
};

interface ZeroxModule {
  zerox: (args: Record<string, unknown>) => Promise<{ pages: { page: number; content: string }[] }>;
}

if (!existsSync(ZEROX)) {
  console.log(`zerox is not installed at ${ZEROX}; see the comment at the top of this file.`);
  process.exit(0);
}
const { zerox } = (await import(ZEROX)) as ZeroxModule;
const dir = await mkdtemp(path.join(os.tmpdir(), 'pagestream-zerox-'));
const file = path.join(dir, 'doc.pdf');
await writeFile(file, makeBenchPdf(PAGES));
const server = await spawnSimServer(SERVER);
const rows: (string | number)[][] = [];
try {
  // zerox's model call, made the way pagestream's is: the page image and the DocTags prompt, streamed,
  // read to the end. Same server, same answers per image size; zerox's own OpenAI client is not used.
  const customModelFunction = async ({ buffers }: { buffers: Buffer[] }) => {
    const image = buffers[0];
    if (!image) throw new Error('zerox passed no image');
    const response = await request(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image_url', image_url: { url: `data:image/png;base64,${image.toString('base64')}` } },
              { type: 'text', text: DEFAULT_PROMPTS.doctags },
            ],
          },
        ],
        temperature: 0,
        max_tokens: 4096,
        stream: true,
      }),
    });
    const sse = await response.body.text();
    let content = '';
    for (const line of sse.split('\n')) {
      if (!line.startsWith('data: {')) continue;
      const chunk = JSON.parse(line.slice(6)) as { choices?: { delta?: { content?: string } }[] };
      content += chunk.choices?.[0]?.delta?.content ?? '';
    }
    return { content, inputTokens: 0, outputTokens: 0 };
  };

  const zeroxStarted = performance.now();
  const result = await zerox({
    filePath: file,
    concurrency: CONCURRENCY,
    customModelFunction,
    // zerox insists on credentials even with a customModelFunction; its OpenAI model is built but never called.
    credentials: { apiKey: 'not-used' },
    // Orientation correction runs tesseract.js, which downloads its language data from a CDN at run time.
    correctOrientation: false,
    imageDensity: 144, // scale 2, as pagestream renders
    imageFormat: 'png',
    tempDir: dir,
    cleanup: true,
    maxRetries: 0,
  });
  const zeroxMs = performance.now() - zeroxStarted;
  const zeroxOk = result.pages.filter((page) => page.content.includes('</doctag>')).length;
  rows.push([
    'zerox 1.1.20 (pdf2pic/GraphicsMagick+Ghostscript, then p-limit)',
    zeroxOk,
    (zeroxMs / 1000).toFixed(1),
    (zeroxOk / (zeroxMs / 1000)).toFixed(2),
  ]);
  console.log(`zerox: ${zeroxOk}/${PAGES} pages in ${(zeroxMs / 1000).toFixed(1)} s`);

  const oursStarted = performance.now();
  const ours = await convert(file, { url: server.url, enableRemoteServices: true, concurrency: CONCURRENCY });
  const oursMs = performance.now() - oursStarted;
  const oursOk = ours.pages.filter((page) => page.status === 'success').length;
  rows.push([
    'pagestream convert() (pdf.js pool, streamed pages)',
    oursOk,
    (oursMs / 1000).toFixed(1),
    (oursOk / (oursMs / 1000)).toFixed(2),
  ]);
  console.log(`pagestream: ${oursOk}/${PAGES} pages in ${(oursMs / 1000).toFixed(1)} s`);
  const ratio = oursOk / oursMs / (zeroxOk / zeroxMs);

  writeResultsSection(
    'zerox',
    `## zerox vs pagestream (\`benchmarks/zerox.ts\`${quick ? ', --quick' : ''})

One run each, one after the other, on the same ${PAGES}-page PDF (\`makePdf\`, text-heavy A4) and simulated server
(its own child process; capacity ${SERVER.capacity}, default timings, answers ${SERVER.minTokens}-${SERVER.maxTokens} tokens), concurrency
${CONCURRENCY}, PNG at 144 dpi, wall time from the PDF path to all pages answered, both cold (no render workers
or converters started before). zerox 1.1.20 was installed outside the repository (\`npm install --prefix
/tmp/zerox-bench zerox --ignore-scripts\`; its install script tries to apt-get LibreOffice) with Debian's
graphicsmagick and ghostscript, which its renderer (pdf2pic) calls. zerox renders every page to files first,
then sends pages through \`p-limit(concurrency)\`; its model call is a \`customModelFunction\` that sends the
page image and the DocTags prompt to the simulated server, streamed, and reads the answer to the end.
\`correctOrientation: false\`: orientation correction runs tesseract.js, which downloads language data from
a CDN at run time. zerox's image clean-up (sharp, \`trimEdges\`) stays on, as by default.
${describeLoad(loadAtStart)}

${markdownTable(['converter', 'pages answered', 'wall s', 'pages/s'], rows)}

pagestream / zerox throughput: **${ratio.toFixed(2)}x**.`,
  );
} finally {
  await server.close();
  await rm(dir, { recursive: true, force: true });
}
