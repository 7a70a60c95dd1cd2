import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createChatClient } from '../src/client/create-chat-client.js';
import type { ChatClient } from '../src/client/page-request.js';
import type { CompletionResult } from '../src/client/completion-result.js';
import { IncompleteStreamError, InvalidResponseError, StreamError } from '../src/errors.js';
import { resolveOptions } from '../src/options.js';
import { startRecordingServer, type RecordingServer } from './helpers/recording-server.js';
import { chunk, replaySse, sseData, usageChunk } from './helpers/sse-replay.js';

// Project-made streams with the quirks of the recorded corpus, so a clone without ../shared still
// tests every one of them.
const page = { image: { data: new Uint8Array([1, 2, 3]), mimeType: 'image/png' }, prompt: 'p', stoppers: [] };
const DONE = 'data: [DONE]\n\n';
const content = (text: string) => sseData(chunk({ content: text }));

interface Case {
  name: string;
  stream: string;
  slice?: number;
  expect?: Partial<Pick<CompletionResult, 'text' | 'finishReason' | 'model' | 'refusal'>> & {
    usage?: CompletionResult['usage'];
  };
  error?: {
    class: typeof StreamError | typeof IncompleteStreamError | typeof InvalidResponseError;
    status?: number;
  };
}

const cases: Case[] = [
  {
    name: 'plain OpenAI shape: role chunk, content, finish chunk with delta {}, usage chunk choices []',
    stream:
      sseData(chunk({ role: 'assistant', content: null, refusal: '' })) +
      content('Hello') +
      content(', world') +
      sseData(chunk({}, { finish: 'stop' })) +
      sseData(usageChunk(12, 3)) +
      DONE,
    expect: {
      text: 'Hello, world',
      finishReason: 'stop',
      usage: { promptTokens: 12, completionTokens: 3, source: 'server' },
    },
  },
  {
    name: 'multi-byte characters split across 1-byte reads',
    stream: content('Grüße, 日本語 ') + content('🙂 done') + sseData(chunk({}, { finish: 'stop' })) + DONE,
    slice: 1,
    expect: { text: 'Grüße, 日本語 🙂 done', finishReason: 'stop' },
  },
  {
    name: 'CRLF line endings and `: ping` comments (sse-starlette)',
    stream: (
      ': ping - 2024\n\n' +
      content('Hi') +
      ': ping\n\n' +
      sseData(chunk({}, { finish: 'stop' })) +
      DONE
    ).replace(/\n/g, '\r\n'),
    expect: { text: 'Hi', finishReason: 'stop' },
  },
  {
    name: '`data:` without a space, bare `:` keep-alive, `data:[DONE]` (TGI)',
    stream:
      sseData(chunk({ role: 'assistant', content: 'OK' }), { space: false }) +
      ':\n\n' +
      sseData(chunk({ role: 'assistant', content: '' }, { finish: 'eos' }), { space: false }) +
      'data:[DONE]\n\n',
    expect: { text: 'OK', finishReason: 'stop' },
  },
  {
    name: 'processing comments before any data, choices [] chunks before and after content',
    stream:
      ': OPENROUTER PROCESSING\n\n'.repeat(5) +
      sseData({ choices: [], id: '', model: '', object: '', created: 0, prompt_filter_results: [] }) +
      content('A') +
      sseData(chunk({}, { finish: 'stop' })) +
      sseData(usageChunk(5, 1)) +
      sseData({ choices: [], moderation: {} }) +
      DONE,
    expect: { text: 'A', usage: { promptTokens: 5, completionTokens: 1, source: 'server' } },
  },
  {
    name: 'usage on every chunk: the last non-null one wins (continuous usage stats)',
    stream:
      sseData(chunk({ content: 'a' }, { usage: { prompt_tokens: 9, completion_tokens: 1 } })) +
      sseData(chunk({ content: 'b' }, { usage: null })) +
      sseData(chunk({ content: '' }, { finish: 'stop', usage: { prompt_tokens: 9, completion_tokens: 2 } })) +
      DONE,
    expect: { text: 'ab', usage: { promptTokens: 9, completionTokens: 2, source: 'server' } },
  },
  {
    name: 'content as an array of parts: text parts only, never thinking',
    stream:
      sseData(chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'hmm' }] }] })) +
      sseData(chunk({ content: [{ type: 'text', text: 'Answer' }] })) +
      sseData(chunk({ content: '' }, { finish: 'stop' })) +
      DONE,
    expect: { text: 'Answer' },
  },
  {
    name: 'content null beside reasoning fields: reasoning never enters the text',
    stream:
      sseData(chunk({ content: null, reasoning_content: 'Let me think' })) +
      sseData(chunk({ content: null, reasoning: 'more', reasoning_details: [] })) +
      content('Final') +
      sseData(chunk({}, { finish: 'stop' })) +
      DONE,
    expect: { text: 'Final', finishReason: 'stop' },
  },
  {
    name: 'finish reason never sent: [DONE] means stop',
    stream: content('x') + content('y') + DONE,
    expect: {
      text: 'xy',
      finishReason: 'stop',
      usage: { promptTokens: null, completionTokens: 2, source: 'local' },
    },
  },
  {
    name: 'finish reason then a last chunk with finish_reason null and usage (OpenRouter)',
    stream:
      content('z') +
      sseData(chunk({}, { finish: 'length' })) +
      sseData(chunk({ content: '' }, { usage: { prompt_tokens: 1, completion_tokens: 1 } })) +
      DONE,
    expect: { text: 'z', finishReason: 'length' },
  },
  {
    name: 'no [DONE] but a finish reason and a clean close: complete',
    stream: content('done') + sseData(chunk({ content: '' }, { finish: 'stop' })),
    expect: { text: 'done', finishReason: 'stop' },
  },
  {
    name: 'last event without its blank line still counts',
    stream: content('tail') + 'data: [DONE]',
    expect: { text: 'tail', finishReason: 'stop' },
  },
  {
    name: 'model name from the last chunk that has one',
    stream:
      sseData(chunk({ content: 'm' }, { model: '' })) +
      sseData(chunk({}, { finish: 'stop', model: 'real-model' })) +
      DONE,
    expect: { model: 'real-model' },
  },
  {
    name: 'refusal deltas stay out of the text',
    stream:
      sseData(chunk({ role: 'assistant', content: null, refusal: '' })) +
      sseData(chunk({ refusal: "I can't" })) +
      sseData(chunk({ refusal: ' help.' })) +
      sseData(chunk({}, { finish: 'stop' })) +
      DONE,
    expect: { text: '', refusal: "I can't help.", finishReason: 'content_filter' },
  },
  {
    name: 'tool calls: finish_reason tool_calls maps to stop',
    stream:
      sseData(
        chunk({ content: null, tool_calls: [{ index: 0, function: { name: 'f', arguments: '{}' } }] }),
      ) +
      sseData(chunk({}, { finish: 'tool_calls' })) +
      DONE,
    expect: { text: '', finishReason: 'stop' },
  },
  {
    name: '`event: error` after HTTP 200 (Groq): StreamError',
    stream:
      content('par') + 'event: error\ndata: {"error":{"message":"validation failed","status_code":400}}\n\n',
    error: { class: StreamError, status: 400 },
  },
  {
    name: 'error object inside a data chunk, even after a finish reason (OpenRouter): StreamError',
    stream:
      sseData(chunk({ content: '' }, { finish: 'length' })) +
      sseData({ error: { code: 400, message: 'Token limit reached' }, choices: [] }) +
      DONE,
    error: { class: StreamError, status: 400 },
  },
  {
    name: 'legacy llama.cpp `error:` line, which SSE parsers drop: StreamError',
    stream: content('Hello') + 'error: {"code":500,"message":"KV cache full"}\n\n' + DONE,
    error: { class: StreamError, status: 500 },
  },
  {
    name: 'neither finish reason nor [DONE]: IncompleteStreamError',
    stream: content('cut ') + content('off'),
    error: { class: IncompleteStreamError },
  },
  {
    name: 'a chunk cut mid-JSON at the end: IncompleteStreamError',
    stream: content('abc') + 'data: {"choices":[{"delta":{"content":"de',
    error: { class: IncompleteStreamError },
  },
  {
    name: 'a data event that is not JSON: InvalidResponseError',
    stream: 'data: <html>oops</html>\n\n' + DONE,
    error: { class: InvalidResponseError },
  },
];

describe('SSE quirks (project-made streams)', () => {
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

  for (const c of cases) {
    it(c.name, async () => {
      const bytes = Buffer.from(c.stream, 'utf8');
      server.handle((_req, res) => replaySse(res, bytes, { slice: c.slice ?? 7 }));
      if (c.error) {
        const error: unknown = await client.complete(page).then(
          () => assert.fail('expected an error'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof c.error.class, `got ${String(error)}`);
        if (c.error.status !== undefined) assert.equal((error as StreamError).status, c.error.status);
        return;
      }
      const result = await client.complete(page);
      for (const [key, value] of Object.entries(c.expect ?? {})) {
        assert.deepEqual(result[key as keyof CompletionResult], value, key);
      }
    });
  }
});
