import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCanvas } from '@napi-rs/canvas';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { InvalidOptionsError } from '../src/errors.js';
import { startSimulatedServer, type SimulatedServer } from '../src/simulate/index.js';

// Fast model timing: the behaviour is the same at any scale, and the suite stays well under a few seconds.
const FAST = { timeScale: 0.05, prefillMs: 20, stepMs: 4, stepMsPerSequence: 0.2 } as const;

function imageUrl(width: number, height: number, mime: 'image/png' | 'image/jpeg' = 'image/png'): string {
  const bytes = createCanvas(width, height).toBuffer(mime as 'image/png');
  return `data:${mime};base64,${bytes.toString('base64')}`;
}

function chatBody(prompt: string, image: string | undefined, extra: Record<string, unknown> = {}): string {
  const content: unknown[] = [{ type: 'text', text: prompt }];
  if (image !== undefined) content.unshift({ type: 'image_url', image_url: { url: image } });
  return JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content }], ...extra });
}

interface Chunk {
  id: string;
  object: string;
  model: string;
  choices: { index: number; delta: { role?: string; content?: string }; finish_reason: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  error?: { message: string };
}

interface Completion {
  object: string;
  choices: { message: { role: string; content: string }; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number };
  error: { message: string; type: string; code: string | null };
}

/** POST a streamed request and parse its SSE events the way an OpenAI client does. */
async function streamChat(url: string, body: string, signal?: AbortSignal) {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    signal: signal ?? null,
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const events: string[] = [];
  const stream = response
    .body!.pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  for await (const event of stream) events.push(event.data);
  const done = events.at(-1) === '[DONE]';
  const chunks = events.filter((data) => data !== '[DONE]').map((data) => JSON.parse(data) as Chunk);
  const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
  const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0]?.finish_reason ?? null;
  return { events, chunks, text, finish, done };
}

async function jsonChat(url: string, body: string) {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Completion,
  };
}

