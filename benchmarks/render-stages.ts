/**
 * Where a rendered page's time goes, stage by stage, in one warm thread: pdf.js's operator list,
 * drawing with and without the glyph cache (with a pixel read, which makes Skia rasterize what was
 * recorded), and encoding with Skia's JPEG and pagestream's PNG. On pdkids.pdf (text) and
 * issue7229.pdf (a scan per page). The same modules PdfBackend uses, called one stage at a time.
 * Writes its section of benchmarks/RESULTS.md. Run: node --import tsx benchmarks/render-stages.ts
 */
import { readFileSync } from 'node:fs';
import { createCanvas, type Canvas } from '@napi-rs/canvas';
import { loadPdfjs, pdfjsAssets } from '../src/backends/load-pdfjs.js';
import { DrawingContext } from '../src/render/drawing-context.js';
import type { ImageFormat } from '../src/options.js';
import { encodeCanvas } from '../src/render/encode-canvas.js';
import { GlyphCache } from '../src/render/glyph-cache.js';
import { fixturePath, hasSharedFixtures } from '../test/helpers/shared-fixtures.js';
import { describeLoad, loadNow } from './lib/describe-load.js';
import { markdownTable, writeResultsSection } from './lib/write-results.js';

if (!hasSharedFixtures) {
  console.error('benchmarks/render-stages.ts needs ../shared/fixtures/pdfs; it is not present here.');
  process.exit(1);
}
const loadAtStart = loadNow();
const ROUNDS = 3;
const pdfjs = await loadPdfjs();

interface Stages {
  operatorList: number;
  draw: number;
  rasterize: number;
  encode: number;
}

/**
 * Milliseconds `work` takes, one stage at a time so that nothing overlaps: on a quiet core that is
 * the stage's CPU time (the process's CPU counter would also charge it with the garbage collector's
 * and compiler's background threads).
 */
async function timed(work: () => unknown): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** One pass per configuration, so that one encoder's garbage is not collected inside the other's stages. */
async function measure(file: string, glyphCache: boolean, format: ImageFormat): Promise<Stages> {
  const document = await pdfjs.getDocument({
    data: new Uint8Array(readFileSync(fixturePath('pdfs', file))),
    ...pdfjsAssets(),
    isEvalSupported: false,
    disableFontFace: true,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  }).promise;
  const glyphs = new GlyphCache();
  const totals: Stages = { operatorList: 0, draw: 0, rasterize: 0, encode: 0 };
  // Round 0 warms the JIT and fills the glyph cache, as earlier pages of a document do.
  for (let round = 0; round <= ROUNDS; round++) {
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const viewport = page.getViewport({ scale: 2 });
      const canvas: Canvas = createCanvas(Math.floor(viewport.width), Math.floor(viewport.height));
      const context = canvas.getContext('2d');
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      const drawing = glyphCache ? new DrawingContext(context, glyphs).asContext() : context;
      const surface = { width: canvas.width, height: canvas.height, getContext: () => drawing };
      const stages: Stages = {
        operatorList: await timed(() => page.getOperatorList()),
        draw: await timed(() => page.render({ canvas: surface as never, viewport }).promise),
        rasterize: await timed(() => context.getImageData(0, 0, 1, 1)),
        encode: await timed(() => encodeCanvas(canvas, format, 90)),
      };
      page.cleanup();
      if (round > 0) for (const key of Object.keys(totals) as (keyof Stages)[]) totals[key] += stages[key];
    }
  }
  const pages = document.numPages * ROUNDS;
  await document.destroy();
  for (const key of Object.keys(totals) as (keyof Stages)[]) totals[key] /= pages;
  return totals;
}

const CONFIGURATIONS: [file: string, glyphCache: boolean, format: ImageFormat][] = [
  ['pdkids.pdf', true, 'jpeg'],
  ['pdkids.pdf', false, 'jpeg'],
  ['pdkids.pdf', true, 'png'],
  ['issue7229.pdf', true, 'jpeg'],
  ['issue7229.pdf', true, 'png'],
];
const rows: (string | number)[][] = [];
for (const [file, glyphCache, format] of CONFIGURATIONS) {
  const stages = await measure(file, glyphCache, format);
  const total = stages.operatorList + stages.draw + stages.rasterize + stages.encode;
  const row = [
    file,
    glyphCache ? 'glyph cache' : 'a path per glyph',
    format === 'jpeg' ? "Skia's JPEG, q90" : "pagestream's PNG",
    ...[stages.operatorList, stages.draw, stages.rasterize, stages.encode, total].map((ms) => ms.toFixed(1)),
  ];
  rows.push(row);
  console.log(row.join(' | '));
}

const table = markdownTable(
  ['document', 'glyphs', 'encoder', 'operator list', 'draw', 'rasterize', 'encode', 'total'],
  rows,
);
writeResultsSection(
  'render-stages',
  `## Where a page's time goes (\`benchmarks/render-stages.ts\`)

Milliseconds per page in one warm thread at scale 2, one stage at a time (so on a quiet core, each
stage's CPU time), mean over ${ROUNDS} passes after a warm-up pass,
using the modules \`PdfBackend\` uses, one stage at a time: pdf.js building the operator list, pdf.js
drawing (through the glyph-caching context or straight onto Skia's), Skia rasterizing what was recorded
(forced by reading a pixel), and encoding (awaited). Each row is its own pass over the document. Images here are decoded by pdf.js in JavaScript (this thread did not install the
native decoder), which is what the scan's operator list and draw columns show. pdftoppm needs 17-20 ms
per pdkids page in all, encoding included (\`benchmarks/render.ts\`).
${describeLoad(loadAtStart)}

${table}`,
);
console.log(table);
