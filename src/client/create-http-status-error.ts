import { HttpStatusError } from '../errors.js';
import { parseRetryAfter } from './parse-retry-after.js';

const MAX_MESSAGE = 300;

/**
 * Build the {@link HttpStatusError} for a non-2xx answer: the server's own message (JSON
 * `error.message`, `message`, `detail`, a string `error`; an HTML page's `<title>`; else the first
 * line of text) and the `Retry-After` it asked for.
 */
export function createHttpStatusError(init: {
  status: number;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}): HttpStatusError {
  return new HttpStatusError({
    status: init.status,
    url: init.url,
    retryAfterMs: parseRetryAfter(init.headers),
    serverMessage: extractServerMessage(init.body),
  });
}

/** The message a server put in an error body, shortened to one line. */
export function extractServerMessage(body: string): string | undefined {
  const text = body.trim();
  if (text === '') return undefined;
  let message: string | undefined;
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      message = messageOf(JSON.parse(text));
    } catch {
      // Not JSON after all: fall through to text.
    }
  }
  if (message === undefined) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    // A proxy's error page: never its scripts, styles or comments, only words a person would read.
    message =
      (title === '' ? undefined : title) ??
      text
        .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
        .replace(/<!--[\s\S]*?-->/g, ' ')
        .replace(/<[^>]*>/g, ' ')
        .split('\n')
        .map((line) => line.trim())
        .find((line) => line !== '');
  }
  if (message === undefined) return undefined;
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 3)}...` : line || undefined;
}

function messageOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return messageOf(value[0]);
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  for (const key of ['error', 'message', 'detail', 'msg', 'error_description']) {
    const found = messageOf(record[key]);
    if (found !== undefined) return found;
  }
  return undefined;
}
