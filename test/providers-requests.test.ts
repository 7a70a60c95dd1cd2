import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createChatClient } from '../src/client/create-chat-client.js';
import { InvalidOptionsError, RemoteServicesDisabledError } from '../src/errors.js';
import { resolveOptions } from '../src/options.js';
import type { ConvertOptions } from '../src/options.js';
import { applyProvider } from '../src/providers/apply-provider.js';
import { resolveProvider } from '../src/providers/resolve-provider.js';
import { startRecordingServer } from './helpers/recording-server.js';
import type { RecordedRequest, RecordingServer } from './helpers/recording-server.js';

interface Body {
  model?: string;
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  skip_special_tokens?: boolean;
}

describe('providers: each request checked against a local stand-in', () => {
  let server: RecordingServer;
  let base: string;
  before(async () => {
    server = await startRecordingServer((_req, res) => {
      // OpenRouter-style comment keep-alives before the answer: the SSE parser skips them.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': OPENROUTER PROCESSING\n\n');
      res.end(
        ': OPENROUTER PROCESSING\n\ndata: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n',
      );
    });
    base = server.url.replace(/\/chat\/completions$/, '');
  });
  after(() => server.close());

  /** Send one page through the provider `model` resolves to; return what the stand-in saw. */
  async function send(options: ConvertOptions, env: NodeJS.ProcessEnv): Promise<RecordedRequest> {
    const resolved = applyProvider(resolveOptions({ enableRemoteServices: true, ...options }), env);
    const client = createChatClient(resolved);
    try {
      const result = await client.complete({
        image: { data: new Uint8Array([1, 2, 3]), mimeType: 'image/png' },
        prompt: 'p',
      });
      assert.equal(result.text, 'ok');
    } finally {
      await client.close();
    }
    const request = server.requests.at(-1);
    assert.ok(request);
    return request;
  }

  it('openrouter/<org>/<model>: OPENROUTER_API_KEY as Bearer, the org/model sent, keep-alive comments tolerated', async () => {
    const request = await send(
      { model: 'openrouter/qwen/qwen2.5-vl-72b-instruct' },
      { OPENROUTER_API_BASE: base, OPENROUTER_API_KEY: 'or-key', OPENAI_API_KEY: 'wrong' },
    );
    assert.equal(request.url, '/v1/chat/completions');
    assert.equal(request.headers.authorization, 'Bearer or-key');
    assert.equal((request.body as Body).model, 'qwen/qwen2.5-vl-72b-instruct');
    assert.equal((request.body as Body).max_tokens, 4096);
  });

  it('openai/<model>: OPENAI_API_KEY; newer models get max_completion_tokens, reasoning models no temperature', async () => {
    const env = { OPENAI_API_BASE: base, OPENAI_API_KEY: 'sk-test' };
    const old = await send({ model: 'openai/gpt-4o', maxTokens: 100 }, env);
    assert.equal(old.headers.authorization, 'Bearer sk-test');
    assert.deepEqual(
      [(old.body as Body).model, (old.body as Body).max_tokens, (old.body as Body).temperature],
      ['gpt-4o', 100, 0],
    );
    const newer = await send({ model: 'openai/gpt-5-mini', maxTokens: 100 }, env);
    const body = newer.body as Body;
    assert.equal(body.max_completion_tokens, 100);
    assert.equal('max_tokens' in body, false);
    assert.equal('temperature' in body, false);
    const o3 = await send({ model: 'openai/o3', params: { max_tokens: 7, temperature: 1 } }, env);
    // Explicit params win over the quirks.
    assert.deepEqual([(o3.body as Body).max_tokens, (o3.body as Body).temperature], [7, 1]);
    assert.equal('max_completion_tokens' in (o3.body as Body), false);
  });

  it('azure/<deployment>: the deployments URL with api-version, the key as api-key, no Authorization', async () => {
    const env = {
      AZURE_API_BASE: base.replace(/\/v1$/, ''),
      AZURE_API_KEY: 'az-key',
      AZURE_API_VERSION: '2025-01-01-preview',
    };
    const request = await send({ model: 'azure/my-gpt4o' }, env);
    assert.equal(request.url, '/openai/deployments/my-gpt4o/chat/completions?api-version=2025-01-01-preview');
    assert.equal(request.headers['api-key'], 'az-key');
    assert.equal(request.headers.authorization, undefined);
    const explicit = await send(
      { model: 'azure/my-gpt4o', apiVersion: '2024-06-01', apiKey: 'explicit' },
      env,
    );
    assert.match(explicit.url, /api-version=2024-06-01$/);
    assert.equal(explicit.headers['api-key'], 'explicit');
  });

  it('gemini/<model>: GEMINI_API_KEY, else GOOGLE_API_KEY, as Bearer', async () => {
    const request = await send(
      { model: 'gemini/gemini-2.5-flash' },
      { GEMINI_API_BASE: base, GOOGLE_API_KEY: 'g-key' },
    );
    assert.equal(request.headers.authorization, 'Bearer g-key');
    assert.equal((request.body as Body).model, 'gemini-2.5-flash');
    const defaults = resolveProvider(resolveOptions({ model: 'gemini/gemini-2.5-flash', apiKey: 'k' }), {});
    assert.equal(defaults?.url, 'https://generativelanguage.googleapis.com/v1beta/openai/chat/completions');
  });

  it('ollama/<model>: no key, max_tokens only (a max_completion_tokens param is sent as max_tokens)', async () => {
    const request = await send(
      { model: 'ollama/qwen2.5vl:7b', params: { max_completion_tokens: 321 } },
      { OLLAMA_API_BASE: base },
    );
    const body = request.body as Body;
    assert.equal(request.headers.authorization, undefined);
    assert.equal(body.model, 'qwen2.5vl:7b');
    assert.equal(body.max_tokens, 321);
    assert.equal('max_completion_tokens' in body, false);
    assert.equal(
      resolveProvider(resolveOptions({ model: 'ollama/x' }), {})?.url,
      'http://127.0.0.1:11434/v1/chat/completions',
    );
  });

  it('vllm/<model> and lmstudio/<model>: local defaults; vLLM keeps DocTags tokens (skip_special_tokens: false)', async () => {
    const vllm = await send({ model: 'vllm/ibm-granite/granite-docling-258M' }, { VLLM_API_BASE: base });
    assert.equal((vllm.body as Body).model, 'ibm-granite/granite-docling-258M');
    assert.equal((vllm.body as Body).skip_special_tokens, false);
    const markdown = await send(
      { model: 'vllm/Qwen/Qwen2.5-VL-7B-Instruct', responseFormat: 'markdown' },
      { VLLM_API_BASE: base },
    );
    assert.equal('skip_special_tokens' in (markdown.body as Body), false);
    const lmstudio = await send({ model: 'lmstudio/qwen2.5-vl-7b', apiBase: base }, {});
    assert.equal((lmstudio.body as Body).model, 'qwen2.5-vl-7b');
    assert.equal(
      resolveProvider(resolveOptions({ model: 'vllm/x' }), {})?.url,
      'http://127.0.0.1:8000/v1/chat/completions',
    );
    assert.equal(
      resolveProvider(resolveOptions({ model: 'lmstudio/x' }), {})?.url,
      'http://127.0.0.1:1234/v1/chat/completions',
    );
  });

  it('a plain url sends the model as given, prefix and all', async () => {
    const request = await send(
      { url: server.url, model: 'openrouter/qwen/x' },
      { OPENROUTER_API_KEY: 'unused' },
    );
    assert.equal((request.body as Body).model, 'openrouter/qwen/x');
    assert.equal(request.headers.authorization, undefined);
  });

  it('a missing key names the variable to set and prints no value', () => {
    const secret = 'sk-do-not-print';
    for (const [model, variable] of [
      ['openrouter/a/b', 'OPENROUTER_API_KEY'],
      ['openai/gpt-4o', 'OPENAI_API_KEY'],
      ['gemini/g', 'GEMINI_API_KEY or GOOGLE_API_KEY'],
      ['azure/d', 'AZURE_API_KEY'],
    ] as const) {
      const env = { OTHER_KEY: secret, AZURE_API_BASE: 'https://x.openai.azure.com' };
      assert.throws(
        () => applyProvider(resolveOptions({ model, enableRemoteServices: true }), env),
        (error: unknown) =>
          error instanceof InvalidOptionsError &&
          error.message.includes(variable) &&
          !error.message.includes(secret),
      );
    }
    assert.throws(
      () =>
        applyProvider(resolveOptions({ model: 'azure/d', enableRemoteServices: true }), {
          AZURE_API_KEY: secret,
        }),
      (error: unknown) =>
        error instanceof InvalidOptionsError &&
        /AZURE_API_BASE/.test(error.message) &&
        !error.message.includes(secret),
    );
  });

  it('checks the remote-services gate before reading any environment variable', () => {
    const env = new Proxy<NodeJS.ProcessEnv>(
      {},
      {
        get() {
          throw new Error('the environment was read before the gate');
        },
      },
    );
    assert.throws(
      () => applyProvider(resolveOptions({ model: 'openrouter/a/b' }), env),
      RemoteServicesDisabledError,
    );
  });
});