/** Poll until `check` holds; bounded so that a broken server fails the test instead of hanging it. */
async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await sleep(5);
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('simulated server: wire format', () => {
  let server: SimulatedServer;
  before(async () => {
    server = await startSimulatedServer(FAST);
  });
  after(() => server.close());

  it('streams SSE chunks shaped like vLLM: role, content deltas, finish, usage, [DONE]', async () => {
    const page = imageUrl(300, 400);
    const result = await streamChat(
      server.url,
      chatBody('Convert this page to docling.', page, {
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    assert.equal(result.done, true);
    const [first, ...rest] = result.chunks;
    assert.deepEqual(first?.choices[0]?.delta, { role: 'assistant', content: '' });
    const usageChunk = rest.at(-1)!;
    const finishChunk = rest.at(-2)!;
    const contentChunks = rest.slice(0, -2);
    assert.ok(contentChunks.length >= 40, 'at least minTokens content deltas');
    for (const chunk of result.chunks) {
      assert.equal(chunk.object, 'chat.completion.chunk');
      assert.equal(chunk.id, first.id);
      assert.equal(chunk.model, 'test-model');
    }
    for (const chunk of contentChunks) {
      assert.equal(typeof chunk.choices[0]?.delta.content, 'string');
      assert.equal(chunk.choices[0]?.finish_reason, null);
    }
    assert.equal(finishChunk.choices[0]?.finish_reason, 'stop');
    assert.deepEqual(finishChunk.choices[0].delta, {});
    assert.deepEqual(usageChunk.choices, []);
    assert.equal(usageChunk.usage?.completion_tokens, contentChunks.length);
    assert.equal(usageChunk.usage.prompt_tokens, Math.ceil((300 * 400) / 784) + 5);
    assert.equal(usageChunk.usage.total_tokens, usageChunk.usage.prompt_tokens + contentChunks.length);
    assert.match(result.text, /^<doctag><title><loc_\d+><loc_\d+><loc_\d+><loc_\d+>Page 300x400<\/title>/);
    assert.ok(result.text.endsWith('</doctag>'));
  });

  it('sends no usage chunk unless stream_options.include_usage is set', async () => {
    const result = await streamChat(server.url, chatBody('docling', imageUrl(64, 64), { stream: true }));
    assert.equal(result.done, true);
    assert.ok(result.chunks.every((chunk) => chunk.usage === undefined && chunk.choices.length === 1));
  });

  it('answers stream:false with a chat.completion whose text equals the streamed one', async () => {
    const page = imageUrl(200, 100);
    const streamed = await streamChat(server.url, chatBody('markdown please', page, { stream: true }));
    const { status, body } = await jsonChat(server.url, chatBody('markdown please', page));
    assert.equal(status, 200);
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.choices[0]!.message.role, 'assistant');
    assert.equal(body.choices[0]!.message.content, streamed.text);
    assert.equal(body.choices[0]!.finish_reason, 'stop');
    assert.equal(body.usage.completion_tokens, streamed.chunks.length - 2);
  });

  it('picks the answer format from the prompt, or the answerFormat option', async () => {
    const page = imageUrl(120, 90);
    const text = async (prompt: string) =>
      (await streamChat(server.url, chatBody(prompt, page, { stream: true }))).text;
    assert.match(await text('Convert this page to docling.'), /^<doctag>.*<\/doctag>$/s);
    assert.match(
      await text('Convert this page to markdown.'),
      /^# Page 120x90\n\nThis page image is 120 by 90 pixels\./,
    );
    assert.match(await text('Convert this page to HTML.'), /^<h1>Page 120x90<\/h1>\n<p>/);
    assert.match(await text('Read the text.'), /^Page 120x90\n\n/);
    server.configure({ answerFormat: 'html' });
    try {
      assert.match(await text('Convert this page to docling.'), /^<h1>Page 120x90<\/h1>/);
    } finally {
      server.configure({ answerFormat: 'auto' });
    }
  });

  it('names each page image size in its answer, for PNG and JPEG pages', async () => {
    const sizes = [
      [1224, 1584],
      [612, 792],
      [800, 600],
    ] as const;
    const answers = await Promise.all(
      sizes.map(([w, h], i) =>
        streamChat(
          server.url,
          chatBody('docling', imageUrl(w, h, i === 1 ? 'image/jpeg' : 'image/png'), { stream: true }),
        ),
      ),
    );
    answers.forEach((answer, i) => {
      const [w, h] = sizes[i]!;
      assert.ok(answer.text.includes(`Page ${w}x${h}`), answer.text.slice(0, 120));
      assert.ok(answer.text.includes(`${w} by ${h} pixels`));
    });
  });

  it('caps the answer at max_tokens or max_completion_tokens with finish_reason length', async () => {
    const page = imageUrl(50, 50);
    const capped = await streamChat(server.url, chatBody('docling', page, { stream: true, max_tokens: 7 }));
    assert.equal(capped.finish, 'length');
    assert.equal(capped.chunks.length - 2, 7);
    const { body } = await jsonChat(
      server.url,
      chatBody('docling', page, { max_completion_tokens: 5, max_tokens: 99 }),
    );
    assert.equal(body.choices[0]!.finish_reason, 'length');
    assert.equal(body.usage.completion_tokens, 5);
  });

  it('ends at a stop string without sending it', async () => {
    const page = imageUrl(50, 60);
    const result = await streamChat(
      server.url,
      chatBody('docling', page, { stream: true, stop: ['</title>'] }),
    );
    assert.equal(result.finish, 'stop');
    assert.equal(result.text, '<doctag><title><loc_40><loc_20><loc_300><loc_32>Page 50x60');
  });

  it('is deterministic under a seed: same seed, same answers; another seed, other answers', async () => {
    const page = imageUrl(333, 444);
    const twin = await startSimulatedServer(FAST);
    const other = await startSimulatedServer({ ...FAST, seed: 'another' });
    try {
      const body = chatBody('markdown', page, { stream: true });
      const [a, b, c] = await Promise.all(
        [server.url, twin.url, other.url].map((url) => streamChat(url, body)),
      );
      assert.equal(a!.text, b!.text);
      assert.notEqual(a!.text, c!.text);
      const lengths = twin.stats().records.map((record) => record.naturalTokens);
      assert.ok(lengths.every((n) => n >= 40 && n <= 200));
    } finally {
      await Promise.all([twin.close(), other.close()]);
    }
  });

  it('serves GET /v1/models, GET /stats, and OpenAI-shaped 404/405/400 errors', async () => {
    const models = (await (await fetch(`${server.baseUrl}/models`)).json()) as { data: { id: string }[] };
    assert.equal(models.data[0]?.id, 'pagestream-sim');
    const stats = (await (await fetch(`http://127.0.0.1:${server.port}/stats`)).json()) as {
      requests: number;
    };
    assert.equal(stats.requests, server.stats().requests);

    const missing = await fetch(`http://127.0.0.1:${server.port}/v2/nothing`);
    assert.equal(missing.status, 404);
    assert.equal(typeof ((await missing.json()) as { error: { message: string } }).error.message, 'string');
    const wrongMethod = await fetch(server.url);
    assert.equal(wrongMethod.status, 405);
    await wrongMethod.body?.cancel();

    const before = server.stats().badRequests;
    for (const body of [
      '{not json',
      JSON.stringify({ model: 'x' }),
      JSON.stringify({ messages: [], stream: true }),
      JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: -1 }),
    ]) {
      const { status, body: error } = await jsonChat(server.url, body);
      assert.equal(status, 400, body);
      assert.equal(error.error.type, 'invalid_request_error');
      assert.equal(typeof error.error.message, 'string');
      assert.ok('code' in error.error);
    }
    assert.equal(server.stats().badRequests, before + 4);
  });

  it('rejects bad options with InvalidOptionsError naming the field', async () => {
    await assert.rejects(startSimulatedServer({ capacity: 0 }), (error: unknown) => {
      assert.ok(error instanceof InvalidOptionsError);
      assert.match(error.message, /capacity/);
      return true;
    });
    assert.throws(() => server.configure({ faults: { rate429: 2 } }), /rate429/);
  });
});

