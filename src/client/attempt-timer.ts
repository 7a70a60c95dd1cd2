import { TimeoutError } from '../errors.js';

/**
 * The first-token and idle time limits of one attempt: one timer, re-armed as the answer arrives, that
 * aborts the attempt's request when it runs out. Which limit ran out is kept, because the abort itself
 * surfaces as whatever undici or the body throws, and the caller must report the timeout instead.
 */
export class AttemptTimer {
  readonly #controller: AbortController;
  #timer: NodeJS.Timeout | undefined;
  #timedOut: TimeoutError | undefined;

  constructor(controller: AbortController) {
    this.#controller = controller;
  }

  /** Start the `kind` limit of `ms` milliseconds, replacing the one running. */
  arm(kind: 'first-token' | 'idle', ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timedOut = new TimeoutError(kind, ms);
      this.#controller.abort(this.#timedOut);
    }, ms);
  }

  /** The limit that ran out and aborted the request, if one did. */
  get timedOut(): TimeoutError | undefined {
    return this.#timedOut;
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}
