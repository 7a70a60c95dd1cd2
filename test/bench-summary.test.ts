import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFragment } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';
import { createRenderPool, renderBenchChart, runBench, summarizeBench } from '../src/index.js';
import type { BenchRun } from '../src/index.js';
import { makePdf, startSimulatedServer } from '../src/simulate/index.js';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

function run(concurrency: number, pagesPerSecond: number, repeat = 1): BenchRun {
  return {
    concurrency,
    repeat,
    pages: 10,
    failedPages: 0,
    wallMs: 10_000 / pagesPerSecond,
    pagesPerSecond,
    completionTokensPerSecond: pagesPerSecond * 100,
    latencyP50Ms: 100 * concurrency,
    latencyP95Ms: 150 * concurrency,
    ttftP50Ms: 20,
  };
}

describe('summarizeBench', () => {
  const cases: {
    name: string;
    runs: BenchRun[];
    best: { concurrency: number; pagesPerSecond: number } | null;
    knee: { concurrency: number; pagesPerSecond: number } | null;
  }[] = [
    { name: 'no runs', runs: [], best: null, knee: null },
    {
      name: 'one level is best and knee',
      runs: [run(4, 2)],
      best: { concurrency: 4, pagesPerSecond: 2 },
      knee: { concurrency: 4, pagesPerSecond: 2 },
    },
    {
      name: 'throughput rising to the last level: knee is the best',
      runs: [run(1, 1), run(2, 2), run(4, 4), run(8, 8)],
      best: { concurrency: 8, pagesPerSecond: 8 },
      knee: { concurrency: 8, pagesPerSecond: 8 },
    },
    {
      name: 'a plateau: the knee is the smallest level within 5% of the best',
      runs: [run(1, 1), run(2, 1.9), run(4, 3.85), run(8, 4), run(16, 3.9)],
      best: { concurrency: 8, pagesPerSecond: 4 },
      knee: { concurrency: 4, pagesPerSecond: 3.85 },
    },
    {
      name: 'exactly 5% below the best counts as within',
      runs: [run(2, 9.5), run(4, 10)],
      best: { concurrency: 4, pagesPerSecond: 10 },
      knee: { concurrency: 2, pagesPerSecond: 9.5 },
    },
    {
      name: 'just over 5% below does not',
      runs: [run(2, 9.49), run(4, 10)],
      best: { concurrency: 4, pagesPerSecond: 10 },
      knee: { concurrency: 4, pagesPerSecond: 10 },
    },
    {
      name: 'repeats are averaged per level before choosing, whatever order runs come in',
      runs: [run(8, 5, 1), run(4, 4, 1), run(8, 1, 2), run(4, 4.2, 2)],
      best: { concurrency: 4, pagesPerSecond: 4.1 },
      knee: { concurrency: 4, pagesPerSecond: 4.1 },
    },
    {
      name: 'a tie keeps the smaller level as best',
      runs: [run(2, 3), run(4, 3)],
      best: { concurrency: 2, pagesPerSecond: 3 },
      knee: { concurrency: 2, pagesPerSecond: 3 },
    },
  ];
  for (const { name, runs, best, knee } of cases) {
    it(name, () => {
      const report = summarizeBench(runs);
      assert.equal(report.version, 1);
      assert.deepEqual(report.runs, runs);
      assert.deepEqual(report.best, best);
      assert.deepEqual(report.knee, knee);
    });
  }
});

