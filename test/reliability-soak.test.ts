import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { lastValueFrom, tap } from 'rxjs';
import { convertStream } from '../src/pipeline/convert-stream.js';
import { createRenderPool } from '../src/render/render-pool.js';
import { makePdf } from '../src/simulate/pdf-writer.js';
import { startSimulatedServer } from '../src/simulate/start-simulated-server.js';

const DOCUMENTS = 4;
const PAGES_PER_DOCUMENT = 50;
const PAGES = DOCUMENTS * PAGES_PER_DOCUMENT;

/** Active handles and requests by kind (sockets, timers, ...), as Node reports them. */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** Kinds with more resources now than in `baseline`. */
function leaked(baseline: Map<string, number>): string[] {
  return [...activeResources()]
    .filter(([kind, count]) => count > (baseline.get(kind) ?? 0))
    .map(([kind, count]) => `${kind}: ${baseline.get(kind) ?? 0} -> ${count}`);
}

describe('soak: 200 pages through a faulty server at concurrency 32', () => {
  it('accounts for every page, leaks no socket, timer or abort listener, and keeps memory flat', async () => {
    const server = await startSimulatedServer({ timeScale: 0.01, capacity: 64, seed: 'soak' });
    const pool = createRenderPool();
    const pdfs = Array.from({ length: DOCUMENTS }, (_, d) =>
      makePdf(
        Array.from({ length: PAGES_PER_DOCUMENT }, (_, p) => ({
          width: 200,
          height: 200,
          lines: [`# Document ${d + 1}`, `Page ${p + 1}`],
        })),
      ),
    );
    const controller = new AbortController();
    try {
      // Warm up (workers started, modules loaded, sockets to the server) so the baseline holds them.
      await lastValueFrom(
        convertStream([{ source: pdfs[0] ?? new Uint8Array(), name: 'warm-up.pdf' }], {
          url: server.url,
          enableRemoteServices: true,
          scale: 0.5,
          pages: '1-4',
          renderPool: pool,
        }),
      );
      await sleep(50);
      const baseline = activeResources();
      server.configure({
        faults: {
          rate429: 0.04,
          retryAfterSeconds: 0.02,
          rate5xx: 0.04,
          cutRate: 0.04,
          stallRate: 0.03,
          stallMs: 1500,
          streamErrorRate: 0.04,
        },
      });

      const pages = new Map<string, string>();
      const failures = new Map<string, number>();
      let retries = 0;
      const rss: number[] = [];
      const sampler = setInterval(() => rss.push(process.memoryUsage.rss()), 100);
      try {
        await lastValueFrom(
          convertStream(
            pdfs.map((source, index) => ({ source, name: `doc-${index + 1}.pdf` })),
            {
              url: server.url,
              enableRemoteServices: true,
              concurrency: 32,
              scale: 0.5,
              retries: 3,
              // Stalls (1.5 s) are longer than the idle limit: each is a timeout, then a retry.
              timeout: 1000,
              renderPool: pool,
              signal: controller.signal,
            },
          ).pipe(
            tap((event) => {
              if (event.type === 'retry') retries++;
              if (event.type !== 'page-done') return;
              const { input, page, status, error } = event.result;
              const key = `${input}#${page}`;
              assert.ok(!pages.has(key), `${key} reported twice`);
              pages.set(key, status);
              if (status === 'failed') {
                assert.ok(error, `${key} failed without a reason`);
                failures.set(error.code, (failures.get(error.code) ?? 0) + 1);
              }
            }),
          ),
        );
      } finally {
        clearInterval(sampler);
      }
      // Every page accounted for: a success, or a failure with its reason.
      assert.equal(pages.size, PAGES);
      for (const status of pages.values()) assert.ok(status === 'success' || status === 'failed', status);
      const failed = [...failures.values()].reduce((a, b) => a + b, 0);
      const stats = server.stats();
      assert.ok(retries > 0, 'faults were injected and retried');
      assert.ok(failed < PAGES * 0.05, `${failed} pages failed: ${JSON.stringify([...failures])}`);
      assert.ok(stats.requests >= PAGES, 'every page reached the server at least once');

      // No abort listener left on the caller's signal.
      assert.equal(getEventListeners(controller.signal, 'abort').length, 0);

      // Sockets, timers and requests back to the baseline once the run's client has closed.
      const deadline = Date.now() + 5000;
      while (leaked(baseline).length > 0 && Date.now() < deadline) await sleep(50);
      assert.deepEqual(leaked(baseline), []);

      // Memory flat: the last quarter's peak within 1.3x of the first quarter's.
      assert.ok(rss.length >= 8, `${rss.length} samples`);
      const quarter = Math.floor(rss.length / 4);
      const first = Math.max(...rss.slice(0, quarter));
      const last = Math.max(...rss.slice(-quarter));
      assert.ok(last <= first * 1.3, `RSS grew from ${first >> 20} MiB to ${last >> 20} MiB`);
    } finally {
      await pool.close();
      await server.close();
    }
  });
});
