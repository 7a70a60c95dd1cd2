/** Backoff of the first retry, ms. */
export const BACKOFF_BASE_MS = 500;
/** Longest backoff without a server's say-so, ms. */
export const BACKOFF_CAP_MS = 30_000;
/** Longest wait a server's `Retry-After` can impose, ms: a page should not hang for an hour. */
export const RETRY_AFTER_CAP_MS = 120_000;

/**
 * How long to wait before retry number `retry` (1-based): the server's `Retry-After` when it sent one
 * (capped at 120 s), else exponential backoff with full jitter (AWS's "full jitter": a uniform random
 * wait up to min(cap, base x 2^(retry-1))), which spreads the retries of many pages that failed at once.
 */
export function computeBackoffDelay(
  retry: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), RETRY_AFTER_CAP_MS);
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, retry - 1));
  return Math.round(random() * ceiling);
}
