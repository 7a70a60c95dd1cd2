import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { DEFAULT_STOP_GRACE_MS, createChatClient } from '../src/client/create-chat-client.js';
import type { CompletionEvent, CompletionResult } from '../src/client/completion-result.js';
import type { PageRequest } from '../src/client/page-request.js';
import { createClosingTagStopper } from '../src/stoppers/create-closing-tag-stopper.js';
import { createRepetitionStopper } from '../src/stoppers/create-repetition-stopper.js';
import { resolveOptions } from '../src/options.js';
import { startRecordingServer, type RecordedRequest } from './helpers/recording-server.js';
import { chunk, sseData, usageChunk } from './helpers/sse-replay.js';

const END = Symbol('end');

/** One step of a scripted stream: an SSE payload to write, a pause, or the end of the response. */
type Step = string | { readonly pauseMs: number } | typeof END;

const DOCTAG = ['<doctag>', '<text>', 'Hello', ' world', '</text>', '</doctag>'];
const TEXT = '<doctag><text>Hello world</text></doctag>';
const content = (tokens: readonly string[]): string[] => tokens.map((t) => sseData(chunk({ content: t })));
const finish = (reason = 'stop'): string => sseData(chunk({}, { finish: reason }));
const usage = (prompt: number, completion: number): string => sseData(usageChunk(prompt, completion));
const DONE = 'data: [DONE]\n\n';

