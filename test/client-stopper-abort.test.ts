import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createChatClient } from '../src/client/create-chat-client.js';
import type { CompletionEvent } from '../src/client/completion-result.js';
import { resolveOptions } from '../src/options.js';
import { startRecordingServer } from './helpers/recording-server.js';
import { chunk, sseData } from './helpers/sse-replay.js';

const MAX_TOKENS = 2000;

describe('a stopper firing aborts the request', () => {
  it('closes the socket at the first chunk after </doctag>: the server writes at most 2 chunks after it', async () => {
    let written = 0;
    let writtenAtStop = -1;
    const tokens = ['<doctag>', '<text>', 'Hello', ' world', '</text>', '</doctag>'];
    const server = await startRecordingServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      // A model that does not stop at </doctag>: a token every 2 ms, bounded to MAX_TOKENS.
      const timer = setInterval(() => {
        if (res.destroyed || i >= MAX_TOKENS) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          return;
        }
        const token = tokens[i] ?? ' trailing garbage';
        res.write(sseData(chunk({ content: token })));
        written++;
        if (token === '</doctag>') writtenAtStop = written;
        i++;
      }, 2);
      res.on('close', () => clearInterval(timer));
    });
    const client = createChatClient(resolveOptions({ url: server.url, enableRemoteServices: true }));
    const events: CompletionEvent[] = [];
    try {
      const result = await client.complete(
        { image: { data: new Uint8Array([1]), mimeType: 'image/png' }, prompt: 'p' },
        { onEvent: (e) => events.push(e) },
      );
      assert.equal(result.text, '<doctag><text>Hello world</text></doctag>');
      assert.equal(result.finishReason, 'stopper');
      assert.equal(result.stopper, 'closing-tag');
      assert.deepEqual(result.usage, { promptTokens: null, completionTokens: 6, source: 'local' });
      assert.ok(result.ttftMs !== null && result.ttftMs >= 0);
      assert.ok(events.some((e) => e.type === 'stopped-early' && e.stopper === 'closing-tag'));
      const closed = await server.requests[0]?.closed;
      assert.equal(closed?.byClient, true);
      const after = written - writtenAtStop;
      if (process.env.PAGESTREAM_DEBUG) console.log(`chunks written after </doctag>: ${after}`);
      // One chunk read during the grace (it shows the model running on) plus at most one in flight.
      assert.ok(after >= 1 && after <= 2, `the server wrote ${after} chunks after </doctag>`);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('keeps the server usage when it had already sent some, and the next page starts clean', async () => {
    const server = await startRecordingServer((_req, res, _r, index) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(
        sseData(chunk({ content: `page ${index} ` }, { usage: { prompt_tokens: 3, completion_tokens: 1 } })),
      );
      res.write(sseData(chunk({ content: 'STOP here' })));
      // Never ends by itself: only the stopper ends this answer.
    });
    const client = createChatClient(resolveOptions({ url: server.url, enableRemoteServices: true }));
    const stop = {
      name: 'custom',
      lookback: 8,
      shouldStop: (w: string, c: { offset: number }) =>
        w.includes('STOP') ? { end: c.offset + w.indexOf('STOP') } : false,
    };
    try {
      for (const index of [0, 1]) {
        const result = await client.complete({
          image: { data: new Uint8Array([1]), mimeType: 'image/png' },
          prompt: 'p',
          stoppers: [stop],
        });
        assert.equal(result.text, `page ${index} `);
        assert.equal(result.stopper, 'custom');
        assert.deepEqual(result.usage, { promptTokens: 3, completionTokens: 1, source: 'server' });
      }
    } finally {
      await client.close();
      await server.close();
    }
  });
});