describe('simulated server: batching, runaway and disconnects', () => {
  it('decodes at most `capacity` sequences at once and queues the rest in FIFO order', async () => {
    const server = await startSimulatedServer({
      capacity: 4,
      timeScale: 1,
      prefillMs: 5,
      stepMs: 3,
      stepMsPerSequence: 0,
      minTokens: 60,
      maxTokens: 60,
    });
    try {
      const pages = Array.from({ length: 12 }, (_, i) => imageUrl(100 + i, 100));
      const runs = pages.map((page) => streamChat(server.url, chatBody('docling', page, { stream: true })));
      await waitFor(() => server.stats().requests === 12, 'all 12 requests');
      const midway = server.stats();
      assert.equal(midway.active, 4);
      assert.equal(midway.queued, 8);
      const results = await Promise.all(runs);
      assert.ok(results.every((result) => result.done && result.finish === 'stop'));
      const stats = server.stats();
      assert.equal(stats.maxActive, 4);
      assert.equal(stats.completed, 12);
      assert.equal(stats.active + stats.queued, 0);
      // FIFO: slots are given in arrival order.
      const byArrival = [...stats.records].sort((a, b) => a.startedAt - b.startedAt);
      const admitted = byArrival.map((record) => record.admittedAt!);
      assert.deepEqual(
        admitted,
        [...admitted].sort((a, b) => a - b),
      );
    } finally {
      await server.close();
    }
  });

  it('runaway answers close </doctag> and go on repeating the last element until max_tokens', async () => {
    const server = await startSimulatedServer({ ...FAST, runaway: true });
    try {
      const result = await streamChat(
        server.url,
        chatBody('docling', imageUrl(90, 90), { stream: true, max_tokens: 400 }),
      );
      assert.equal(result.finish, 'length');
      const end = result.text.indexOf('</doctag>');
      assert.ok(end > 0);
      const tail = result.text.slice(end + '</doctag>'.length);
      assert.ok(tail.length > 0);
      const repeated = tail.split('\n').filter((line) => line !== '');
      const strip = (line: string) => line.replace(/<loc_\d+>/g, '');
      assert.ok(repeated.length >= 3);
      assert.ok(
        repeated.slice(0, -1).every((line) => strip(line) === strip(repeated[0]!)),
        'the same element repeats',
      );
      assert.notEqual(repeated[0], repeated[1], 'with stepping location boxes');
      const [record] = server.stats().records;
      assert.equal(record!.tokens, 400);
      assert.equal(record!.afterEnd, 400 - record!.naturalTokens);
      assert.equal(server.stats().tokensAfterNaturalEnd, 400 - record!.naturalTokens);
      assert.ok(record!.naturalEndAt! <= record!.endedAt!);
    } finally {
      await server.close();
    }
  });

  it('runs away per page under runawayRate, the same pages for the same seed', async () => {
    const pages = Array.from({ length: 10 }, (_, i) => imageUrl(40 + i, 40));
    const runawayPages = async () => {
      const server = await startSimulatedServer({ ...FAST, runawayRate: 0.5, seed: 7 });
      try {
        for (const page of pages)
          await streamChat(server.url, chatBody('text', page, { stream: true, max_tokens: 250 }));
        return server.stats().records.map((record) => record.runaway);
      } finally {
        await server.close();
      }
    };
    const first = await runawayPages();
    assert.deepEqual(await runawayPages(), first);
    assert.ok(first.includes(true) && first.includes(false), String(first));
  });

  it('stops generating when the client disconnects and frees the slot', async () => {
    const server = await startSimulatedServer({ ...FAST, runaway: true, capacity: 1 });
    try {
      const controller = new AbortController();
      const response = await fetch(server.url, {
        method: 'POST',
        body: chatBody('docling', imageUrl(80, 80), { stream: true, max_tokens: 1_000_000 }),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      for (let i = 0; i < 5; i++) await reader.read();
      // A second request waits in the queue behind it, then goes away too.
      const queuedController = new AbortController();
      const queued = fetch(server.url, {
        method: 'POST',
        body: chatBody('docling', imageUrl(81, 81), { stream: true }),
        signal: queuedController.signal,
      });
      await waitFor(() => server.stats().queued === 1, 'the second request to queue');
      queuedController.abort();
      await assert.rejects(queued.then((r) => r.text()));
      await waitFor(() => server.stats().queued === 0, 'the queued request to leave');

      controller.abort();
      await waitFor(() => server.stats().disconnects === 2, 'both disconnects');
      const generated = server.stats().tokensGenerated;
      await sleep(60);
      const stats = server.stats();
      assert.equal(stats.tokensGenerated, generated, 'no tokens after the disconnect');
      assert.equal(stats.active, 0);
      assert.ok(stats.records.every((record) => record.disconnected && record.finishReason === null));
      assert.equal(stats.records[1]!.tokens, 0);
    } finally {
      await server.close();
    }
  });

  it('serves 64 concurrent streams with capacity 16, every answer complete', async () => {
    const server = await startSimulatedServer({ ...FAST, minTokens: 20, maxTokens: 40 });
    try {
      const results = await Promise.all(
        Array.from({ length: 64 }, (_, i) =>
          streamChat(server.url, chatBody('docling', imageUrl(10 + i, 10), { stream: true })),
        ),
      );
      assert.ok(results.every((result, i) => result.done && result.text.includes(`Page ${10 + i}x10`)));
      const stats = server.stats();
      assert.equal(stats.maxActive, 16);
      assert.equal(stats.completed, 64);
      assert.equal(
        stats.tokensGenerated,
        stats.records.reduce((sum, record) => sum + record.tokens, 0),
      );
    } finally {
      await server.close();
    }
  });

  it('close() ends streams in flight, frees the port and leaves no handles', async () => {
    const listeners = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    await sleep(1); // let handles closed by earlier tests leave the list
    const resourcesBefore = listeners();
    const server = await startSimulatedServer({ ...FAST, runaway: true });
    assert.equal(listeners(), resourcesBefore + 1);
    const response = await fetch(server.url, {
      method: 'POST',
      body: chatBody('docling', imageUrl(20, 20), { stream: true }),
    });
    const reading = response.text();
    await waitFor(() => server.stats().tokensGenerated > 3, 'tokens');
    await server.close();
    await assert.rejects(reading);
    await assert.rejects(fetch(server.url, { method: 'POST', body: '{}' }));
    await sleep(1);
    assert.equal(listeners(), resourcesBefore);
    await server.close(); // idempotent
  });
});
