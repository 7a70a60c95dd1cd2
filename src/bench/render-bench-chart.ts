import type { BenchRun } from './run-bench.js';
import type { BenchReport } from './summarize-bench.js';
import { averageByLevel } from './summarize-bench.js';

const WIDTH = 760;
const HEIGHT = 440;
const MARGIN = { top: 56, right: 84, bottom: 64, left: 76 };
const THROUGHPUT = '#1f6feb';
const LATENCY = '#d1495b';

/**
 * Draw throughput (pages/s, left axis) and latency (p50 solid, p95 dashed; right axis) against
 * concurrency as a standalone SVG, with the best level and the knee marked.
 */
export function renderBenchChart(report: BenchReport, title = 'pagestream bench'): string {
  const levels = averageByLevel(report.runs);
  const latency = levels.map((level) => ({
    p50: mean(report.runs, level.concurrency, (run) => run.latencyP50Ms),
    p95: mean(report.runs, level.concurrency, (run) => run.latencyP95Ms),
  }));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  // Levels are usually powers of two: equal spacing reads better than a linear axis.
  const x = (index: number) =>
    MARGIN.left + (levels.length <= 1 ? plotWidth / 2 : (index / (levels.length - 1)) * plotWidth);
  const maxRate = niceCeiling(Math.max(...levels.map((level) => level.pagesPerSecond), 0.001));
  const maxLatency = niceCeiling(
    Math.max(...latency.flatMap((point) => [point.p50 ?? 0, point.p95 ?? 0]), 1),
  );
  const yRate = (value: number) => MARGIN.top + plotHeight - (value / maxRate) * plotHeight;
  const yLatency = (value: number) => MARGIN.top + plotHeight - (value / maxLatency) * plotHeight;

  const parts: string[] = [];
  parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  parts.push(text(WIDTH / 2, 28, escape(title), { size: 18, anchor: 'middle', weight: 'bold' }));
  for (let tick = 0; tick <= 4; tick++) {
    const y = MARGIN.top + plotHeight - (tick / 4) * plotHeight;
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`,
    );
    parts.push(
      text(MARGIN.left - 8, y + 4, format((maxRate * tick) / 4), { anchor: 'end', fill: THROUGHPUT }),
    );
    parts.push(
      text(MARGIN.left + plotWidth + 8, y + 4, format((maxLatency * tick) / 4), {
        anchor: 'start',
        fill: LATENCY,
      }),
    );
  }
  levels.forEach((level, index) =>
    parts.push(text(x(index), MARGIN.top + plotHeight + 20, String(level.concurrency), { anchor: 'middle' })),
  );
  parts.push(
    text(MARGIN.left + plotWidth / 2, HEIGHT - 18, 'concurrency (requests in flight)', { anchor: 'middle' }),
  );
  parts.push(
    text(20, MARGIN.top + plotHeight / 2, 'pages / s', { anchor: 'middle', fill: THROUGHPUT, rotate: true }),
  );
  parts.push(
    text(WIDTH - 18, MARGIN.top + plotHeight / 2, 'latency per page (ms)', {
      anchor: 'middle',
      fill: LATENCY,
      rotate: true,
    }),
  );

  const p95 = latency.flatMap((point, index) =>
    point.p95 === null ? [] : [[x(index), yLatency(point.p95)] as const],
  );
  const p50 = latency.flatMap((point, index) =>
    point.p50 === null ? [] : [[x(index), yLatency(point.p50)] as const],
  );
  const rate = levels.map((level, index) => [x(index), yRate(level.pagesPerSecond)] as const);
  parts.push(polyline(p95, LATENCY, '6 4', 1.5));
  parts.push(polyline(p50, LATENCY, '', 2));
  parts.push(polyline(rate, THROUGHPUT, '', 3));
  for (const [px, py] of rate) parts.push(`<circle cx="${px}" cy="${py}" r="4" fill="${THROUGHPUT}"/>`);

  const mark = (concurrency: number | undefined, label: string, dy: number) => {
    const index = levels.findIndex((level) => level.concurrency === concurrency);
    const level = levels[index];
    if (!level) return;
    parts.push(
      `<circle cx="${x(index)}" cy="${yRate(level.pagesPerSecond)}" r="7" fill="none" stroke="#111827" stroke-width="1.5"/>`,
    );
    parts.push(text(x(index), yRate(level.pagesPerSecond) + dy, label, { anchor: 'middle', size: 12 }));
  };
  mark(report.best?.concurrency, `best: ${format(report.best?.pagesPerSecond ?? 0)} pages/s`, -14);
  if (report.knee && report.knee.concurrency !== report.best?.concurrency)
    mark(report.knee.concurrency, 'knee (within 5% of best)', 22);

  parts.push(legend(MARGIN.left + 8, MARGIN.top - 14));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" font-size="12">\n${parts.join('\n')}\n</svg>\n`;
}

function legend(left: number, top: number): string {
  const item = (offset: number, color: string, dash: string, label: string) =>
    `<line x1="${left + offset}" x2="${left + offset + 24}" y1="${top}" y2="${top}" stroke="${color}" stroke-width="2.5" stroke-dasharray="${dash}"/>` +
    text(left + offset + 30, top + 4, label, {});
  return (
    item(0, THROUGHPUT, '', 'pages/s') +
    item(110, LATENCY, '', 'latency p50') +
    item(240, LATENCY, '6 4', 'latency p95')
  );
}

function mean(
  runs: readonly BenchRun[],
  concurrency: number,
  pick: (run: BenchRun) => number | null,
): number | null {
  const values = runs
    .filter((run) => run.concurrency === concurrency)
    .flatMap((run) => {
      const value = pick(run);
      return value === null ? [] : [value];
    });
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function polyline(
  points: readonly (readonly [number, number])[],
  color: string,
  dash: string,
  width: number,
): string {
  if (points.length === 0) return '';
  const coords = points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
  return `<polyline points="${coords}" fill="none" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
}

function text(
  x: number,
  y: number,
  content: string,
  style: { anchor?: string; size?: number; fill?: string; weight?: string; rotate?: boolean },
): string {
  const transform = style.rotate ? ` transform="rotate(-90 ${x} ${y})"` : '';
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${style.anchor ?? 'start'}" font-size="${style.size ?? 12}" fill="${style.fill ?? '#111827'}"${style.weight ? ` font-weight="${style.weight}"` : ''}${transform}>${content}</text>`;
}

/** 1, 2, 2.5 or 5 times a power of ten, at or above `value`. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function escape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
