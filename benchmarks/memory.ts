// Peak RSS of converting a 50-page and a 500-page PDF, each in a fresh process: memory must not grow with
// the page count. Run: node --import tsx benchmarks/memory.ts [--quick]
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isQuick } from './lib/bench-args.js';
import { makeBenchPdf } from './lib/make-bench-pdf.js';
import { spawnSimServer } from './lib/spawn-sim-server.js';
import { describeLoad, loadNow } from './lib/describe-load.js';
import { markdownTable, writeResultsSection } from './lib/write-results.js';

const quick = isQuick();
const loadAtStart = loadNow();
const SIZES = quick ? [10, 40] : [50, 500];
const CONCURRENCY = 8;
const FLOOR = 1.3;
const CHILD = fileURLToPath(new URL('./lib/memory-child.ts', import.meta.url));

interface ChildReport {
  readonly pages: number;
  readonly ok: number;
  readonly wallMs: number;
  readonly baselineKiB: number;
  readonly maxRssKiB: number;
}

const run = promisify(execFile);
const dir = await mkdtemp(path.join(os.tmpdir(), 'pagestream-memory-'));
// A fast server (a twentieth of the default timings): the pages flow as fast as they render, which is when
// a pipeline without back-pressure would pile up page images.
const server = await spawnSimServer({ capacity: 16, timeScale: 0.05, seed: 5 });
/**
 * The library as it loads by default, and with @napi-rs/canvas's system font scan turned off, as the
 * CLI does (its renders do not change; see src/cli/bin.ts).
 */
const VARIANTS = [
  { fonts: 'system fonts loaded (library default)', env: {} },
  {
    fonts: 'skipped: DISABLE_SYSTEM_FONTS_LOAD=1 (as the CLI runs)',
    env: { DISABLE_SYSTEM_FONTS_LOAD: '1' },
  },
] as const;
const measured: { pages: number; fonts: string; fileKiB: number; report: ChildReport }[] = [];
try {
  for (const pages of SIZES) {
    const file = path.join(dir, `doc-${pages}.pdf`);
    await writeFile(file, makeBenchPdf(pages));
    for (const { fonts, env } of VARIANTS) {
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', CHILD, server.url, file, String(CONCURRENCY)],
        { maxBuffer: 1 << 20, timeout: 420_000, env: { ...process.env, ...env } },
      );
      const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ChildReport;
      if (report.ok !== pages) throw new Error(`${pages}-page run: only ${report.ok} pages converted`);
      measured.push({ pages, fonts, fileKiB: (await stat(file)).size / 1024, report });
      console.log(
        `${pages} pages, ${fonts}: peak RSS ${(report.maxRssKiB / 1024).toFixed(0)} MiB in ${(report.wallMs / 1000).toFixed(1)} s`,
      );
    }
  }
} finally {
  await server.close();
  await rm(dir, { recursive: true, force: true });
}

const byDefault = measured.filter((m) => m.fonts === VARIANTS[0].fonts);
const [small, large] = byDefault;
if (!small || !large) throw new Error('a size did not run');
const ratio = large.report.maxRssKiB / small.report.maxRssKiB;
const mib = (kib: number) => (kib / 1024).toFixed(0);
writeResultsSection(
  'memory',
  `## Peak memory vs page count (\`benchmarks/memory.ts\`${quick ? ', --quick' : ''})

One run per size. Each document is converted by the built package's \`convert()\` (concurrency ${CONCURRENCY}, JPEG at scale 2, render pool
of ${os.availableParallelism()} workers) in a fresh Node process that reports \`process.resourceUsage().maxRSS\` (the
process's peak resident set, worker threads included) when done; the PDF is written to a file beforehand
(\`makePdf\`, text-heavy A4 pages, a table on every third page). The simulated server runs in another child
process at a twentieth of the default timings, so pages are requested as fast as they render.
${describeLoad(loadAtStart)}

${markdownTable(
  ['pages', 'system fonts', 'PDF KiB', 'peak RSS MiB', 'RSS at start MiB', 'wall s'],
  measured.map(({ pages, fonts, fileKiB, report }) => [
    pages,
    fonts,
    fileKiB.toFixed(0),
    mib(report.maxRssKiB),
    mib(report.baselineKiB),
    (report.wallMs / 1000).toFixed(1),
  ]),
)}

${large.pages}-page peak / ${small.pages}-page peak with the library's defaults: **${ratio.toFixed(2)}** (floor <= ${FLOOR}: ${ratio <= FLOOR ? 'met' : '**not met**'}).`,
);
