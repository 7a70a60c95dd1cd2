import type http from 'node:http';
import { setImmediate as tick } from 'node:timers/promises';

/**
 * Write `bytes` as an event stream in `slice`-byte writes, one per event-loop turn, so the client sees
 * many small reads that split lines, events and multi-byte characters. Stops early if the client left.
 */
export async function replaySse(
  res: http.ServerResponse,
  bytes: Uint8Array,
  { slice = 7, contentType = 'text/event-stream; charset=utf-8', end = true } = {},
): Promise<void> {
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
  for (let i = 0; i < bytes.length && !res.destroyed; i += slice) {
    res.write(bytes.subarray(i, i + slice));
    await tick();
  }
  if (end && !res.destroyed) res.end();
}

/** One `data:` event for a JSON payload. */
export const sseData = (payload: unknown, { space = true, eol = '\n' } = {}): string =>
  `data:${space ? ' ' : ''}${typeof payload === 'string' ? payload : JSON.stringify(payload)}${eol}${eol}`;

/** A `chat.completion.chunk` with one choice. */
export function chunk(
  delta: Record<string, unknown>,
  options: { finish?: string | null; usage?: unknown; model?: string } = {},
): Record<string, unknown> {
  const { finish = null, usage, model = 'test-model' } = options;
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 1,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(usage === undefined ? {} : { usage }),
  };
}

/** A usage-only chunk (`choices: []`), as OpenAI sends with `include_usage`. */
export const usageChunk = (prompt: number, completion: number): Record<string, unknown> => ({
  id: 'chatcmpl-test',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'test-model',
  choices: [],
  usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
});
