import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lastValueFrom, toArray } from 'rxjs';
import { RemoteServicesDisabledError } from '../src/errors.js';
import type { ConversionEvent } from '../src/pipeline/conversion-event.js';
import { convert, convertAll } from '../src/pipeline/convert.js';
import { convertStream } from '../src/pipeline/convert-stream.js';
import { makePdf } from '../src/simulate/pdf-writer.js';
import { startSimulatedServer } from '../src/simulate/start-simulated-server.js';
import type { SimulatedServer } from '../src/simulate/start-simulated-server.js';

/** Pages of distinct sizes, so each answer (which names its image's size) shows which page it belongs to. */
function pdfWithDistinctPages(count: number): Uint8Array {
  return makePdf(
    Array.from({ length: count }, (_, index) => ({
      width: 200 + index * 10,
      height: 300,
      lines: [`# Page ${index + 1}`, 'Body text.'],
    })),
  );
}

describe('convert pipeline against the simulated server', () => {
  let server: SimulatedServer;
  before(async () => {
    server = await startSimulatedServer({ timeScale: 0.02, capacity: 64, seed: 7 });
  });
  after(() => server.close());

  const options = () => ({ url: server.url, enableRemoteServices: true, scale: 1 });

  it('keeps document order whatever order pages finish in, and decodes every page', async () => {
    const result = await convert(
      { source: pdfWithDistinctPages(9), name: 'nine.pdf' },
      { ...options(), concurrency: 4 },
    );
    assert.equal(result.status, 'success');
    assert.deepEqual(
      result.pages.map((page) => page.page),
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    for (const page of result.pages) {
      assert.equal(page.status, 'success');
      // At scale 1 a 200+10i pt wide page renders 200+10i px wide; the simulated model names that size.
      assert.ok(
        page.text.includes(`${200 + (page.page - 1) * 10}x300`),
        `page ${page.page} got another page's answer`,
      );
      assert.ok(page.content && page.content.items.length > 0);
      assert.ok((page.completionTokens ?? 0) > 0);
    }
    assert.equal(result.document.pages.length, 9);
  });

  it('sends the first request before the last page is rendered', async () => {
    const events = await lastValueFrom(
      convertStream(
        { source: pdfWithDistinctPages(12), name: 'twelve.pdf' },
        { ...options(), concurrency: 2 },
      ).pipe(toArray()),
    );
    const firstRequest = events.findIndex((event) => event.type === 'request-sent');
    const lastRender = events.findLastIndex((event) => event.type === 'page-rendered');
    assert.ok(firstRequest !== -1 && lastRender !== -1);
    assert.ok(firstRequest < lastRender, 'rendering ran ahead of the first request');
  });

  it('renders only a bounded number of pages ahead of the requests', async () => {
    const events: ConversionEvent[] = [];
    await lastValueFrom(
      convertStream(
        { source: pdfWithDistinctPages(16), name: 'sixteen.pdf' },
        { ...options(), concurrency: 2 },
      ).pipe(toArray()),
    ).then((all) => events.push(...all));
    let renderedNotDone = 0;
    let peak = 0;
    for (const event of events) {
      if (event.type === 'page-rendered') peak = Math.max(peak, ++renderedNotDone);
      if (event.type === 'page-done') renderedNotDone--;
    }
    // concurrency (2) + render-ahead (2): never the whole document.
    assert.ok(peak <= 4, `held ${peak} rendered pages at once`);
  });

  it('shares one set of workers across every input of a run', async () => {
    server.resetStats();
    const inputs = [1, 2, 3].map((n) => ({ source: pdfWithDistinctPages(6), name: `doc-${n}.pdf` }));
    const run = await convertAll(inputs, { ...options(), concurrency: 3 });
    assert.deepEqual(
      run.documents.map((document) => document.input),
      ['doc-1.pdf', 'doc-2.pdf', 'doc-3.pdf'],
    );
    assert.ok(run.documents.every((document) => document.status === 'success'));
    const stats = server.stats();
    assert.equal(stats.completed, 18);
    assert.ok(stats.maxActive <= 3, `server saw ${stats.maxActive} requests at once with concurrency 3`);
    assert.equal(stats.maxActive, 3, 'the workers were not kept busy');
  });

  it('isolates a failing page: the others go on and the document is partial', async () => {
    server.configure({ faults: { script: ['500'] } });
    try {
      const result = await convert(
        { source: pdfWithDistinctPages(3), name: 'three.pdf' },
        { ...options(), concurrency: 1, retries: 0 },
      );
      assert.equal(result.status, 'partial');
      const failed = result.pages.filter((page) => page.status === 'failed');
      assert.equal(failed.length, 1, failed.map((page) => `${page.page}: ${page.error?.message}`).join('; '));
      assert.equal(failed[0]?.error?.code, 'HTTP_STATUS');
      assert.equal(result.document.pages.length, 2);
    } finally {
      server.configure({ faults: { script: [] } });
    }
  });

  it('refuses to start without enableRemoteServices, before reading anything or connecting', async () => {
    server.resetStats();
    assert.throws(
      () => convertStream('/no/such/file.pdf', { url: server.url }),
      (error) =>
        error instanceof RemoteServicesDisabledError && /--enable-remote-services/.test(error.message),
    );
    await assert.rejects(convert('/no/such/file.pdf', { url: server.url }), RemoteServicesDisabledError);
    assert.equal(server.stats().requests, 0);
  });

  it('reports an input that cannot be opened without stopping the others', async () => {
    const run = await convertAll(
      [
        { source: new TextEncoder().encode('not a document at all'), name: 'junk.bin' },
        { source: pdfWithDistinctPages(2), name: 'good.pdf' },
      ],
      options(),
    );
    const [junk, good] = run.documents;
    assert.ok(junk && good);
    assert.equal(junk.status, 'failed');
    assert.equal(junk.error?.code, 'UNSUPPORTED_FORMAT');
    assert.equal(good.status, 'success');
  });

  it('cancels in-flight requests when the signal aborts, and the server sees the disconnects', async () => {
    server.resetStats();
    server.configure({ timeScale: 1 });
    try {
      const controller = new AbortController();
      const pending = convert(
        { source: pdfWithDistinctPages(8), name: 'eight.pdf' },
        { ...options(), concurrency: 4, signal: controller.signal },
      );
      await waitFor(() => server.stats().active >= 2);
      const reason = new Error('stop now');
      controller.abort(reason);
      await assert.rejects(pending, (error) => error === reason);
      await waitFor(() => server.stats().active === 0);
      const stats = server.stats();
      assert.ok(stats.disconnects >= 2, `server saw ${stats.disconnects} disconnects`);
      assert.ok(stats.completed < 8);
    } finally {
      server.configure({ timeScale: 0.02 });
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
