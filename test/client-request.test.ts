import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRequestBody } from '../src/client/build-request-body.js';
import { createChatClient } from '../src/client/create-chat-client.js';
import { InvalidOptionsError, RemoteServicesDisabledError } from '../src/errors.js';
import { resolveOptions } from '../src/options.js';
import { startRecordingServer } from './helpers/recording-server.js';
import { chunk, replaySse, sseData } from './helpers/sse-replay.js';

const image = { data: new Uint8Array([0xff, 0xd8, 0xff, 0x00]), mimeType: 'image/jpeg' };
const request = { image, prompt: 'Convert this page to docling.' };
const answer = Buffer.from(sseData(chunk({ content: 'ok' }, { finish: 'stop' })) + 'data: [DONE]\n\n');

describe('buildRequestBody', () => {
  it('one user message: image data URL first, then the prompt; derived fields; streaming', () => {
    const body = buildRequestBody(
      resolveOptions({ model: 'granite-docling', stopStrings: ['<end>'] }),
      request,
    );
    assert.deepEqual(body, {
      model: 'granite-docling',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/AA==' } },
            { type: 'text', text: 'Convert this page to docling.' },
          ],
        },
      ],
      temperature: 0,
      max_tokens: 4096,
      stop: ['<end>'],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('no model when none is set; stream false when not streaming', () => {
    const body = buildRequestBody(resolveOptions({ stream: false }), request);
    assert.equal('model' in body, false);
    assert.equal(body.stream, false);
    assert.equal('stream_options' in body, false);
  });

  it('params win over every derived field', () => {
    const body = buildRequestBody(
      resolveOptions({ temperature: 0.5, params: { temperature: 0.1, top_p: 0.9, stream_options: null } }),
      request,
    );
    assert.equal(body.temperature, 0.1);
    assert.equal(body.top_p, 0.9);
    assert.equal(body.stream_options, null);
  });

  it('max_completion_tokens in params replaces max_tokens', () => {
    const body = buildRequestBody(resolveOptions({ params: { max_completion_tokens: 100 } }), request);
    assert.equal(body.max_completion_tokens, 100);
    assert.equal('max_tokens' in body, false);
  });

  it('encodes a view into a larger buffer correctly', () => {
    const backing = new Uint8Array([9, 9, 0xff, 0xd8, 9]);
    const body = buildRequestBody(resolveOptions({}), {
      image: { data: backing.subarray(2, 4), mimeType: 'image/png' },
      prompt: 'p',
    });
    assert.match(JSON.stringify(body), /data:image\/png;base64,\/9g=/);
  });
});

describe('createChatClient', () => {
  it('remote services disabled: throws before any connection, and the server sees none', async () => {
    const server = await startRecordingServer((_req, res) => void replaySse(res, answer));
    try {
      assert.throws(() => createChatClient(resolveOptions({ url: server.url })), RemoteServicesDisabledError);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(server.connections, 0);
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  });

  it('missing url: InvalidOptionsError naming url', () => {
    assert.throws(
      () => createChatClient(resolveOptions({ enableRemoteServices: true })),
      (e: unknown) => e instanceof InvalidOptionsError && e.message.startsWith('url:'),
    );
  });

  it('sends the body, bearer key and user headers over the wire; params win', async () => {
    const server = await startRecordingServer((_req, res) => void replaySse(res, answer));
    const client = createChatClient(
      resolveOptions({
        url: server.url,
        enableRemoteServices: true,
        apiKey: 'sk-secret',
        model: 'm',
        headers: { 'X-Tenant': 'a' },
        params: { max_completion_tokens: 50, temperature: 0.7, model: 'override' },
      }),
    );
    try {
      const result = await client.complete(request);
      assert.equal(result.text, 'ok');
      const [recorded] = server.requests;
      assert.equal(recorded?.method, 'POST');
      assert.equal(recorded.headers.authorization, 'Bearer sk-secret');
      assert.equal(recorded.headers['x-tenant'], 'a');
      assert.match(String(recorded.headers['content-type']), /application\/json/);
      const body = recorded.body as Record<string, unknown>;
      assert.equal(body.model, 'override');
      assert.equal(body.temperature, 0.7);
      assert.equal(body.max_completion_tokens, 50);
      assert.equal('max_tokens' in body, false);
      assert.equal(body.stream, true);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('a user Authorization header replaces the bearer key instead of joining it', async () => {
    const server = await startRecordingServer((_req, res) => void replaySse(res, answer));
    const client = createChatClient(
      resolveOptions({
        url: server.url,
        enableRemoteServices: true,
        apiKey: 'k',
        headers: { Authorization: 'Basic x' },
      }),
    );
    try {
      await client.complete(request);
      assert.equal(server.requests[0]?.headers.authorization, 'Basic x');
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('reuses keep-alive connections across sequential pages', async () => {
    const server = await startRecordingServer((_req, res) => void replaySse(res, answer));
    const client = createChatClient(
      resolveOptions({ url: server.url, enableRemoteServices: true, concurrency: 2 }),
    );
    try {
      for (let i = 0; i < 6; i++) await client.complete(request);
      assert.equal(server.requests.length, 6);
      // The pool may open its second connection, never more: six pages, at most `concurrency` sockets.
      assert.ok(server.connections <= 2, `${server.connections} connections`);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
