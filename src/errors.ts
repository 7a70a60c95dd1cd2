/**
 * Every error pagestream raises is a {@link PagestreamError} with a stable `code` that callers can match
 * on; subclasses carry the context of their failure. Aborts are never wrapped: an aborted operation
 * rejects with its signal's `reason`.
 */

/** Stable error codes. New codes may be added; existing ones never change meaning. */
export type ErrorCode =
  | 'INVALID_OPTIONS'
  | 'REMOTE_SERVICES_DISABLED'
  | 'HTTP_STATUS'
  | 'CONNECTION'
  | 'TIMEOUT'
  | 'STREAM_ERROR'
  | 'STREAM_INCOMPLETE'
  | 'INVALID_RESPONSE'
  | 'INPUT_NOT_FOUND'
  | 'INVALID_DOCUMENT'
  | 'UNSUPPORTED_FORMAT'
  | 'PASSWORD_REQUIRED'
  | 'INCORRECT_PASSWORD'
  | 'RENDER_FAILED'
  | 'EMPTY_ANSWER'
  | 'INVALID_OUTPUT'
  | 'UNEXPECTED';

/** Base class of every pagestream error. */
export class PagestreamError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Options failed validation; the message names every bad field. */
export class InvalidOptionsError extends PagestreamError {
  constructor(message: string, options?: ErrorOptions) {
    super('INVALID_OPTIONS', message, options);
  }
}

/** A connection was about to be made but `enableRemoteServices` is not set. Nothing was sent. */
export class RemoteServicesDisabledError extends PagestreamError {
  constructor() {
    super(
      'REMOTE_SERVICES_DISABLED',
      'remote services are disabled: set `enableRemoteServices: true` (CLI: --enable-remote-services) to allow pagestream to send page images to the model endpoint',
    );
  }
}

/** The server answered with a non-2xx status. */
export class HttpStatusError extends PagestreamError {
  /** HTTP status code. */
  readonly status: number;
  /** The URL requested (without credentials). */
  readonly url: string;
  /** Delay the server asked for through `Retry-After`, in milliseconds, if it sent one. */
  readonly retryAfterMs: number | undefined;
  /** The error message the server gave, if any. */
  readonly serverMessage: string | undefined;

  constructor(init: {
    status: number;
    url: string;
    retryAfterMs?: number | undefined;
    serverMessage?: string | undefined;
  }) {
    super('HTTP_STATUS', describeStatus(init.status, init.serverMessage));
    this.status = init.status;
    this.url = init.url;
    this.retryAfterMs = init.retryAfterMs;
    this.serverMessage = init.serverMessage;
  }
}

function describeStatus(status: number, serverMessage: string | undefined): string {
  const hint =
    status === 401 || status === 403
      ? ' (the API key is missing or wrong: pass --api-key or set PAGESTREAM_API_KEY)'
      : status === 404 || status === 405
        ? ' (check the URL: it should end in /v1/chat/completions)'
        : '';
  return `server answered HTTP ${status}${serverMessage ? `: ${serverMessage}` : ''}${hint}`;
}

/** The connection could not be made or broke before any answer (refused, reset, DNS, TLS). */
export class ConnectionError extends PagestreamError {
  readonly url: string;
  /**
   * False when another attempt cannot help (a host name that does not exist, a rejected certificate):
   * such an error is not retried. @default true
   */
  readonly retryable: boolean;
  constructor(url: string, message: string, options?: ErrorOptions & { readonly retryable?: boolean }) {
    super('CONNECTION', message, options);
    this.url = url;
    this.retryable = options?.retryable ?? true;
  }
}

/** Which time limit a {@link TimeoutError} hit. */
export type TimeoutKind = 'connect' | 'first-token' | 'idle' | 'page';

/** A time limit ran out. `kind` says which one. */
export class TimeoutError extends PagestreamError {
  readonly kind: TimeoutKind;
  readonly timeoutMs: number;
  constructor(kind: TimeoutKind, timeoutMs: number) {
    const what = {
      connect: 'connecting to the server',
      'first-token': 'waiting for the first token',
      idle: 'waiting for the next chunk of the answer',
      page: 'converting the page (whole-page deadline)',
    }[kind];
    super('TIMEOUT', `timed out after ${timeoutMs} ms ${what}`);
    this.kind = kind;
    this.timeoutMs = timeoutMs;
  }
}

/** The server reported an error inside a stream that had started with HTTP 200. */
export class StreamError extends PagestreamError {
  /** A status the server put in the error object, if any. */
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: ErrorOptions) {
    super('STREAM_ERROR', `server reported an error mid-stream: ${message}`, options);
    this.status = status;
  }
}

/** The stream ended without a finish reason or `[DONE]`: the connection broke. */
export class IncompleteStreamError extends PagestreamError {
  /** Characters of text received before the stream broke. */
  readonly receivedChars: number;
  constructor(receivedChars: number, options?: ErrorOptions) {
    super(
      'STREAM_INCOMPLETE',
      `the answer stream ended before it finished (${receivedChars} characters received)`,
      options,
    );
    this.receivedChars = receivedChars;
  }
}

/** The server's answer could not be understood (not JSON, not SSE, no choices). */
export class InvalidResponseError extends PagestreamError {
  constructor(message: string, options?: ErrorOptions) {
    super('INVALID_RESPONSE', message, options);
  }
}

/** An input could not be opened at all. */
export class DocumentError extends PagestreamError {
  /** The input's path or a description of it. */
  readonly source: string;
  constructor(
    code:
      | 'INPUT_NOT_FOUND'
      | 'INVALID_DOCUMENT'
      | 'UNSUPPORTED_FORMAT'
      | 'PASSWORD_REQUIRED'
      | 'INCORRECT_PASSWORD',
    source: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, `${source}: ${message}`, options);
    this.source = source;
  }
}

/** One page could not be loaded or rendered; the rest of the document goes on. */
export class RenderError extends PagestreamError {
  /** 1-based page number. */
  readonly page: number;
  constructor(page: number, message: string, options?: ErrorOptions) {
    super('RENDER_FAILED', `page ${page}: ${message}`, options);
    this.page = page;
  }
}

/** The model finished but produced no usable text for a page. */
export class EmptyAnswerError extends PagestreamError {
  constructor(message = 'the model returned an empty answer') {
    super('EMPTY_ANSWER', message);
  }
}

/** The model's answer never validated against the extraction schema, retry included. */
export class InvalidOutputError extends PagestreamError {
  /** What was wrong with the last answer: not JSON, or the schema's issues. */
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[] = [], options?: ErrorOptions) {
    super('INVALID_OUTPUT', message, options);
    this.issues = issues;
  }
}

/** Something failed that pagestream did not anticipate; `cause` holds the original error. */
export class UnexpectedError extends PagestreamError {
  constructor(cause: unknown) {
    super('UNEXPECTED', cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** Errors from below are PagestreamErrors already; anything else is wrapped, keeping it as `cause`. */
export function toPagestreamError(error: unknown): PagestreamError {
  return error instanceof PagestreamError ? error : new UnexpectedError(error);
}

/**
 * True for errors worth retrying: 408, 409, 429, 5xx, connection errors (but not those marked
 * `retryable: false`), broken streams, timeouts other than the page deadline.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof HttpStatusError) {
    return error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500;
  }
  if (error instanceof StreamError)
    return error.status === undefined || error.status >= 500 || error.status === 429;
  // The whole-page deadline spans every attempt: once it has passed, another attempt cannot help.
  if (error instanceof TimeoutError) return error.kind !== 'page';
  if (error instanceof ConnectionError) return error.retryable;
  return error instanceof IncompleteStreamError;
}
