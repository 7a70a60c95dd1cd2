import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { inspect, promisify } from 'node:util';
import { RETRY_AFTER_CAP_MS, computeBackoffDelay } from '../src/client/compute-backoff-delay.js';
import { createChatClient } from '../src/client/create-chat-client.js';
import type { ChatClientOptions } from '../src/client/create-chat-client.js';
import type { PageRequest } from '../src/client/page-request.js';
import { toConnectionError } from '../src/client/to-connection-error.js';
import {
  ConnectionError,
  HttpStatusError,
  InvalidResponseError,
  StreamError,
  TimeoutError,
  isRetryable,
} from '../src/errors.js';
import { resolveOptions, type ConvertOptions } from '../src/options.js';
import { startRecordingServer, type Handler } from './helpers/recording-server.js';
import { chunk, sseData } from './helpers/sse-replay.js';

// No stoppers: only the client's own limits can end a runaway answer.
const page: PageRequest = {
  image: { data: new Uint8Array([1]), mimeType: 'image/png' },
  prompt: 'p',
  stoppers: [],
};
const OPENSSL = await promisify(execFile)('openssl', ['version']).then(
  () => true,
  () => false,
);
const finished = sseData(chunk({ content: 'fine' }, { finish: 'stop' })) + 'data: [DONE]\n\n';

/** Run one page against a handler; the result or the error, and what the server saw. */
async function run(handler: Handler, options: ConvertOptions = {}, clientOptions: ChatClientOptions = {}) {
  const server = await startRecordingServer(handler);
  const client = createChatClient(
    resolveOptions({ url: server.url, enableRemoteServices: true, retries: 0, ...options }),
    clientOptions,
  );
  try {
    const started = performance.now();
    const outcome = await client.complete(page).then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    );
    return { ...outcome, ms: performance.now() - started, requests: server.requests };
  } finally {
    await client.close();
    await server.close();
  }
}

/** Write events until the client hangs up; bounded so a broken client cannot spin the test forever. */
async function streamForever(res: import('node:http').ServerResponse, event: string, limit = 200_000) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (let i = 0; i < limit && !res.destroyed; i++) {
    if (!res.write(event)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
    if (i % 50 === 0) await tick();
  }
  res.end();
}

describe('a hard cap on answer size holds without stoppers', () => {
  it('an endless answer is cut at 32 characters per requested token: finish "length", the socket closed', async () => {
    let closed: Promise<{ byClient: boolean }> | undefined;
    const { result, error } = await run(
      (_req, res, recorded) => {
        closed = recorded.closed;
        void streamForever(res, sseData(chunk({ content: 'la la ' })));
      },
      { maxTokens: 50, stopTag: null, repetitionStop: false },
    );
    assert.equal(error, undefined);
    assert.equal(result?.finishReason, 'length');
    assert.equal(result.stopper, null);
    assert.equal(result.text.length, 50 * 32);
    assert.ok(result.text.startsWith('la la la'));
    assert.equal((await closed)?.byClient, true, 'the client hung up instead of reading on');
  });

  it('the cap follows a max_tokens given in params, and an explicit maxAnswerChars', async () => {
    const endless: Handler = (_req, res) => void streamForever(res, sseData(chunk({ content: 'xyz' })));
    const fromParams = await run(endless, { maxTokens: 4096, params: { max_tokens: 10 } });
    assert.equal(fromParams.result?.text.length, 320);
    const explicit = await run(endless, {}, { maxAnswerChars: 100 });
    assert.equal(explicit.result?.text.length, 100);
    assert.equal(explicit.result.finishReason, 'length');
  });

  it('an endless stream without content (reasoning only) is cut by the event cap', async () => {
    const { result, requests } = await run(
      (_req, res) => void streamForever(res, sseData(chunk({ reasoning_content: 'hmm ' }))),
      { maxTokens: 20 },
    );
    assert.equal(requests.length, 1);
    assert.equal(result?.finishReason, 'length');
    assert.equal(result.text, '');
  });

  it('a server that keeps the response open after [DONE] still delivers the answer', async () => {
    const { result, error } = await run(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(finished);
        // Keep-alive comments after [DONE], never the end of the response: the idle limit never fires.
        const timer = setInterval(() => res.write(': ping\n\n'), 50);
        res.on('close', () => clearInterval(timer));
      },
      // Bounded: without the read-on limit this would wait for the page deadline.
      { timeout: 30_000, pageTimeout: 8000 },
    );
    assert.equal(error, undefined, String(error));
    assert.equal(result?.text, 'fine');
    assert.equal(result.finishReason, 'stop');
  });
});

