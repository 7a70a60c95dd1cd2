import type { Dispatcher } from 'undici';
import { InvalidResponseError } from '../errors.js';
import { CompletionAccumulator } from './completion-accumulator.js';
import { describeBody } from './describe-body.js';
import { readText } from './read-text.js';

/** Largest non-streamed JSON answer accepted, in bytes. */
const MAX_JSON_BODY = 64 * 2 ** 20;

/**
 * Read a non-streamed answer: one `chat.completion` JSON object with `choices`.
 * @param options.onActivity - called once the answer starts and on every read (the idle limit restarts).
 * @param options.redact - blanks secrets out of text before it enters an error message.
 * @param options.forErrors - blanks secrets out of a body only when it carries an `error` object.
 * @returns the parsed completion, to be added to the answer as a whole.
 * @throws InvalidResponseError when the body is not JSON or has no choices; StreamError when it
 *   carries the server's `error`.
 */
export async function readJsonAnswer(
  body: Dispatcher.ResponseData['body'],
  options: {
    onActivity: () => void;
    redact: (text: string) => string;
    forErrors: (text: string) => string;
  },
): Promise<object> {
  options.onActivity();
  const text = options.forErrors(await readText(body, MAX_JSON_BODY, options.onActivity));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidResponseError(`the answer was not valid JSON${describeBody(options.redact(text))}`, {
      cause: error,
    });
  }
  if (typeof json !== 'object' || json === null || !('choices' in json) || !Array.isArray(json.choices)) {
    new CompletionAccumulator().add(json); // throws its `error`, if it has one
    throw new InvalidResponseError(`the answer had no choices${describeBody(options.redact(text))}`);
  }
  return json;
}
