import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { InvalidResponseError } from '../errors.js';
import { toStreamError } from './completion-accumulator.js';

/** One server-sent event, or a note that the stream is still alive. */
export interface StreamEvent extends EventSourceMessage {
  /** True for an event completed only by the end of the stream (its last lines had no blank line after them). */
  readonly atEnd: boolean;
}

/** Largest event or partial line buffered, in characters: a bound on a misbehaving server. */
const MAX_BUFFER = 8 * 2 ** 20;

/**
 * Parse a response body as server-sent events: bytes -> UTF-8 text with a streaming TextDecoder (a
 * character split between reads is held back, not mangled) -> eventsource-parser (comments, `data:`
 * without a space, CRLF, named events). Leaving the loop early closes `body`'s iterator, which
 * destroys the body.
 *
 * Legacy llama.cpp writes errors as an `error: {json}` line, which is not an SSE field:
 * eventsource-parser reports it as an unknown field, and it is turned into a StreamError here rather
 * than dropped.
 *
 * @param onBytes - called for every read, comments and keep-alives included (idle timers use it).
 * @param redact - applied to the text of such an `error:` line before it becomes an error message.
 */
export async function* parseEventStream(
  body: AsyncIterable<Uint8Array>,
  onBytes: () => void = () => undefined,
  redact: (text: string) => string = (text) => text,
): AsyncGenerator<StreamEvent, void, undefined> {
  const decoder = new TextDecoder('utf-8');
  const queue: StreamEvent[] = [];
  let failure: Error | undefined;
  let atEnd = false;
  const parser = createParser({
    maxBufferSize: MAX_BUFFER,
    onEvent: (event) => queue.push({ ...event, atEnd }),
    onError: (error) => {
      if (error.type === 'unknown-field' && error.field === 'error') {
        const text = redact(error.value ?? '');
        let value: unknown = text;
        try {
          value = JSON.parse(text);
        } catch {
          // A plain-text error message.
        }
        failure ??= toStreamError(value);
      } else if (error.type === 'max-buffer-size-exceeded') {
        failure ??= new InvalidResponseError(`a server-sent event exceeded ${MAX_BUFFER} characters`);
      }
      // Other unknown fields and a bad `retry:` are ignored, as browsers do.
    },
  });
  const drain = function* (): Generator<StreamEvent> {
    // Events before a failure on the same read still count (they came first on the wire).
    while (queue.length > 0) {
      const event = queue.shift();
      if (event !== undefined) yield event;
    }
    if (failure !== undefined) throw failure;
  };
  for await (const chunk of body) {
    onBytes();
    parser.feed(decoder.decode(chunk, { stream: true }));
    yield* drain();
  }
  parser.feed(decoder.decode());
  // Servers that end the stream without the final blank line still meant their last event.
  atEnd = true;
  parser.feed('\n\n');
  yield* drain();
}