describe('silent servers: each time limit names itself', () => {
  it('documents its defaults: 60 s idle (and first token), 10 s connect, no page deadline', () => {
    const options = resolveOptions({});
    assert.equal(options.timeout, 60_000);
    assert.equal(options.connectTimeout, 10_000);
    assert.equal(options.firstTokenTimeout, undefined);
    assert.equal(options.pageTimeout, undefined);
  });

  it('no headers at all -> first-token timeout', async () => {
    const { error } = await run(() => undefined, { firstTokenTimeout: 200 });
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.kind, 'first-token');
    assert.match(error.message, /200 ms waiting for the first token/);
  });

  it('keep-alive comments forever before any data -> first-token timeout (comments are not tokens)', async () => {
    const { error } = await run(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const timer = setInterval(() => res.write(': queued\n\n'), 30);
        res.on('close', () => clearInterval(timer));
      },
      { timeout: 5000, firstTokenTimeout: 250 },
    );
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.kind, 'first-token');
  });

  it('keep-alive comments forever after the first token -> idle timeout (comments are not chunks)', async () => {
    const { error } = await run(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(sseData(chunk({ content: 'a' })));
        const timer = setInterval(() => res.write(': ping\n\n'), 30);
        res.on('close', () => clearInterval(timer));
      },
      // Bounded: without the handling this would wait for the page deadline.
      { timeout: 300, pageTimeout: 8000 },
    );
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.kind, 'idle');
  });

  it('a first-token timeout is retried, and the retried page starts clean', async () => {
    const { result, requests } = await run(
      (_req, res, _r, index) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        if (index === 0) {
          // Some text, then the stream breaks: none of it may reach the retried answer.
          res.write(sseData(chunk({ content: 'STALE ' })));
          setTimeout(() => res.socket?.destroy(), 20);
        } else if (index === 1) {
          res.write(': nothing yet\n\n'); // then silence
        } else {
          res.end(finished);
        }
      },
      { retries: 2, firstTokenTimeout: 200 },
    );
    assert.equal(requests.length, 3);
    assert.equal(result?.text, 'fine');
    assert.equal(result.retries, 2);
  });
});

describe('which statuses are retried', () => {
  for (const status of [400, 401, 403, 404, 405, 413, 422]) {
    it(`HTTP ${status} is not retried`, async () => {
      const { error, requests } = await run((_req, res) => res.writeHead(status).end(), { retries: 3 });
      assert.ok(error instanceof HttpStatusError);
      assert.equal(requests.length, 1);
    });
  }

  for (const status of [408, 409, 429, 500, 502, 503, 504]) {
    it(`HTTP ${status} is retried`, async () => {
      const { result, requests } = await run(
        (_req, res, _r, index) => {
          if (index === 0) res.writeHead(status, { 'retry-after': '0' }).end();
          else res.writeHead(200, { 'content-type': 'text/event-stream' }).end(finished);
        },
        { retries: 1 },
      );
      assert.equal(result?.retries, 1);
      assert.equal(requests.length, 2);
    });
  }

  it('caps a Retry-After of hours, in seconds or as a date, at 120 s', () => {
    assert.equal(computeBackoffDelay(1, 10 * 3600 * 1000), RETRY_AFTER_CAP_MS);
    assert.equal(RETRY_AFTER_CAP_MS, 120_000);
  });
});

