import { extractServerMessage } from './create-http-status-error.js';

/** The server's message in a body, as a `: message` suffix for an error message ('' for none). */
export function describeBody(text: string): string {
  const message = extractServerMessage(text);
  return message === undefined ? '' : `: ${message}`;
}
