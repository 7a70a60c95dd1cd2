import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createChatClient } from '../src/client/create-chat-client.js';
import type { CompletionEvent } from '../src/client/completion-result.js';
import type { PageRequest } from '../src/client/page-request.js';
import {
  ConnectionError,
  HttpStatusError,
  IncompleteStreamError,
  InvalidResponseError,
  TimeoutError,
} from '../src/errors.js';
import { resolveOptions, type ConvertOptions } from '../src/options.js';
import { startRecordingServer, type Handler } from './helpers/recording-server.js';
import { chunk, replaySse, sseData } from './helpers/sse-replay.js';

const page = { image: { data: new Uint8Array([1]), mimeType: 'image/png' }, prompt: 'p', stoppers: [] };
const answer = Buffer.from(sseData(chunk({ content: 'fine' }, { finish: 'stop' })) + 'data: [DONE]\n\n');

/** Run one page against a handler; return the result or the error, plus what the server saw. */
async function run(
  handler: Handler,
  options: ConvertOptions = {},
  signal?: AbortSignal,
  request: PageRequest = page,
) {
  const server = await startRecordingServer(handler);
  const client = createChatClient(
    resolveOptions({ url: server.url, enableRemoteServices: true, ...options }),
  );
  const events: CompletionEvent[] = [];
  try {
    const outcome = await client.complete(request, { signal, onEvent: (e) => events.push(e) }).then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    );
    return { ...outcome, events, requests: server.requests };
  } finally {
    await client.close();
    await server.close();
  }
}

describe('HTTP errors and retries', () => {
  it('429 with Retry-After, then success: retries 1, a retry event with the server delay', async () => {
    const { result, events, requests } = await run((_req, res, _r, index) => {
      if (index === 0)
        res
          .writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' })
          .end('{"error":{"message":"slow down"}}');
      else void replaySse(res, answer);
    });
    assert.equal(result?.text, 'fine');
    assert.equal(result.retries, 1);
    assert.equal(requests.length, 2);
    assert.deepEqual(
      events.filter((e) => e.type === 'retry').map((e) => [e.attempt, e.delayMs]),
      [[1, 0]],
    );
    assert.deepEqual(
      events.filter((e) => e.type === 'request-sent').map((e) => e.attempt),
      [1, 2],
    );
  });

  it('401: no retry; the message says the key is missing or wrong and never prints it', async () => {
    const { error, requests } = await run(
      (_req, res) =>
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"error":{"message":"Invalid API key"}}'),
      { apiKey: 'sk-very-secret' },
    );
    assert.ok(error instanceof HttpStatusError);
    assert.equal(error.status, 401);
    assert.equal(error.serverMessage, 'Invalid API key');
    assert.match(error.message, /API key is missing or wrong/);
    assert.ok(!error.message.includes('sk-very-secret'));
    assert.equal(requests.length, 1);
  });

  it('500 is retried up to `retries`, then fails with the status and the first line of a text body', async () => {
    const { error, requests } = await run(
      (_req, res) =>
        res
          .writeHead(500, { 'retry-after': '0', 'content-type': 'text/plain' })
          .end('model crashed\ntrace...'),
      { retries: 2 },
    );
    assert.ok(error instanceof HttpStatusError);
    assert.equal(error.status, 500);
    assert.equal(error.serverMessage, 'model crashed');
    assert.equal(requests.length, 3);
  });

  it('Retry-After as an HTTP date', async () => {
    const { result } = await run((_req, res, _r, index) => {
      if (index === 0) res.writeHead(503, { 'retry-after': new Date(Date.now() - 1000).toUTCString() }).end();
      else void replaySse(res, answer);
    });
    assert.equal(result?.retries, 1);
  });

  it('a JSON answer to a streaming request is read as such', async () => {
    const { result, requests } = await run(
      (_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            model: 'json-model',
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: '<doctag>x</doctag> trailing' },
                finish_reason: 'stop',
              },
            ],
            usage: { prompt_tokens: 7, completion_tokens: 4 },
          }),
        ),
      {},
      undefined,
      { image: page.image, prompt: 'p' },
    );
    assert.equal((requests[0]?.body as { stream: boolean }).stream, true);
    // The client's default stoppers still trim text after the closing tag.
    assert.equal(result?.text, '<doctag>x</doctag>');
    assert.equal(result.finishReason, 'stopper');
    assert.deepEqual(result.usage, { promptTokens: 7, completionTokens: 4, source: 'server' });
    assert.equal(result.model, 'json-model');
  });

  it('stream: false sends stream:false and reads the JSON answer', async () => {
    const { result, requests } = await run(
      (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ choices: [{ message: { content: 'whole' }, finish_reason: 'length' }] })),
      { stream: false, responseFormat: 'markdown' },
    );
    assert.equal((requests[0]?.body as { stream: boolean }).stream, false);
    assert.equal(result?.text, 'whole');
    assert.equal(result.finishReason, 'length');
    assert.deepEqual(result.usage, { promptTokens: null, completionTokens: null, source: 'local' });
  });

  it('an HTML page with HTTP 200: InvalidResponseError naming the content type and the page title', async () => {
    const { error, requests } = await run((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html><head><title>Welcome to nginx!</title></head></html>'),
    );
    assert.ok(error instanceof InvalidResponseError);
    assert.match(error.message, /text\/html.*Welcome to nginx!/);
    assert.equal(requests.length, 1);
  });

  it('a stream cut mid-way is retried, then IncompleteStreamError when retries run out', async () => {
    const { error, requests, events } = await run(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(sseData(chunk({ content: 'partial' })));
        setTimeout(() => res.socket?.destroy(), 5);
      },
      { retries: 1 },
    );
    assert.ok(error instanceof IncompleteStreamError, String(error));
    assert.equal(error.receivedChars, 7);
    assert.equal(requests.length, 2);
    assert.equal(events.filter((e) => e.type === 'retry').length, 1);
  });

  it('connection refused: ConnectionError naming the host, never the key', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const client = createChatClient(
      resolveOptions({
        url: `http://127.0.0.1:${port}/v1/chat/completions`,
        enableRemoteServices: true,
        retries: 0,
        apiKey: 'sk-hide',
      }),
    );
    try {
      const error = await client.complete(page).catch((e: unknown) => e);
      assert.ok(error instanceof ConnectionError, String(error));
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
      assert.ok(!error.message.includes('sk-hide'));
    } finally {
      await client.close();
    }
  });
});