describe('wrong URLs and HTML error pages', () => {
  it('404 and 405 from a path that is not the chat endpoint hint at /v1/chat/completions', async () => {
    for (const status of [404, 405]) {
      const { error } = await run((_req, res) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}'),
      );
      assert.ok(error instanceof HttpStatusError);
      assert.match(error.message, new RegExp(`HTTP ${status}: Not Found .*/v1/chat/completions`));
    }
  });

  it("a proxy's 502 HTML page: its title, never its markup; retried as a 5xx", async () => {
    const page502 =
      '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n';
    const { error, requests } = await run(
      (_req, res) => res.writeHead(502, { 'content-type': 'text/html', 'retry-after': '0' }).end(page502),
      { retries: 1 },
    );
    assert.ok(error instanceof HttpStatusError);
    assert.equal(error.message, 'server answered HTTP 502: 502 Bad Gateway');
    assert.equal(requests.length, 2);
  });

  it('an HTML page without a title: its first words, never its scripts, styles or tags', async () => {
    const body = `<!DOCTYPE html><html><head><style>body { color: red }</style><script>var token = "abc";\nfunction x() {}</script></head>
      <body><!-- generated --><div class="cf-error"><h1>Error 1020</h1><p>Access denied</p></div>${'<p>filler</p>'.repeat(5000)}</body></html>`;
    for (const status of [403, 200]) {
      const { error } = await run((_req, res) =>
        res.writeHead(status, { 'content-type': 'text/html' }).end(body),
      );
      assert.ok(error instanceof HttpStatusError || error instanceof InvalidResponseError, String(error));
      assert.match(error.message, /Error 1020/);
      assert.doesNotMatch(error.message, /[<>{}]|color|function|token/);
      assert.ok(error.message.length < 500, 'not the whole page');
    }
  });
});

describe('connection failures', () => {
  it('maps resolver errors to a ConnectionError naming the host, not retried for ENOTFOUND', () => {
    const url = 'http://user:pw@llm.internal:8000/v1/chat/completions?api-key=k';
    const wrap = (code: string) =>
      Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error(`getaddrinfo ${code} llm.internal`), {
          code,
          hostname: 'llm.internal',
        }),
      });
    const notFound = toConnectionError(wrap('ENOTFOUND'), url, 10_000);
    assert.ok(notFound instanceof ConnectionError);
    assert.match(notFound.message, /could not resolve llm\.internal:8000 .*ENOTFOUND.*check the host name/);
    assert.equal(notFound.url, 'http://llm.internal:8000/v1/chat/completions');
    assert.equal(isRetryable(notFound), false);
    const again = toConnectionError(wrap('EAI_AGAIN'), url, 10_000);
    assert.match(again.message, /could not resolve llm\.internal:8000 .*EAI_AGAIN/);
    assert.equal(isRetryable(again), true);
    const timeout = toConnectionError({ code: 'UND_ERR_CONNECT_TIMEOUT' }, url, 1234);
    assert.ok(timeout instanceof TimeoutError);
    assert.equal(timeout.kind, 'connect');
    assert.equal(timeout.timeoutMs, 1234);
  });

  it('a DNS failure through the real client (lookup injected, no real DNS): named, not retried', async () => {
    let lookups = 0;
    const failing: LookupFunction = (hostname, _options, callback) => {
      lookups++;
      const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: 'ENOTFOUND',
        errno: -3008,
        syscall: 'getaddrinfo',
        hostname,
      });
      process.nextTick(() => callback(error, '', 4));
    };
    const client = createChatClient(
      resolveOptions({
        url: 'http://model.invalid:8000/v1/chat/completions',
        enableRemoteServices: true,
        retries: 3,
        apiKey: 'sk-dns-secret',
      }),
      { lookup: failing },
    );
    try {
      const error = await client.complete(page).catch((e: unknown) => e);
      assert.ok(error instanceof ConnectionError, inspect(error));
      assert.match(error.message, /could not resolve model\.invalid:8000/);
      assert.equal(lookups, 1, 'a host that does not exist is not retried');
      assert.ok(!inspect(error, { depth: 8 }).includes('sk-dns-secret'));
    } finally {
      await client.close();
    }
  });

  describe('TLS', { skip: OPENSSL ? false : 'openssl is not installed' }, () => {
    let dir: string;
    let server: https.Server;
    let url: string;
    let handshakes = 0;
    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'pagestream-tls-'));
      // A throwaway self-signed certificate for 127.0.0.1, made for this test only.
      await promisify(execFile)('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ]);
      server = https.createServer(
        { key: await readFile(path.join(dir, 'key.pem')), cert: await readFile(path.join(dir, 'cert.pem')) },
        (_req, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end(finished),
      );
      server.on('connection', () => handshakes++);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `https://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}/v1/chat/completions`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    });

    it('a self-signed certificate: ConnectionError saying the TLS certificate was rejected, not retried', async () => {
      handshakes = 0;
      const client = createChatClient(
        resolveOptions({ url, enableRemoteServices: true, retries: 2, apiKey: 'sk-tls-secret' }),
      );
      try {
        const error = await client.complete(page).catch((e: unknown) => e);
        assert.ok(error instanceof ConnectionError, inspect(error));
        assert.match(error.message, /TLS certificate of 127\.0\.0\.1:\d+ was rejected: \w*SELF_SIGNED\w*/);
        assert.equal(handshakes, 1);
        assert.ok(!inspect(error, { depth: 8 }).includes('sk-tls-secret'));
      } finally {
        await client.close();
      }
    });

    it('http:// to a TLS server, and https:// to a plain server, fail clearly and fast', async () => {
      const plain = await startRecordingServer((_req, res) => res.end('x'));
      try {
        const tlsUrl = plain.url.replace('http:', 'https:');
        const tls = await run((_req, res) => res.end(), { url: tlsUrl, connectTimeout: 2000 });
        assert.ok(tls.error instanceof ConnectionError, inspect(tls.error));
        assert.match(tls.error.message, /TLS handshake with 127\.0\.0\.1:\d+ failed/);
        const cleartext = await run((_req, res) => res.end(), { url: url.replace('https:', 'http:') });
        assert.ok(
          cleartext.error instanceof ConnectionError || cleartext.error instanceof HttpStatusError,
          inspect(cleartext.error),
        );
      } finally {
        await plain.close();
      }
    });
  });
});

