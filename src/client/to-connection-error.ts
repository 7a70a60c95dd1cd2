import { ConnectionError, TimeoutError } from '../errors.js';
import type { PagestreamError } from '../errors.js';
import { redactUrl } from './redact-url.js';

/**
 * Map the error of a request that got no answer (undici wraps the socket's or resolver's error, often
 * twice) to the error pagestream raises: a `TimeoutError('connect')` for undici's connect timeout, else
 * a {@link ConnectionError} whose message names the host (never the URL's credentials or query) and
 * what went wrong in words a user can act on: a name that does not resolve, a refused or reset
 * connection, a TLS handshake or certificate the client rejected.
 *
 * Errors that another attempt cannot fix are marked `retryable: false`: a host name that does not exist
 * (`ENOTFOUND`; a temporary resolver failure, `EAI_AGAIN`, is retried) and a rejected certificate.
 *
 * @param connectTimeoutMs - the connect limit in force, named by the timeout error.
 * @example
 * ```ts
 * toConnectionError(Object.assign(new Error('getaddrinfo ENOTFOUND llm.internal'), { code: 'ENOTFOUND' }),
 *   'http://llm.internal/v1/chat/completions', 10_000).message;
 * // 'could not resolve llm.internal (DNS lookup failed: ENOTFOUND); check the host name in the URL'
 * ```
 */
export function toConnectionError(error: unknown, url: string, connectTimeoutMs: number): PagestreamError {
  const code = errorCode(error);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new TimeoutError('connect', connectTimeoutMs);
  const safeUrl = redactUrl(url);
  const host = hostOf(url);
  const detail = code ?? messageOf(error);
  const make = (message: string, retryable = true) =>
    new ConnectionError(safeUrl, message, { cause: error, retryable });
  if (code === 'ENOTFOUND')
    return make(
      `could not resolve ${host} (DNS lookup failed: ${detail}); check the host name in the URL`,
      false,
    );
  if (code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NODATA' || code === 'EAI_NONAME')
    return make(`could not resolve ${host} (the DNS lookup failed: ${detail})`);
  if (code === 'ECONNREFUSED')
    return make(`connection to ${host} refused (is the server running?): ${detail}`);
  if (code === 'ECONNRESET') return make(`connection to ${host} was reset by the server: ${detail}`);
  if (code === 'UND_ERR_SOCKET' || code === 'EPIPE')
    return make(`connection to ${host} was closed by the server before it answered: ${detail}`);
  if (code !== undefined && isCertificateCode(code)) {
    return make(
      `TLS certificate of ${host} was rejected: ${code} (${tlsReason(error)}); use a certificate the system trusts or add its CA with NODE_EXTRA_CA_CERTS`,
      false,
    );
  }
  if (code !== undefined && isTlsCode(code))
    return make(
      `TLS handshake with ${host} failed: ${code} (${tlsReason(error)}); is the URL's http/https right?`,
    );
  return make(`connection to ${host} failed: ${detail}`);
}

/** OpenSSL's verification codes as Node reports them, and Node's own host-name check. */
function isCertificateCode(code: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY|DECRYPT|DECODE)|HOSTNAME_MISMATCH|ALTNAME/.test(code);
}

function isTlsCode(code: string): boolean {
  return code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_');
}

/**
 * The first `code` along an error's cause chain. undici wraps the socket's error (`UND_ERR_SOCKET`
 * around `ECONNRESET`, `TypeError: fetch failed` around everything); the system error is more telling.
 */
export function errorCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    if ('code' in e && typeof e.code === 'string' && e.code !== 'UND_ERR') {
      if (!(e.code === 'UND_ERR_SOCKET' && 'cause' in e && errorCode(e.cause) !== undefined)) return e.code;
    }
    e = 'cause' in e ? e.cause : undefined;
  }
  return undefined;
}

/** The message of the innermost error that has a code: OpenSSL's words ("self-signed certificate"). */
function tlsReason(error: unknown): string {
  let reason = messageOf(error);
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    if ('code' in e && e instanceof Error) reason = e.message;
    e = 'cause' in e ? e.cause : undefined;
  }
  return reason;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '<invalid url>';
  }
}
