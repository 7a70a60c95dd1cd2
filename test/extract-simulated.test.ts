import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { InvalidOutputError } from '../src/errors.js';
import { convert } from '../src/pipeline/convert.js';
import { createRenderPool } from '../src/render/render-pool.js';
import type { RenderPool } from '../src/render/render-pool.js';
import { makePdf } from '../src/simulate/pdf-writer.js';
import { startSimulatedServer } from '../src/simulate/start-simulated-server.js';
import type { SimulatedServer } from '../src/simulate/start-simulated-server.js';

/** Pages of distinct widths: the simulated answer's first string names the page's image size. */
const pdf = (count: number) =>
  makePdf(
    Array.from({ length: count }, (_, i) => ({
      width: 200 + i * 10,
      height: 300,
      lines: [`Invoice ${i + 1}`],
    })),
  );

const invoice = z.object({
  title: z.string(),
  total: z.number().int().min(0).max(100),
  paid: z.boolean(),
  lines: z.array(z.object({ item: z.string(), amount: z.number() })).min(1),
});

describe('structured extraction against the simulated server', () => {
  let server: SimulatedServer;
  // One pool for every run: starting workers per run would dominate the test's time.
  let renderPool: RenderPool;
  before(async () => {
    server = await startSimulatedServer({ timeScale: 0.01, seed: 3 });
    renderPool = createRenderPool({ workers: 1 });
  });
  after(async () => {
    await server.close();
    await renderPool.close();
  });
  const options = () => ({
    url: server.url,
    enableRemoteServices: true,
    scale: 1,
    concurrency: 1,
    renderPool,
  });

  it('extracts one validated value per page; a page that first answers invalid JSON is retried once and validates', async () => {
    server.configure({ rejectResponseFormat: false, faults: { script: ['invalid-json'] } });
    server.resetStats();
    const result = await convert({ source: pdf(3), name: 'inv.pdf' }, { ...options(), schema: invoice });
    assert.equal(result.status, 'success');
    const data = result.data as z.infer<typeof invoice>[];
    assert.equal(data.length, 3);
    for (const [i, page] of result.pages.entries()) {
      assert.equal(page.status, 'success');
      assert.deepEqual(page.data, data[i]);
      assert.equal(invoice.parse(page.data).title, `Page ${200 + i * 10}x300`);
    }
    // The first request sent got the invalid answer; that page alone was asked again.
    assert.deepEqual(result.pages.map((page) => page.retries).sort(), [0, 0, 1]);
    const stats = server.stats();
    assert.equal(stats.requests, 4);
    assert.ok(stats.records.every((record) => record.format === 'json'));
  });

  it('reports a page whose answer never validates as failed with INVALID_OUTPUT; the others succeed', async () => {
    // With one request at a time, a page's retry follows its first answer: both are invalid.
    server.configure({ faults: { script: ['invalid-json', 'invalid-json'] } });
    const result = await convert({ source: pdf(3), name: 'inv.pdf' }, { ...options(), schema: invoice });
    assert.equal(result.status, 'partial');
    const failed = result.pages.filter((page) => page.status === 'failed');
    assert.equal(failed.length, 1);
    const [page] = failed;
    assert.ok(page?.error instanceof InvalidOutputError);
    assert.equal(page.error.code, 'INVALID_OUTPUT');
    assert.match(page.error.issues.join('\n'), /not valid JSON/);
    assert.equal(page.data, null);
    assert.equal(page.retries, 1);
    assert.equal((result.data as unknown[])[page.page - 1], null);
    assert.equal((result.data as unknown[]).filter((value) => value !== null).length, 2);
  });

  it('falls back to the schema in the prompt when the server refuses response_format, once per run', async () => {
    server.configure({ rejectResponseFormat: true, faults: {} });
    server.resetStats();
    const result = await convert({ source: pdf(3), name: 'inv.pdf' }, { ...options(), schema: invoice });
    assert.equal(result.status, 'success');
    const stats = server.stats();
    // One refused request; the later pages go straight to the prompt.
    assert.equal(stats.badRequests, 1);
    assert.equal(stats.requests, 4);
  });

  it("fails the pages with the server's 400 when jsonMode is 'json_schema' and the server refuses it", async () => {
    server.configure({ rejectResponseFormat: true, faults: {} });
    const result = await convert(
      { source: pdf(1), name: 'inv.pdf' },
      { ...options(), schema: invoice, jsonMode: 'json_schema' },
    );
    assert.equal(result.status, 'failed');
    const error = result.pages[0]?.error;
    assert.ok(error);
    assert.equal(error.code, 'HTTP_STATUS');
    assert.match(error.message, /response_format/);
  });

  it('takes a JSON Schema object and extracts one value for the whole document in one request', async () => {
    server.configure({ rejectResponseFormat: false, faults: {} });
    server.resetStats();
    const schema = {
      title: 'Report',
      type: 'object',
      properties: { name: { type: 'string' }, pages: { type: 'integer', minimum: 1, maximum: 9 } },
      required: ['name', 'pages'],
      additionalProperties: false,
    };
    const result = await convert(
      { source: pdf(3), name: 'report.pdf' },
      { ...options(), schema, extract: 'document' },
    );
    assert.equal(result.status, 'success');
    const data = result.data as { name: string; pages: number };
    // The answer names the last image's size: the request carried all three pages, page 3 last.
    assert.equal(data.name, 'Page 220x300');
    assert.ok(data.pages >= 1 && data.pages <= 9);
    const stats = server.stats();
    assert.equal(stats.requests, 1);
    assert.ok(result.pages.every((page) => page.status === 'success' && page.data === undefined));
  });
});
