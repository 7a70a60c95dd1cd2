import os from 'node:os';
import { parseArgs } from 'node:util';
import { createRenderPool } from '../render/render-pool.js';
import { renderToDirectory } from '../render/render-to-directory.js';
import { EXIT, writeReport } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import { integerFlag } from './integer-flag.js';
import { ProgressBar } from './progress-bar.js';
import { UsageError } from './usage-error.js';

export const RENDER_HELP = `Usage: pagestream render <input> --out-dir <dir> [options]

Renders pages to image files (page-0001.png, ...) without any network.

  --out-dir <dir>        folder for the images (required; created if missing)
  --scale <x>            render scale, 1 = 72 dpi (default 2)
  --max-size <px>        longest image edge (default none)
  --image-format <f>     png | jpeg | webp (default png)
  --image-quality <n>    JPEG/WebP quality 1-100 (default 90)
  --pages <ranges>       1-based pages, e.g. 1-3,7,10- (default all)
  --password <pw>        password of an encrypted PDF
  --report <path>        write the run report as JSON (network fields null)
  --workers <n>          render worker threads; 0 renders in this thread
                         (default: one per core above 2 cores, else 0)
  --quiet                no progress output (default: progress on a TTY)
`;

/** `pagestream render`: returns the exit code. */
export async function runRenderCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      'out-dir': { type: 'string' },
      scale: { type: 'string', default: '2' },
      'max-size': { type: 'string' },
      'image-format': { type: 'string', default: 'png' },
      'image-quality': { type: 'string', default: '90' },
      pages: { type: 'string' },
      password: { type: 'string' },
      report: { type: 'string' },
      workers: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(RENDER_HELP);
    return EXIT.ok;
  }
  const [input, ...extra] = positionals;
  if (input === undefined || extra.length > 0)
    throw new UsageError('render: give exactly one input document');
  const outDir = values['out-dir'];
  if (outDir === undefined) throw new UsageError('render: --out-dir <dir> is required');
  const scale = positiveNumber('--scale', values.scale);
  const maxSize =
    values['max-size'] === undefined ? undefined : positiveNumber('--max-size', values['max-size']);
  const quality = positiveNumber('--image-quality', values['image-quality']);
  const workers =
    values.workers === undefined ? defaultWorkers() : integerFlag('--workers', values.workers, 0);
  const format = values['image-format'];
  if (format !== 'png' && format !== 'jpeg' && format !== 'webp') {
    throw new UsageError(`--image-format: expected png, jpeg or webp; got ${JSON.stringify(format)}`);
  }

  const pool = workers > 0 ? createRenderPool({ workers }) : undefined;
  const progress =
    !values.quiet && io.stderr.isTTY === true ? new ProgressBar(io.stderr as NodeJS.WriteStream) : undefined;
  const report = await renderToDirectory(input, {
    outDir,
    scale,
    maxSize,
    imageFormat: format,
    quality,
    // Checked against the page count once the document is open, before any image is written.
    pages: values.pages,
    password: values.password,
    signal: io.signal,
    renderPool: pool,
    onStart: (selected) => progress?.addPages(selected.length),
    onPage: (page) => progress?.finished(String(page.page), page.status === 'failed'),
  }).finally(async () => {
    progress?.stop();
    await pool?.close();
  });
  if (values.report) await writeReport(values.report, report);
  for (const page of report.pages) {
    if (page.error)
      // Render errors already say which page they are about.
      io.stderr.write(`error: ${page.error.code}: ${input}: ${page.error.message}\n`);
  }
  return report.totals.failed > 0 ? EXIT.pagesFailed : EXIT.ok;
}

/**
 * Rendering in this thread already keeps about one and a half cores busy: Skia encodes JPEG and WebP,
 * and zlib deflates PNG, on libuv's threads while the next page is drawn. On 2 cores a worker pool
 * only added its start-up (each worker parses the document and warms up on its own): pdkids.pdf, 55
 * pages, took 3.1-3.2 s in this thread against 3.3 s on 2 workers (JPEG), with 380 MB against 515 MB
 * resident. With more cores the pool is what scales, one worker per core.
 */
function defaultWorkers(): number {
  const cores = os.availableParallelism();
  return cores > 2 ? cores : 0;
}

function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${flag}: expected a positive number; got ${JSON.stringify(text)}`);
  return value;
}
