import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** benchmarks/RESULTS.md: every benchmark owns one section of it. */
export const RESULTS_FILE = path.resolve(fileURLToPath(import.meta.url), '../../RESULTS.md');

/** One line naming the machine, so numbers are never read without their context. */
export function describeMachine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const gib = (os.totalmem() / 2 ** 30).toFixed(0);
  return `${os.availableParallelism()} cores (${cpu}), ${gib} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/**
 * Replace (or append) the section `name` of RESULTS.md with `markdown`, leaving the other benchmarks'
 * sections as they are.
 */
export function writeResultsSection(name: string, markdown: string): void {
  const begin = `<!-- begin:${name} -->`;
  const end = `<!-- end:${name} -->`;
  const block = `${begin}\n${markdown.trim()}\n\n_Measured ${new Date().toISOString().slice(0, 10)} on ${describeMachine()}._\n${end}`;
  const current = existsSync(RESULTS_FILE)
    ? readFileSync(RESULTS_FILE, 'utf8')
    : '# Benchmark results\n\nEach section is written by the benchmark named in it; rerun it to refresh the numbers.\n';
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  const next =
    start !== -1 && stop > start
      ? current.slice(0, start) + block + current.slice(stop + end.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(RESULTS_FILE, next);
}

/** Format a Markdown table from a header row and rows of cells. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
