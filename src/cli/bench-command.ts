import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { renderBenchChart } from '../bench/render-bench-chart.js';
import { runBench } from '../bench/run-bench.js';
import type { BenchProgress, BenchRun } from '../bench/run-bench.js';
import { summarizeBench } from '../bench/summarize-bench.js';
import type { BenchReport } from '../bench/summarize-bench.js';
import { InvalidOptionsError } from '../errors.js';
import type { ConvertOptions } from '../options.js';
import { startSimulatedServer } from '../simulate/start-simulated-server.js';
import type { SimulatedServer } from '../simulate/start-simulated-server.js';
import { EXIT, writeReport } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import { CONNECTION_FLAGS, parseConnectionArgs } from './parse-connection-args.js';
import { integerFlag } from './integer-flag.js';
import { UsageError, toFlagError } from './usage-error.js';

export const BENCH_HELP = `Usage: pagestream bench <input> [options]

Converts the same document once per concurrency level (and repetition) and reports pages/s, completion
tokens/s, latency p50/p95 and time to first token p50 for each, the best level, and the knee: the
smallest level within 5% of the best.

  --concurrency <list>       levels to sweep (default 1,2,4,8,16)
  --repeat <n>               runs per level (default 1)
  --report <path>            write the bench report as JSON
  --chart <path.svg>         draw throughput and latency against concurrency
  --simulate                 run against the built-in simulated server (no --url)
  --quiet                    no progress output
  ...and the connection, answer and rendering flags of "pagestream convert".
`;

/** `pagestream bench`: returns the exit code. */
export async function runBenchCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    allowNegative: true,
    options: {
      ...CONNECTION_FLAGS,
      concurrency: { type: 'string', default: '1,2,4,8,16' },
      repeat: { type: 'string', default: '1' },
      report: { type: 'string' },
      chart: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(BENCH_HELP);
    return EXIT.ok;
  }
  const [input, ...extra] = positionals;
  if (input === undefined || extra.length > 0) throw new UsageError('bench: give exactly one input document');
  const levels = parseLevels(values.concurrency);
  const repeat = integerFlag('--repeat', values.repeat, 1, 100);
  const options: ConvertOptions = parseConnectionArgs(values, io.env);

  let simulated: SimulatedServer | undefined;
  if (values.simulate) {
    if (values.url !== undefined) throw new UsageError('--simulate and --url: give one or the other');
    simulated = await startSimulatedServer({ timeScale: 0.25 });
    Object.assign(options, { url: simulated.url, enableRemoteServices: true });
  }
  try {
    const progress = values.quiet ? undefined : progressPrinter(io);
    let runs: BenchRun[];
    try {
      runs = await runBench(
        input,
        { ...options, signal: io.signal },
        { levels, repeat, ...(progress ? { onProgress: progress } : {}) },
      );
    } catch (error) {
      if (io.signal.aborted) return EXIT.interrupted;
      throw error instanceof InvalidOptionsError && !(error instanceof UsageError)
        ? toFlagError(error)
        : error;
    }
    const report = summarizeBench(runs);
    io.stdout.write(formatTable(report));
    if (values.report) await writeReport(values.report, report);
    if (values.chart) await writeFile(values.chart, renderBenchChart(report, `pagestream bench: ${input}`));
    return runs.some((run) => run.failedPages > 0) ? EXIT.pagesFailed : EXIT.ok;
  } finally {
    await simulated?.close();
  }
}

function parseLevels(text: string): number[] {
  const levels = text.split(',').map((part) => Number(part.trim()));
  if (levels.length === 0 || levels.some((level) => !Number.isInteger(level) || level < 1 || level > 1024)) {
    throw new UsageError(
      `--concurrency: expected a comma-separated list of integers from 1 to 1024; got ${JSON.stringify(text)}`,
    );
  }
  return levels;
}

/** Progress on stderr: a line per finished run, and a live page count on a TTY. */
function progressPrinter(io: CliIo): (progress: BenchProgress) => void {
  const live = io.stderr.isTTY === true;
  return (progress) => {
    if (progress.type === 'page-done' && live) {
      io.stderr.write(
        `\r\x1b[2Kconcurrency ${progress.concurrency} (run ${progress.repeat}): ${progress.done}/${progress.total} pages`,
      );
    } else if (progress.type === 'run-done') {
      const { run } = progress;
      io.stderr.write(
        `${live ? '\r\x1b[2K' : ''}concurrency ${run.concurrency} (run ${run.repeat}): ${run.pagesPerSecond} pages/s, p50 ${run.latencyP50Ms ?? '-'} ms${run.failedPages > 0 ? `, ${run.failedPages} pages failed` : ''}\n`,
      );
    }
  };
}

function formatTable(report: BenchReport): string {
  const header = ['concurrency', 'run', 'pages', 'pages/s', 'tokens/s', 'p50 ms', 'p95 ms', 'ttft p50 ms'];
  const rows = report.runs.map((run) =>
    [
      run.concurrency,
      run.repeat,
      run.pages,
      run.pagesPerSecond,
      run.completionTokensPerSecond,
      run.latencyP50Ms ?? '-',
      run.latencyP95Ms ?? '-',
      run.ttftP50Ms ?? '-',
    ].map(String),
  );
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  ');
  const lines = [line(header), ...rows.map(line)];
  if (report.best)
    lines.push('', `best: concurrency ${report.best.concurrency} (${report.best.pagesPerSecond} pages/s)`);
  if (report.knee)
    lines.push(
      `knee: concurrency ${report.knee.concurrency} (${report.knee.pagesPerSecond} pages/s, the smallest level within 5% of the best)`,
    );
  return `${lines.join('\n')}\n`;
}
