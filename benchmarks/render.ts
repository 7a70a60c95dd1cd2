/**
 * Render throughput: pagestream's renderer (worker pool and in-process) against poppler's
 * `pdftoppm -r 144` (the same 144 dpi as scale 2) writing PNG and JPEG, on the largest shared PDF and
 * pdkids.pdf (55 pages). Writes its section of benchmarks/RESULTS.md. Run:
 *   node --import tsx benchmarks/render.ts
 * Needs ../shared/fixtures and `pdftoppm` (Debian/Ubuntu: `apt-get install -y poppler-utils`).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ImageFormat } from '../src/options.js';
import { createRenderPool, type RenderPool } from '../src/render/render-pool.js';
import { renderToDirectory } from '../src/render/render-to-directory.js';
import { fixturePath, hasSharedFixtures } from '../test/helpers/shared-fixtures.js';
import { markdownTable, writeResultsSection } from './lib/write-results.js';

const run = promisify(execFile);
const REPEATS = 3;

if (!hasSharedFixtures) {
  console.error('benchmarks/render.ts needs ../shared/fixtures/pdfs; it is not present here.');
  process.exit(1);
}
let hasPdftoppm = true;
try {
  execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
} catch {
  hasPdftoppm = false;
  console.warn(
    'pdftoppm not found: install it with `apt-get install -y poppler-utils` to compare with poppler.',
  );
}

const dir = fixturePath('pdfs');
const pdfs = (await readdir(dir)).filter((f) => f.endsWith('.pdf'));
const sizes = await Promise.all(pdfs.map(async (f) => ({ f, size: (await stat(path.join(dir, f))).size })));
const largest = sizes.sort((a, b) => b.size - a.size)[0]!.f;
const documents = [...new Set([largest, 'pdkids.pdf'])];

interface Row {
  document: string;
  pages: number;
  renderer: string;
  format: ImageFormat;
  seconds: number[];
}
const rows: Row[] = [];

async function timeIt(fn: () => Promise<number>): Promise<{ pages: number; seconds: number[] }> {
  const seconds: number[] = [];
  let pages = 0;
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    pages = await fn();
    seconds.push((performance.now() - started) / 1000);
  }
  return { pages, seconds };
}

const pool: RenderPool = createRenderPool();
// Start the workers and load pdf.js in them before timing: a long-running converter pays this once.
await renderToDirectory(fixturePath('pdfs', 'sizes.pdf'), {
  outDir: await mkdtemp(path.join(os.tmpdir(), 'warm-')),
  renderPool: pool,
});

for (const document of documents) {
  const input = fixturePath('pdfs', document);
  for (const format of ['png', 'jpeg'] as const) {
    for (const [renderer, renderPool] of [
      [`pagestream, pool of ${pool.size} workers`, pool],
      ['pagestream, in-process', undefined],
    ] as const) {
      const result = await timeIt(async () => {
        const outDir = await mkdtemp(path.join(os.tmpdir(), 'bench-render-'));
        try {
          const report = await renderToDirectory(input, {
            outDir,
            scale: 2,
            imageFormat: format,
            renderPool,
          });
          if (report.totals.failed > 0) throw new Error(`${document}: ${report.totals.failed} pages failed`);
          return report.totals.succeeded;
        } finally {
          await rm(outDir, { recursive: true, force: true });
        }
      });
      rows.push({ document, renderer, format, ...result });
      console.log(document, format, renderer, result.seconds.map((s) => s.toFixed(2)).join(' / '), 's');
    }
    if (hasPdftoppm) {
      const result = await timeIt(async () => {
        const outDir = await mkdtemp(path.join(os.tmpdir(), 'bench-poppler-'));
        try {
          await run('pdftoppm', [
            '-r',
            '144',
            format === 'png' ? '-png' : '-jpeg',
            input,
            path.join(outDir, 'page'),
          ]);
          return (await readdir(outDir)).length;
        } finally {
          await rm(outDir, { recursive: true, force: true });
        }
      });
      rows.push({ document, renderer: `pdftoppm -r 144 -${format} (1 process)`, format, ...result });
      console.log(document, format, 'pdftoppm', result.seconds.map((s) => s.toFixed(2)).join(' / '), 's');
    }
  }
}
await pool.close();

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const table = markdownTable(
  ['document', 'pages', 'format', 'renderer', `wall s (median of ${REPEATS})`, 'pages/s'],
  rows.map((r) => [
    r.document,
    r.pages,
    r.format,
    r.renderer,
    median(r.seconds).toFixed(2),
    (r.pages / median(r.seconds)).toFixed(1),
  ]),
);
writeResultsSection(
  'render',
  `## Render throughput (\`benchmarks/render.ts\`)

All pages at scale 2 (144 dpi), written to files, pdf.js document opened inside each run. The pool's
workers are started before timing. PNG from pagestream is its own fast encoder (Up filter, zlib
level 1); JPEG quality 90. Other work on the machine during the run can skew the numbers.

${table}`,
);
console.log(table);