/** Write `steps` in order, one per event-loop turn; pauses are timers cleared when the client leaves. */
function play(res: http.ServerResponse, steps: readonly Step[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  let timer: NodeJS.Timeout | undefined;
  res.on('close', () => clearTimeout(timer));
  const next = (i: number): void => {
    if (res.destroyed || i >= steps.length) return;
    const step = steps[i];
    if (step === END) {
      res.end();
      return;
    }
    if (typeof step === 'string') {
      res.write(step);
      timer = setTimeout(() => next(i + 1), 0);
    } else if (step !== undefined) {
      timer = setTimeout(() => next(i + 1), step.pauseMs);
    }
  };
  next(0);
}

interface Outcome {
  readonly result: CompletionResult;
  readonly events: readonly CompletionEvent[];
  readonly ms: number;
  readonly request: RecordedRequest | undefined;
}

/** Answer one page with a scripted stream; the client uses the default DocTags stoppers unless given others. */
async function run(steps: readonly Step[], request: Partial<PageRequest> = {}): Promise<Outcome> {
  const server = await startRecordingServer((_req, res) => play(res, steps));
  const client = createChatClient(resolveOptions({ url: server.url, enableRemoteServices: true }));
  const events: CompletionEvent[] = [];
  try {
    const started = performance.now();
    const result = await client.complete(
      { image: { data: new Uint8Array([1]), mimeType: 'image/png' }, prompt: 'p', ...request },
      { onEvent: (e) => events.push(e) },
    );
    return { result, events, ms: performance.now() - started, request: server.requests[0] };
  } finally {
    await client.close();
    await server.close();
  }
}

const stoppedEarly = (events: readonly CompletionEvent[]): boolean =>
  events.some((e) => e.type === 'stopped-early');

describe('after a stopper fires, a short grace tells a natural end from a runaway', () => {
  it('</doctag>, finish chunk, usage chunk, [DONE]: a natural stop with the server usage', async () => {
    const { result, events, request } = await run([...content(DOCTAG), finish(), usage(321, 6), DONE, END]);
    assert.equal(result.text, TEXT);
    assert.equal(result.finishReason, 'stop');
    assert.equal(result.stopper, null);
    assert.deepEqual(result.usage, { promptTokens: 321, completionTokens: 6, source: 'server' });
    assert.equal(stoppedEarly(events), false);
    // Read to the end: the server finished its response, nobody hung up.
    assert.equal((await request?.closed)?.byClient, false);
  });

  it('the finish reason on the </doctag> chunk itself, usage after it: natural, server usage', async () => {
    const { result, events } = await run([
      ...content(DOCTAG.slice(0, -1)),
      sseData(chunk({ content: '</doctag>' }, { finish: 'stop' })),
      usage(10, 6),
      DONE,
      END,
    ]);
    assert.equal(result.finishReason, 'stop');
    assert.equal(result.stopper, null);
    assert.deepEqual(result.usage, { promptTokens: 10, completionTokens: 6, source: 'server' });
    assert.equal(stoppedEarly(events), false);
  });

  it("a finish reason of 'length' right after </doctag> is reported as such", async () => {
    const { result } = await run([...content(DOCTAG), finish('length'), DONE, END]);
    assert.equal(result.finishReason, 'length');
    assert.equal(result.stopper, null);
  });

  it('the stream ending right after </doctag> (no finish chunk, no [DONE]) is a natural end', async () => {
    const { result, events } = await run([...content(DOCTAG), END]);
    assert.equal(result.text, TEXT);
    assert.equal(result.finishReason, 'stop');
    assert.equal(result.stopper, null);
    assert.deepEqual(result.usage, { promptTokens: null, completionTokens: 6, source: 'local' });
    assert.equal(stoppedEarly(events), false);
  });

  it('usage 1 s after the finish chunk: still natural, but the client waits only the grace (usage local)', async () => {
    const { result, events, ms, request } = await run([
      ...content(DOCTAG),
      finish(),
      { pauseMs: 1000 },
      usage(321, 6),
      DONE,
      END,
    ]);
    assert.equal(result.text, TEXT);
    assert.equal(result.finishReason, 'stop');
    assert.equal(result.stopper, null);
    // The usage chunk never came within the grace: counted here, one content delta per token.
    assert.deepEqual(result.usage, { promptTokens: null, completionTokens: 6, source: 'local' });
    assert.equal(stoppedEarly(events), false);
    assert.ok(ms < 900, `waited ${Math.round(ms)} ms for a usage chunk 1 s away`);
    assert.equal((await request?.closed)?.byClient, true);
  });

  it('</doctag> then silence: the grace timer stops the page and closes the socket', async () => {
    const { result, events, ms, request } = await run([
      ...content(DOCTAG),
      { pauseMs: 1000 },
      ...content([' more']),
      finish(),
      DONE,
      END,
    ]);
    assert.equal(result.text, TEXT);
    assert.equal(result.finishReason, 'stopper');
    assert.equal(result.stopper, 'closing-tag');
    assert.deepEqual(result.usage, { promptTokens: null, completionTokens: 6, source: 'local' });
    assert.ok(events.some((e) => e.type === 'stopped-early' && e.stopper === 'closing-tag'));
    assert.ok(ms >= DEFAULT_STOP_GRACE_MS - 5 && ms < 900, `stopped after ${Math.round(ms)} ms`);
    assert.equal((await request?.closed)?.byClient, true);
  });

  it('content after </doctag> never enters the text, even when the server then finishes', async () => {
    const { result, request } = await run([
      ...content(DOCTAG),
      ...content(['<text>', 'ran on']),
      finish(),
      usage(5, 8),
      DONE,
      END,
    ]);
    assert.equal(result.text, TEXT);
    assert.equal(result.finishReason, 'stopper');
    assert.equal(result.stopper, 'closing-tag');
    // Aborted at the first running-on chunk: the usage chunk was never read.
    assert.deepEqual(result.usage, { promptTokens: null, completionTokens: 6, source: 'local' });
    assert.equal((await request?.closed)?.byClient, true);
  });

  it('a repetition stopper firing mid-answer, then more content: stopped early as before', async () => {
    const line = '| a | b |\n';
    const repetition = createRepetitionStopper({ minLineRepeats: 3 });
    const { result, events, request } = await run(
      [
        ...content(['# Title\n', line, line, line, line, 'after the loop\n']),
        finish(),
        usage(4, 7),
        DONE,
        END,
      ],
      { stoppers: [createClosingTagStopper(), repetition] },
    );
    assert.equal(result.finishReason, 'stopper');
    assert.equal(result.stopper, 'repetition');
    assert.ok(result.text.startsWith('# Title\n| a | b |\n'), result.text);
    assert.ok(!result.text.includes('after the loop'));
    assert.ok(events.some((e) => e.type === 'stopped-early' && e.stopper === 'repetition'));
    assert.equal((await request?.closed)?.byClient, true);
  });

  it('a JSON answer trimmed only of whitespace after </doctag> keeps the server finish reason', async () => {
    const server = await startRecordingServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          choices: [{ index: 0, message: { content: `${TEXT}\n` }, finish_reason: 'length' }],
          usage: { prompt_tokens: 3, completion_tokens: 9 },
        }),
      ),
    );
    const client = createChatClient(resolveOptions({ url: server.url, enableRemoteServices: true }));
    const events: CompletionEvent[] = [];
    try {
      const result = await client.complete(
        { image: { data: new Uint8Array([1]), mimeType: 'image/png' }, prompt: 'p' },
        { onEvent: (e) => events.push(e) },
      );
      assert.equal(result.text, TEXT);
      assert.equal(result.finishReason, 'length');
      assert.equal(result.stopper, null);
      assert.deepEqual(result.usage, { promptTokens: 3, completionTokens: 9, source: 'server' });
      assert.equal(stoppedEarly(events), false);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('stopGraceMs: 0 aborts at the decision, and a negative grace is refused', async () => {
    const server = await startRecordingServer((_req, res) =>
      play(res, [...content(DOCTAG), finish(), usage(1, 6), DONE, END]),
    );
    const options = resolveOptions({ url: server.url, enableRemoteServices: true });
    const client = createChatClient(options, { stopGraceMs: 0 });
    try {
      assert.throws(() => createChatClient(options, { stopGraceMs: -1 }), /stopGraceMs/);
      const result = await client.complete({
        image: { data: new Uint8Array([1]), mimeType: 'image/png' },
        prompt: 'p',
      });
      assert.equal(result.text, TEXT);
      assert.equal(result.finishReason, 'stopper');
      assert.equal(result.stopper, 'closing-tag');
    } finally {
      await client.close();
      await server.close();
    }
  });
});
