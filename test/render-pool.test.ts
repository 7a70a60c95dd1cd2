import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { openDocument } from '../src/backends/open-document.js';
import { RenderError } from '../src/errors.js';
import { createRenderPool } from '../src/render/render-pool.js';
import { makePdf } from '../src/simulate/pdf-writer.js';
import { decodeGrey, meanAbsoluteDifference, SIGNATURES, startsWith } from './helpers/pdf-images.js';

const pages = (count: number, label: string) =>
  makePdf(
    Array.from({ length: count }, (_, i) => ({
      width: 612,
      height: 792,
      rotate: i % 2 === 0 ? 0 : 90,
      lines: [`# ${label} page ${i + 1}`, 'Rendered on a worker thread.'],
    })),
  );

describe('RenderPool', () => {
  const pool = createRenderPool({ workers: 2 });
  after(() => pool.close());

  it('renders the same pixels on workers as in this thread, for several documents at once', async () => {
    const a = pages(6, 'Alpha');
    const b = pages(3, 'Beta');
    const [pooledA, pooledB, local] = await Promise.all([
      openDocument(a, { renderPool: pool, name: 'a.pdf' }),
      openDocument(b, { renderPool: pool, name: 'b.pdf' }),
      openDocument(a),
    ]);
    try {
      const options = { scale: 1, format: 'png' } as const;
      const results = await Promise.all([
        ...[1, 2, 3, 4, 5, 6].map((p) => pooledA.renderPage(p, options)),
        ...[1, 2, 3].map((p) => pooledB.renderPage(p, options)),
      ]);
      assert.deepEqual(
        results.map((r) => [r.page, r.width, r.height]),
        [
          [1, 612, 792],
          [2, 792, 612],
          [3, 612, 792],
          [4, 792, 612],
          [5, 612, 792],
          [6, 792, 612],
          [1, 612, 792],
          [2, 792, 612],
          [3, 612, 792],
        ],
      );
      for (const r of results) assert.ok(startsWith(r.data, SIGNATURES.png));
      const same = meanAbsoluteDifference(
        await decodeGrey(results[0]!.data),
        await decodeGrey((await local.renderPage(1, options)).data),
      );
      assert.equal(same, 0);
      // Pages of the other document differ: each job rendered its own document.
      assert.notDeepEqual(results[6]!.data, results[0]!.data);
      assert.equal(await pooledA.textLayer(1), 'Alpha page 1\nRendered on a worker thread.');
    } finally {
      await Promise.all([pooledA.close(), pooledB.close(), local.close()]);
    }
  });

  it('fails a bad page with RenderError and goes on; aborts reject with the reason', async () => {
    const doc = await openDocument(pages(2, 'Gamma'), { renderPool: pool });
    try {
      await assert.rejects(doc.renderPage(9, { scale: 1, format: 'png' }), RenderError);
      const reason = new Error('user cancelled');
      const controller = new AbortController();
      const pending = [1, 2, 1, 2, 1].map((p) =>
        doc.renderPage(p, { scale: 3, format: 'png' }, controller.signal),
      );
      controller.abort(reason);
      for (const result of await Promise.allSettled(pending)) {
        // A job may finish before the abort reaches it; none may fail any other way.
        if (result.status === 'rejected') assert.equal(result.reason, reason);
      }
      assert.equal((await doc.renderPage(2, { scale: 0.5, format: 'jpeg' })).width, 396);
    } finally {
      await doc.close();
    }
  });

  it('rejects pending renders when closed, and refuses new ones', async () => {
    const local = createRenderPool({ workers: 1 });
    const doc = await openDocument(pages(2, 'Delta'), { renderPool: local });
    const pending = [1, 2, 1].map((p) => doc.renderPage(p, { scale: 2, format: 'png' }));
    const settled = Promise.allSettled(pending);
    await local.close();
    for (const result of await settled) {
      assert.equal(result.status, 'rejected');
      assert.ok(result.reason instanceof RenderError);
    }
    await assert.rejects(doc.renderPage(1, { scale: 1, format: 'png' }), /closed/);
    await doc.close();
    await local.close(); // idempotent
  });

  it('does not keep the process alive: a script that forgets close() still exits', async () => {
    const script = `
      import { openDocument } from ${JSON.stringify(fileURLToPath(new URL('../src/backends/open-document.ts', import.meta.url)))};
      import { createRenderPool } from ${JSON.stringify(fileURLToPath(new URL('../src/render/render-pool.ts', import.meta.url)))};
      import { makePdf } from ${JSON.stringify(fileURLToPath(new URL('../src/simulate/pdf-writer.ts', import.meta.url)))};
      const pool = createRenderPool({ workers: 2 });
      const doc = await openDocument(makePdf([{ width: 100, height: 100, lines: ['x'] }]), { renderPool: pool });
      const image = await doc.renderPage(1, { scale: 1, format: 'png' });
      console.log('rendered', image.width);
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { timeout: 30_000 },
    );
    assert.match(stdout, /rendered 100/);
  });
});
