/**
 * Render throughput: pagestream's renderer (worker pool and in-process, and the built `pagestream
 * render` CLI as a process) against poppler's `pdftoppm -r 144` (the same 144 dpi as scale 2) writing
 * PNG and JPEG, on the largest shared PDF and pdkids.pdf (55 pages). Writes its section of
 * benchmarks/RESULTS.md. Run (after `npm run build`, for the CLI row):
 *   node --import tsx benchmarks/render.ts
 * Needs ../shared/fixtures and `pdftoppm` (Debian/Ubuntu: `apt-get install -y poppler-utils`).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
  /** CPU time per page over all threads (ours) or of the child process (pdftoppm), per repeat. */
  cpuMsPerPage: (number | undefined)[];
}
const rows: Row[] = [];

/**
 * CPU seconds (user + system) of waited-for child processes, from /proc/self/stat (Linux); undefined
 * elsewhere. Wall time alone is misleading when other work shares the cores.
 */
function childCpuSeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ');
    const ticks = Number(fields?.[13]) + Number(fields?.[14]); // cutime, cstime
    return Number.isFinite(ticks) ? ticks / 100 : undefined; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** Run `write` into a fresh temporary folder; returns how many files it wrote there. */
async function filesWritten(write: (outDir: string) => Promise<unknown>): Promise<number> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'bench-render-'));
  try {
    await write(outDir);
    return (await readdir(outDir)).length;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

function renderOurs(input: string, format: ImageFormat, renderPool: RenderPool | undefined) {
  return filesWritten(async (outDir) => {
    const report = await renderToDirectory(input, { outDir, scale: 2, imageFormat: format, renderPool });
    if (report.totals.failed > 0) throw new Error(`${input}: ${report.totals.failed} pages failed`);
  });
}

const CLI = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const hasCli = existsSync(CLI);
if (!hasCli) console.warn('dist/cli/bin.js not found: run `npm run build` to include the CLI row.');

/** `pagestream render` as a user runs it: a new process, with its defaults (see `--workers`). */
function renderCli(input: string, format: ImageFormat, pages: readonly string[] = []) {
  return filesWritten((outDir) =>
    run(process.execPath, [CLI, 'render', input, '--out-dir', outDir, '--image-format', format, ...pages]),
  );
}

function renderPoppler(input: string, format: ImageFormat, pages: readonly string[] = []) {
  const type = format === 'png' ? '-png' : '-jpeg';
  return filesWritten((outDir) =>
    run('pdftoppm', ['-r', '144', type, ...pages, input, path.join(outDir, 'page')]),
  );
}

const pool: RenderPool = createRenderPool();
// Start the workers and load pdf.js in them before timing: a long-running converter pays this once.
await renderToDirectory(fixturePath('pdfs', 'sizes.pdf'), {
  outDir: await mkdtemp(path.join(os.tmpdir(), 'warm-')),
  renderPool: pool,
});

const loadBefore = os.loadavg();
for (const document of documents) {
  const input = fixturePath('pdfs', document);
  for (const format of ['png', 'jpeg'] as const) {
    const contenders: [string, 'ours' | 'child', () => Promise<number>][] = [
      [`pagestream, pool of ${pool.size} workers`, 'ours', () => renderOurs(input, format, pool)],
      ['pagestream, in-process', 'ours', () => renderOurs(input, format, undefined)],
    ];
    if (hasCli)
      contenders.push([
        'pagestream render CLI (new process, default workers)',
        'child',
        () => renderCli(input, format),
      ]);
    if (hasPdftoppm)
      contenders.push([
        `pdftoppm -r 144 -${format} (1 process)`,
        'child',
        () => renderPoppler(input, format),
      ]);
    const group = contenders.map(([renderer]): Row => ({
      document,
      pages: 0,
      renderer,
      format,
      seconds: [],
      cpuMsPerPage: [],
    }));
    // Rounds rather than one contender's repeats in a row, so that load from other work on the
    // machine drifting during the run falls on every contender alike.
    for (let round = 0; round < REPEATS; round++) {
      for (const [index, [, kind, render]] of contenders.entries()) {
        const row = group[index]!;
        const cpuBefore = kind === 'ours' ? process.cpuUsage() : undefined;
        const childBefore = kind === 'child' ? childCpuSeconds() : undefined;
        const started = performance.now();
        row.pages = await render();
        row.seconds.push((performance.now() - started) / 1000);
        if (cpuBefore) {
          const used = process.cpuUsage(cpuBefore);
          row.cpuMsPerPage.push((used.user + used.system) / 1000 / row.pages);
        } else {
          const childAfter = childCpuSeconds();
          row.cpuMsPerPage.push(
            childBefore !== undefined && childAfter !== undefined
              ? ((childAfter - childBefore) * 1000) / row.pages
              : undefined,
          );
        }
      }
    }
    for (const row of group) {
      rows.push(row);
      const cpu = row.cpuMsPerPage.map((ms) => (ms === undefined ? '?' : ms.toFixed(0))).join(' / ');
      const wall = row.seconds.map((s) => s.toFixed(2)).join(' / ');
      console.log(document, format, row.renderer, wall, 's;', cpu, 'CPU ms/page');
    }
  }
}
// Start-up: a new process rendering only the first page of pdkids.pdf as JPEG, median of 5.
const startup: [string, number][] = [];
const firstPage = fixturePath('pdfs', 'pdkids.pdf');
const startupRuns: [string, () => Promise<number>][] = [];
if (hasCli)
  startupRuns.push(['`pagestream render --pages 1`', () => renderCli(firstPage, 'jpeg', ['--pages', '1'])]);
if (hasPdftoppm)
  startupRuns.push(['`pdftoppm -f 1 -l 1`', () => renderPoppler(firstPage, 'jpeg', ['-f', '1', '-l', '1'])]);
for (const [name, render] of startupRuns) {
  const seconds: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await render();
    seconds.push((performance.now() - started) / 1000);
  }
  startup.push([name, [...seconds].sort((a, b) => a - b)[2]!]);
}
const loadAfter = os.loadavg();
await pool.close();

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const cpuMedian = (values: (number | undefined)[]) => {
  const known = values.filter((v) => v !== undefined);
  return known.length === values.length ? median(known).toFixed(0) : 'n/a';
};
const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(', ');
const table = markdownTable(
  [
    'document',
    'pages',
    'format',
    'renderer',
    `wall s (median of ${REPEATS})`,
    'pages/s',
    'CPU ms/page (all threads)',
  ],
  rows.map((r) => [
    r.document,
    r.pages,
    r.format,
    r.renderer,
    median(r.seconds).toFixed(2),
    (r.pages / median(r.seconds)).toFixed(1),
    cpuMedian(r.cpuMsPerPage),
  ]),
);
writeResultsSection(
  'render',
  `## Render throughput (\`benchmarks/render.ts\`)

All pages at scale 2 (144 dpi), written to files, the pdf.js document opened inside each run; the
pool's workers are started before timing. pagestream's PNG is its own encoder (Up filter, zlib level 1,
\`Z_RLE\`); its JPEG is Skia's at quality 90 (pdftoppm's default is 75). The contenders run in rounds
(one run of each, ${REPEATS} times) so that load from other work drifting during the run falls on all of
them. **CPU ms/page** is user + system time over all threads (pdf.js, Skia, the encoders on libuv's
pool, the workers) or, for pdftoppm, of its process: it moves much less than wall time when the
cores are shared. Load average (1, 5, 15 min) before: ${load(loadBefore)}; after: ${load(loadAfter)}, on
${os.availableParallelism()} cores: above ${os.availableParallelism()}, other work competed for the cores and wall times are pessimistic.

Where a page's time goes is measured stage by stage in \`benchmarks/render-stages.ts\` (its own section
below): on pdkids, Skia's JPEG encoder takes more than half of a page, and on its own more than poppler's
whole page (17-20 ms, the table's CPU column). The glyph cache and putting back the natives pdf.js's
bundled core-js replaces (\`Array.prototype.push\` among them) cut the drawing side. So JPEG is where we lose: a JavaScript encoder of our own (baseline,
4:2:0, a fast path for blank 16x16 blocks) was tried; it beat Skia's on text pages but lost on scans,
and was not kept. Rendering in one thread already keeps about 1.5 cores busy (Skia encodes on libuv's threads),
which is why 2 workers gain little on 2 cores, and why \`pagestream render\` defaults to one thread on
2 cores. The CLI row is a new process each run, start-up included (see the one-page times below). Scans (issue7229.pdf, one 1654x2338 JPEG a
page): in render workers and the CLI, pdf.js hands JPEG images to Skia's decoder (libjpeg-turbo) through
the \`ImageDecoder\` pagestream installs there; the in-process row runs in this benchmark's own thread,
where a library leaves pdf.js's JavaScript decoder alone, and shows what that costs.

${table}

A new process rendering only page 1 of pdkids.pdf as JPEG (start-up included), median of 5:
${startup.map(([name, seconds]) => `${name} ${seconds.toFixed(2)} s`).join('; ')}.`,
);
console.log(table);
