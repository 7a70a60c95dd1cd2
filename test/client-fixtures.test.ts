import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createChatClient } from '../src/client/create-chat-client.js';
import type { ChatClient } from '../src/client/page-request.js';
import { IncompleteStreamError, StreamError } from '../src/errors.js';
import { resolveOptions } from '../src/options.js';
import { fixturePath, hasSharedFixtures, needsShared } from './helpers/shared-fixtures.js';
import { startRecordingServer, type RecordingServer } from './helpers/recording-server.js';
import { replaySse } from './helpers/sse-replay.js';

const page = {
  image: { data: new Uint8Array([137, 80, 78, 71]), mimeType: 'image/png' },
  prompt: 'p',
  stoppers: [],
};

/** What a correct client must make of a fixture, computed line by line without any SSE parser. */
interface Expected {
  text: string;
  refusal: string;
  finish: string | undefined;
  usage: { prompt_tokens?: number; completion_tokens?: number } | undefined;
  done: boolean;
  model: string | null;
}

function expectedOf(raw: string): Expected {
  const result: Expected = {
    text: '',
    refusal: '',
    finish: undefined,
    usage: undefined,
    done: false,
    model: null,
  };
  for (const line of raw.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '[DONE]') {
      result.done = true;
      continue;
    }
    const json = JSON.parse(data) as {
      model?: string;
      usage?: Expected['usage'] | null;
      choices?: { delta?: { content?: unknown; refusal?: unknown }; finish_reason?: string | null }[];
    };
    if (json.model) result.model = json.model;
    if (json.usage) result.usage = json.usage;
    for (const choice of json.choices ?? []) {
      const content = choice.delta?.content;
      if (typeof content === 'string') result.text += content;
      else if (Array.isArray(content)) {
        for (const part of content as { type?: string; text?: string }[]) {
          if (part.type === 'text' && typeof part.text === 'string') result.text += part.text;
        }
      }
      if (typeof choice.delta?.refusal === 'string') result.refusal += choice.delta.refusal;
      if (choice.finish_reason) result.finish = choice.finish_reason;
    }
  }
  return result;
}

/** Streams whose right outcome is an error, and the status each error carries. */
const ERRORS: Record<string, { error: typeof StreamError | typeof IncompleteStreamError; status?: number }> =
  {
    'groq_1.txt': { error: StreamError, status: 400 },
    'openrouter_1.txt': { error: StreamError, status: 400 },
    'derived/tgi-error_derived.txt': { error: StreamError, status: 422 },
    'derived/llamacpp-legacy-error_derived.txt': { error: StreamError, status: 500 },
    // A fragment from mid-stream: no finish reason and no [DONE], so it is a broken stream.
    'llamacpp_2.txt': { error: IncompleteStreamError },
  };

const files = hasSharedFixtures
  ? [
      ...readdirSync(fixturePath('sse')).filter((f) => f.endsWith('.txt')),
      ...readdirSync(fixturePath('sse', 'derived')).map((f) => path.join('derived', f)),
    ].sort()
  : [];

describe('replaying every recorded stream in ../shared/fixtures/sse', needsShared, () => {
  let server: RecordingServer;
  let client: ChatClient;
  before(async () => {
    server = await startRecordingServer();
    client = createChatClient(resolveOptions({ url: server.url, enableRemoteServices: true, retries: 0 }));
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  it('covers the whole corpus', () => {
    assert.ok(files.length >= 32, `only ${files.length} fixtures found`);
  });

  for (const file of files) {
    it(file, async () => {
      const bytes = readFileSync(fixturePath('sse', file));
      server.handle((_req, res) => replaySse(res, bytes, { slice: 7 }));
      const outcome = ERRORS[file];
      if (outcome !== undefined) {
        const error = await client.complete(page).then(
          () => assert.fail('expected an error'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof outcome.error, `got ${String(error)}`);
        if (outcome.status !== undefined) assert.equal((error as StreamError).status, outcome.status);
        return;
      }
      const expected = expectedOf(bytes.toString('utf8'));
      const result = await client.complete(page);
      assert.equal(result.text, expected.text);
      assert.equal(result.stopper, null);
      const finish =
        expected.text === '' && expected.refusal !== ''
          ? 'content_filter'
          : expected.finish === 'length'
            ? 'length'
            : 'stop';
      assert.equal(result.finishReason, finish);
      assert.equal(result.refusal ?? '', expected.refusal);
      assert.equal(result.model, expected.model);
      if (expected.usage) {
        assert.deepEqual(result.usage, {
          promptTokens: expected.usage.prompt_tokens ?? null,
          completionTokens: expected.usage.completion_tokens ?? null,
          source: 'server',
        });
      } else {
        assert.equal(result.usage.source, 'local');
      }
      assert.equal(result.retries, 0);
    });
  }

  it('spot checks, verified by hand', async () => {
    const run = async (file: string) => {
      const bytes = readFileSync(fixturePath('sse', file));
      server.handle((_req, res) => replaySse(res, bytes, { slice: 3 }));
      return client.complete(page);
    };
    // DeepSeek: ~200 reasoning chunks never enter the text; usage rides on the finish chunk.
    const deepseek = await run('deepseek_1.txt');
    assert.ok(!deepseek.text.includes('reasoning'));
    assert.equal(deepseek.usage.source, 'server');
    // Mistral: thinking parts are skipped, text parts kept.
    const mistral = await run('mistral_1.txt');
    assert.ok(mistral.text.length > 0);
    assert.ok(!mistral.text.includes('Okay, the user'));
    // OpenAI refusal: no text, the refusal kept apart.
    const refusal = await run('openai_1.txt');
    assert.equal(refusal.text, '');
    assert.match(refusal.refusal ?? '', /^I'm very sorry/);
    assert.equal(refusal.finishReason, 'content_filter');
    // Snowflake -> Claude never sends a finish reason: [DONE] means stop.
    assert.equal((await run('anthropic-proxy_1.txt')).finishReason, 'stop');
  });
});
