import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createCanvas } from '@napi-rs/canvas';
import { runSimulateCommand, startSimulatedServer, type SimulatedServer } from '../src/simulate/index.js';

const FAST = { timeScale: 0.05, prefillMs: 20, stepMs: 4, stepMsPerSequence: 0.2 } as const;

function chatBody(width: number, extra: Record<string, unknown> = {}): string {
  const url = `data:image/png;base64,${createCanvas(width, 50).toBuffer('image/png').toString('base64')}`;
  const content = [
    { type: 'image_url', image_url: { url } },
    { type: 'text', text: 'Convert this page to docling.' },
  ];
  return JSON.stringify({ messages: [{ role: 'user', content }], stream: true, ...extra });
}

/** Read a response body raw, with the time each piece arrived; a broken stream ends the list with an error. */
async function readRaw(response: Response) {
  const pieces: { at: number; text: string }[] = [];
  const decoder = new TextDecoder();
  let error: unknown;
  try {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pieces.push({ at: performance.now(), text: decoder.decode(value) });
    }
  } catch (caught) {
    error = caught;
  }
  return { pieces, text: pieces.map((piece) => piece.text).join(''), error };
}

const post = (url: string, body: string) => fetch(url, { method: 'POST', body });

describe('simulated server: scripted faults', () => {
  let server: SimulatedServer;
  before(async () => {
    server = await startSimulatedServer({
      ...FAST,
      faults: {
        retryAfterSeconds: 2,
        stallMs: 300,
        script: ['429', '500', '503', 'cut', 'stall', 'stream-error', 'ok'],
      },
    });
  });
  after(() => server.close());

  it('plays the script one request at a time, in order', async () => {
    const limited = await post(server.url, chatBody(100));
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '2');
    assert.equal(limited.headers.get('retry-after-ms'), '2000');
    const limitedBody = (await limited.json()) as { error: { type: string; code: string; message: string } };
    assert.equal(limitedBody.error.code, 'rate_limit_exceeded');

    for (const status of [500, 503]) {
      const failed = await post(server.url, chatBody(100));
      assert.equal(failed.status, status);
      const body = (await failed.json()) as { error: { type: string } };
      assert.equal(body.error.type, 'server_error');
    }

    // cut: some content, then the connection ends with no finish chunk and no [DONE].
    const cut = await readRaw(await post(server.url, chatBody(100)));
    assert.match(cut.text, /"content":"<doctag>"/);
    assert.doesNotMatch(cut.text, /finish_reason":"(stop|length)"|\[DONE\]/);
    assert.ok(cut.error !== undefined, 'the client sees the stream break');

    // stall: the stream goes silent for stallMs, then completes.
    const stalled = await readRaw(await post(server.url, chatBody(100)));
    assert.equal(stalled.error, undefined);
    assert.match(stalled.text, /"finish_reason":"stop".*data: \[DONE\]\n\n$/s);
    const gaps = stalled.pieces.slice(1).map((piece, i) => piece.at - stalled.pieces[i]!.at);
    assert.ok(Math.max(...gaps) >= 250, `a silence of about 300 ms; longest gap ${Math.max(...gaps)} ms`);

    // stream-error: an OpenAI-style error event mid-stream, then [DONE].
    const errored = await readRaw(await post(server.url, chatBody(100)));
    assert.match(
      errored.text,
      /data: \{"error":\{"message":"[^"]+","type":"InternalServerError","param":null,"code":500\}\}\n\ndata: \[DONE\]\n\n$/,
    );
    assert.doesNotMatch(errored.text, /finish_reason":"stop"/);

    const ok = await readRaw(await post(server.url, chatBody(100)));
    assert.match(ok.text, /"finish_reason":"stop"/);

    const stats = server.stats();
    assert.deepEqual(stats.faults, { '429': 1, '500': 1, '503': 1, cut: 1, stall: 1, 'stream-error': 1 });
    assert.deepEqual(
      stats.records.map((record) => [record.status, record.fault]),
      [
        [429, '429'],
        [500, '500'],
        [503, '503'],
        [200, 'cut'],
        [200, 'stall'],
        [200, 'stream-error'],
        [200, null],
      ],
    );
    assert.equal(stats.disconnects, 0, 'faults the server injects are not client disconnects');
    assert.equal(stats.completed, 2);
  });

  it('takes a new script through configure(), and runs clean once the script is used up', async () => {
    server.configure({ faults: { script: ['runaway', '429'] } });
    const runaway = await readRaw(await post(server.url, chatBody(120, { max_tokens: 300 })));
    assert.match(runaway.text, /"finish_reason":"length"/);
    assert.equal((await post(server.url, chatBody(120))).status, 429);
    const clean = await post(server.url, chatBody(120));
    assert.equal(clean.status, 200);
    await clean.text();
    const records = server.stats().records.slice(-3);
    assert.deepEqual(
      records.map((record) => record.runaway),
      [true, false, false],
    );
  });

  it('resetStats() zeroes the counters', () => {
    server.resetStats();
    const stats = server.stats();
    assert.equal(stats.requests, 0);
    assert.equal(stats.records.length, 0);
    assert.equal(stats.faults['429'], 0);
  });
});

describe('simulated server: fault rates', () => {
  it('rolls faults per page and attempt, the same way for the same seed whatever the arrival order', async () => {
    const outcomes = async (order: readonly number[]) => {
      const server = await startSimulatedServer({
        ...FAST,
        seed: 3,
        faults: { rate429: 0.3, rate5xx: 0.2, retryAfterSeconds: 0 },
      });
      try {
        const statuses = new Map<string, number[]>();
        for (const width of order) {
          for (let attempt = 0; attempt < 3; attempt++) {
            const response = await post(server.url, chatBody(width, { max_tokens: 3 }));
            await response.arrayBuffer();
            statuses.set(`${width}`, [...(statuses.get(`${width}`) ?? []), response.status]);
          }
        }
        return [...statuses.entries()].sort(([a], [b]) => a.localeCompare(b));
      } finally {
        await server.close();
      }
    };
    const pages = Array.from({ length: 8 }, (_, i) => 60 + i);
    const forward = await outcomes(pages);
    const backward = await outcomes([...pages].reverse());
    assert.deepEqual(backward, forward);
    const all = forward.flatMap(([, statuses]) => statuses);
    assert.ok(all.includes(429) && all.includes(500) && all.includes(200), String(all));
    // A retried page rolls again: some page both failed and then succeeded.
    assert.ok(forward.some(([, statuses]) => statuses[0] !== 200 && statuses.includes(200)));
  });
});

describe('runSimulateCommand', () => {
  it('prints the URL, serves, and closes when the signal aborts', async () => {
    const stdout = new PassThrough();
    let printed = '';
    stdout.on('data', (bytes: Buffer) => (printed += bytes.toString()));
    const controller = new AbortController();
    const running = runSimulateCommand({ ...FAST, signal: controller.signal, stdout });
    for (let i = 0; i < 200 && !printed.includes('\n'); i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const url = printed.trim();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions$/);
    const answer = await post(url, chatBody(77, { stream: false }));
    assert.equal(answer.status, 200);
    assert.match(
      ((await answer.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content,
      /Page 77x50/,
    );
    controller.abort();
    await running;
    await assert.rejects(post(url, chatBody(77)));
    assert.equal(process.listenerCount('SIGINT'), 0);
  });

  it('starts nothing when the signal is already aborted, and rejects bad options', async () => {
    const stdout = new PassThrough();
    await runSimulateCommand({ signal: AbortSignal.abort(), stdout });
    assert.equal(stdout.read(), null);
    await assert.rejects(runSimulateCommand({ timeScale: -1, stdout }), /timeScale/);
  });
});