describe('time limits and aborts', () => {
  it('idle timeout: silence between chunks -> TimeoutError idle', async () => {
    const { error } = await run(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(sseData(chunk({ content: 'a' })));
        // ...and nothing more until the client gives up (the server closes everything at the end).
      },
      { timeout: 150, retries: 0 },
    );
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.kind, 'idle');
    assert.equal(error.timeoutMs, 150);
  });

  it('first-token timeout: headers but no data -> TimeoutError first-token', async () => {
    const { error } = await run(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(': still queued\n\n');
      },
      { timeout: 5000, firstTokenTimeout: 150, retries: 0 },
    );
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.kind, 'first-token');
  });

  it('page timeout covers retries and is not retried itself', async () => {
    const { error, requests } = await run((_req, res) => res.writeHead(503, { 'retry-after': '0.1' }).end(), {
      pageTimeout: 250,
      retries: 20,
    });
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.kind, 'page');
    assert.ok(requests.length >= 1 && requests.length < 20);
  });

  it('aborting the signal rejects with its reason, unwrapped, and closes the socket', async () => {
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    let closed: Promise<{ byClient: boolean }> | undefined;
    const { error } = await run(
      (_req, res, recorded) => {
        closed = recorded.closed;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(sseData(chunk({ content: 'a' })));
        setTimeout(() => controller.abort(reason), 20);
      },
      { retries: 3 },
      controller.signal,
    );
    assert.equal(error, reason);
    assert.deepEqual((await closed)?.byClient, true);
  });

  it('an already aborted signal rejects before anything is sent', async () => {
    const { error, requests } = await run(
      (_req, res) => void replaySse(res, answer),
      {},
      AbortSignal.abort('nope'),
    );
    assert.equal(error, 'nope');
    assert.equal(requests.length, 0);
  });
});
