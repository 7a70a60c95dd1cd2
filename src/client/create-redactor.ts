/** Header names whose values are credentials. */
const SECRET_HEADER = /auth|key|token|secret|cookie|session|password|credential/i;
/** Shorter values are not treated as secrets: replacing every "a" would garble messages for nothing. */
const MIN_SECRET_LENGTH = 4;
/** What a secret is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Build a function that blanks out the credentials a client sends (the API key, the values of
 * credential-like headers such as `Authorization` or `X-Api-Key`, with and without their `Bearer`
 * scheme, and the password and credential-like query values of the URL) from text that came back from
 * the server. Error messages quote what servers say, and some servers echo the key they rejected: this
 * keeps such an echo out of errors, logs and reports.
 *
 * @example
 * ```ts
 * const redact = createRedactor({ apiKey: 'sk-123456', headers: {} });
 * redact('invalid key sk-123456'); // 'invalid key [redacted]'
 * ```
 */
export function createRedactor(options: {
  readonly apiKey?: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly url?: string | undefined;
}): (text: string) => string {
  const secrets = new Set<string>();
  const add = (value: string | undefined) => {
    const trimmed = value?.trim();
    if (trimmed !== undefined && trimmed.length >= MIN_SECRET_LENGTH) secrets.add(trimmed);
  };
  add(options.apiKey);
  for (const [name, value] of Object.entries(options.headers)) {
    if (!SECRET_HEADER.test(name)) continue;
    add(value);
    // `Bearer <token>`, `Basic <base64>`: the token alone is the secret too.
    add(/^\S+\s+(\S.*)$/.exec(value.trim())?.[1]);
  }
  if (options.url !== undefined) {
    try {
      const url = new URL(options.url);
      add(decodeURIComponent(url.password));
      for (const [name, value] of url.searchParams) if (SECRET_HEADER.test(name)) add(value);
    } catch {
      // An unparsable URL fails elsewhere, with its own message.
    }
  }
  // Longest first, so a key inside a longer header value does not leave the rest of that value behind.
  const list = [...secrets].sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text) => text;
  return (text) => {
    let result = text;
    for (const secret of list) if (result.includes(secret)) result = result.replaceAll(secret, REDACTED);
    return result;
  };
}