describe('runBench against the simulated server', () => {
  it('reports runs shaped like the CONTRACT bench JSON, and a well-formed chart', async () => {
    const server = await startSimulatedServer({ timeScale: 0.02, minTokens: 10, maxTokens: 30 });
    // One pool for both levels: a run without one starts (and stops) its own workers.
    const renderPool = createRenderPool({ workers: 1 });
    try {
      const pdf = makePdf(
        [1, 2, 3].map((page) => ({ width: 300, height: 400, lines: [`# Page ${page}`, 'Some text.'] })),
      );
      const progress: string[] = [];
      const runs = await runBench(
        pdf,
        { url: server.url, enableRemoteServices: true, scale: 1, renderPool },
        { levels: [1, 2], repeat: 1, onProgress: (event) => progress.push(event.type) },
      );
      const report = summarizeBench(runs);
      // Round-trip through JSON: the report is what `bench --report` writes.
      const json = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
      assert.equal(json.version, 1);
      const jsonRuns = json.runs as Record<string, unknown>[];
      assert.deepEqual(
        jsonRuns.map((r) => r.concurrency),
        [1, 2],
      );
      for (const r of jsonRuns) {
        assert.equal(r.repeat, 1);
        assert.equal(r.pages, 3);
        for (const key of [
          'wallMs',
          'pagesPerSecond',
          'completionTokensPerSecond',
          'latencyP50Ms',
          'latencyP95Ms',
          'ttftP50Ms',
        ]) {
          assert.equal(typeof r[key], 'number', `${key} is a number`);
          assert.ok((r[key] as number) > 0, `${key} is positive`);
        }
        assert.ok((r.latencyP95Ms as number) >= (r.latencyP50Ms as number));
      }
      const best = json.best as Record<string, unknown>;
      assert.ok([1, 2].includes(best.concurrency as number));
      assert.equal(best.pagesPerSecond, Math.max(...jsonRuns.map((r) => r.pagesPerSecond as number)));
      assert.equal(progress.filter((type) => type === 'run-done').length, 2);
      assert.equal(progress.filter((type) => type === 'page-done').length, 6);
      assert.equal(server.stats().requests, 6);

      const svg = renderBenchChart(report, 'smoke <test>');
      assertWellFormed(svg);
      assert.ok(svg.startsWith('<svg'));
      const root = parseFragment(svg).childNodes.find((node) => 'tagName' in node && node.tagName === 'svg');
      assert.ok(root && 'tagName' in root, 'an <svg> root element');
      const elements = collect(root);
      const polylines = elements.filter((element) => element.tagName === 'polyline');
      const stroke = (element: Element) => element.attrs.find((attr) => attr.name === 'stroke')?.value;
      // Throughput (blue) and latency p50 and p95 (red).
      assert.equal(polylines.filter((line) => stroke(line) === '#1f6feb').length, 1);
      assert.equal(polylines.filter((line) => stroke(line) === '#d1495b').length, 2);
      for (const line of polylines) {
        const points = line.attrs.find((attr) => attr.name === 'points')?.value ?? '';
        assert.equal(points.split(' ').length, 2, 'one point per level');
      }
      const texts = elements.filter((element) => element.tagName === 'text').map(textOf);
      assert.ok(
        texts.some((content) => content.startsWith('best: ')),
        'the best level is labelled',
      );
      assert.ok(texts.includes('smoke <test>'), 'the title is escaped and shown');
      assert.ok(texts.includes('1') && texts.includes('2'), 'the levels label the x axis');
    } finally {
      await renderPool.close();
      await server.close();
    }
  });
});

function collect(node: Node): Element[] {
  const out: Element[] = [];
  if ('tagName' in node) out.push(node);
  if ('childNodes' in node) for (const child of node.childNodes) out.push(...collect(child));
  return out;
}

function textOf(node: Node): string {
  if (node.nodeName === '#text' && 'value' in node) return node.value;
  return 'childNodes' in node ? node.childNodes.map(textOf).join('') : '';
}

/** Every element is closed in order, and no stray `<` or `&` is left unescaped. */
function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let match = tag.exec(xml); match; match = tag.exec(xml)) {
    const between = xml.slice(last, match.index);
    assert.doesNotMatch(between, /<|&(?!(?:amp|lt|gt|quot|apos|#\d+);)/, `stray markup before ${match[0]}`);
    last = tag.lastIndex;
    const [, closing, name = '', , selfClosing] = match;
    if (closing) assert.equal(stack.pop(), name, `</${name}> closes the open element`);
    else if (!selfClosing) stack.push(name);
  }
  assert.equal(xml.slice(last).trim(), '');
  assert.deepEqual(stack, [], 'every element is closed');
}
