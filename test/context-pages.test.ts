import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { convert } from '../src/pipeline/convert.js';
import { createRenderPool } from '../src/render/render-pool.js';
import type { RenderPool } from '../src/render/render-pool.js';
import { makePdf } from '../src/simulate/pdf-writer.js';
import { startRecordingServer } from './helpers/recording-server.js';
import type { RecordedRequest, RecordingServer } from './helpers/recording-server.js';

interface Part {
  type: string;
  text?: string;
  image_url?: { url: string; detail?: string };
}
const partsOf = (request: RecordedRequest | undefined): Part[] =>
  (request?.body as { messages: { content: Part[] }[] }).messages[0]?.content ?? [];
const images = (request: RecordedRequest | undefined) =>
  partsOf(request).filter((p) => p.type === 'image_url');
const texts = (request: RecordedRequest | undefined) =>
  partsOf(request)
    .filter((p) => p.type === 'text')
    .map((p) => p.text ?? '');

const pdf = (count: number) =>
  makePdf(
    Array.from({ length: count }, (_, i) => ({ width: 200 + i * 10, height: 300, lines: [`Page ${i + 1}`] })),
  );

describe('page context and image detail', () => {
  let server: RecordingServer;
  let renderPool: RenderPool;
  let inFlight = 0;
  let maxInFlight = 0;
  before(async () => {
    renderPool = createRenderPool({ workers: 1 });
    // Answers name the request's index; each takes a little while so overlapping requests would show.
    server = await startRecordingServer(async (_req, res, _recorded, index) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight--;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          choices: [{ index: 0, message: { content: `answer number ${index}` }, finish_reason: 'stop' }],
        }),
      );
    });
  });
  after(async () => {
    await server.close();
    await renderPool.close();
  });
  const options = { enableRemoteServices: true, scale: 1, responseFormat: 'text', stream: false } as const;

  it('sends `detail` on the image part when imageDetail is set, and leaves it out when it is not', async () => {
    const before = server.requests.length;
    await convert(
      { source: pdf(1), name: 'a.pdf' },
      { ...options, url: server.url, renderPool, imageDetail: 'low' },
    );
    await convert({ source: pdf(1), name: 'a.pdf' }, { ...options, url: server.url, renderPool });
    const [withDetail, without] = server.requests.slice(before);
    assert.equal(images(withDetail)[0]?.image_url?.detail, 'low');
    const plain = images(without)[0]?.image_url;
    assert.ok(plain);
    assert.equal('detail' in plain, false);
  });

  it("previous-image sends the previous page's image before the page's own, pages still in parallel", async () => {
    const before = server.requests.length;
    maxInFlight = 0;
    const result = await convert(
      { source: pdf(4), name: 'b.pdf' },
      {
        ...options,
        url: server.url,
        renderPool,
        context: 'previous-image',
        imageDetail: 'high',
        concurrency: 4,
      },
    );
    assert.equal(result.status, 'success');
    const requests = server.requests.slice(before);
    assert.equal(requests.length, 4);
    // Which request carried which page: its last image is the page's own.
    const byPage = new Map(
      requests.map((request) => [images(request).at(-1)?.image_url?.url ?? '', request] as const),
    );
    const ordered = [...requests].sort((a, b) => images(a).length - images(b).length);
    // Exactly one request (page 1) has no previous page.
    assert.deepEqual(
      ordered.map((r) => images(r).length),
      [1, 2, 2, 2],
    );
    for (const request of requests) {
      const parts = images(request);
      assert.ok(parts.every((part) => part.image_url?.detail === 'high'));
      if (parts.length === 2) {
        // The context image is another request's page image: the chain runs page 1 -> 2 -> 3 -> 4.
        assert.ok(byPage.has(parts[0]?.image_url?.url ?? ''), 'context image is a page image');
        assert.match(texts(request)[0] ?? '', /previous page/i);
      }
    }
    assert.equal(byPage.size, 4);
    // Three distinct context images, each another page's own image: a chain, not one image repeated.
    const contexts = requests.filter((r) => images(r).length === 2).map((r) => images(r)[0]?.image_url?.url);
    assert.equal(new Set(contexts).size, 3);
    for (const request of requests.filter((r) => images(r).length === 2))
      assert.notEqual(images(request)[0]?.image_url?.url, images(request)[1]?.image_url?.url);
    assert.ok(maxInFlight > 1, 'previous-image context keeps requests in parallel');
  });

  it("previous-text sends the previous page's answer, one page of a document at a time, in page order", async () => {
    const before = server.requests.length;
    maxInFlight = 0;
    const result = await convert(
      { source: pdf(4), name: 'c.pdf' },
      { ...options, url: server.url, renderPool, context: 'previous-text', concurrency: 4 },
    );
    assert.equal(result.status, 'success');
    const requests = server.requests.slice(before);
    assert.equal(requests.length, 4);
    assert.equal(maxInFlight, 1);
    // Page k's request carries page k-1's answer; the pages went in order.
    assert.deepEqual(
      result.pages.map((page) => page.text),
      [0, 1, 2, 3].map((i) => `answer number ${before + i}`),
    );
    assert.equal(
      texts(requests[0]).some((text) => /previous page/i.test(text)),
      false,
    );
    for (let i = 1; i < 4; i++) {
      const context = texts(requests[i])[0] ?? '';
      assert.match(context, /previous page/i);
      assert.ok(context.endsWith(`answer number ${before + i - 1}`), context);
      assert.equal(images(requests[i]).length, 1);
    }
  });
});