describe('secrets never reach errors, even when the server echoes them', () => {
  const key = 'sk-live-ECHOED-0123456789';
  const headerToken = 'hdr-ECHOED-abcdef';
  const secrets = { apiKey: key, headers: { 'X-Api-Key': headerToken } };

  const assertClean = (error: unknown) => {
    const shown = `${String(error)}\n${inspect(error, { depth: 8 })}\n${JSON.stringify(error)}`;
    assert.ok(!shown.includes(key), `the key leaked:\n${shown}`);
    assert.ok(!shown.includes(headerToken), `the header leaked:\n${shown}`);
  };

  it('a 401 whose body quotes the Authorization header', async () => {
    const { error } = await run(
      (req, res) =>
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: `bad key: ${String(req.headers.authorization)}` } })),
      secrets,
    );
    assert.ok(error instanceof HttpStatusError);
    assert.match(error.message, /bad key: Bearer \[redacted\].*API key is missing or wrong/);
    assertClean(error);
  });

  it('a 200 text/plain page, a mid-stream error event and a legacy error: line that echo them', async () => {
    const echo = (req: import('node:http').IncomingMessage) =>
      `rejected ${String(req.headers.authorization)} and ${String(req.headers['x-api-key'])}`;
    const handlers: Handler[] = [
      (req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(echo(req)),
      (req, res) =>
        res
          .writeHead(200, { 'content-type': 'text/event-stream' })
          .end(sseData({ error: { message: echo(req), code: 400 } })),
      (req, res) =>
        res.writeHead(200, { 'content-type': 'text/event-stream' }).end(`error: ${echo(req)}\n\n`),
    ];
    for (const handler of handlers) {
      const { error } = await run(handler, secrets);
      assert.ok(error instanceof InvalidResponseError || error instanceof StreamError, inspect(error));
      assert.match(error.message, /rejected Bearer \[redacted\] and \[redacted\]/);
      assertClean(error);
    }
  });

  it('answers are never redacted, even when a short key such as EMPTY appears in them', async () => {
    const text = 'EMPTY cells, an "error" column and EMPTY again';
    for (const stream of [true, false]) {
      const { result, error } = await run(
        (_req, res) =>
          stream
            ? res
                .writeHead(200, { 'content-type': 'text/event-stream' })
                .end(sseData(chunk({ content: text }, { finish: 'stop' })) + 'data: [DONE]\n\n')
            : res
                .writeHead(200, { 'content-type': 'application/json' })
                .end(JSON.stringify({ choices: [{ message: { content: text }, finish_reason: 'stop' }] })),
        { apiKey: 'EMPTY', stream },
      );
      assert.equal(error, undefined, String(error));
      assert.equal(result?.text, text);
    }
  });

  it('a refused connection and a timeout carry no secret in their cause chains', async () => {
    const closed = await startRecordingServer();
    await closed.close();
    const refused = await run(() => undefined, { ...secrets, url: closed.url });
    assert.ok(refused.error instanceof ConnectionError);
    assertClean(refused.error);
    const timeout = await run(() => undefined, { ...secrets, firstTokenTimeout: 100 });
    assert.ok(timeout.error instanceof TimeoutError);
    assertClean(timeout.error);
  });
});
