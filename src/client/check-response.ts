import type { Dispatcher } from 'undici';
import { InvalidResponseError } from '../errors.js';
import { createHttpStatusError } from './create-http-status-error.js';
import { describeBody } from './describe-body.js';
import { readText } from './read-text.js';

/** Most of an error or unexpected body read for its message; the rest is dropped. */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * Check a chat-completions response before its answer is read, and tell how the answer comes.
 * @param options.stream - whether a stream was asked for: a response without a content type is then taken as one.
 * @param options.safeUrl - the URL as error messages may show it.
 * @param options.redact - blanks secrets out of a body before it enters an error message.
 * @returns `'stream'` for server-sent events, `'json'` for one JSON answer.
 * @throws HttpStatusError (and its subclasses) for a status outside 2xx; InvalidResponseError for
 *   any other content type.
 */
export async function checkResponse(
  response: Dispatcher.ResponseData,
  options: { stream: boolean; safeUrl: string; redact: (text: string) => string },
): Promise<'stream' | 'json'> {
  const { statusCode, headers } = response;
  if (statusCode < 200 || statusCode >= 300) {
    const text = options.redact(await readText(response.body, MAX_ERROR_BODY));
    throw createHttpStatusError({ status: statusCode, url: options.safeUrl, headers, body: text });
  }
  const contentType = String(headers['content-type'] ?? '').toLowerCase();
  const streamed = contentType.includes('text/event-stream') || (contentType === '' && options.stream);
  if (!streamed && !/[/+]json\b/.test(contentType)) {
    const text = options.redact(await readText(response.body, MAX_ERROR_BODY));
    throw new InvalidResponseError(
      `expected an event stream or JSON from ${options.safeUrl}, got ${contentType === '' ? 'no content type' : `"${contentType}"`} (HTTP ${statusCode})${describeBody(text)}; is the URL the chat-completions endpoint (.../v1/chat/completions)?`,
    );
  }
  return streamed ? 'stream' : 'json';
}
