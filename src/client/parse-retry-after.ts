/**
 * Milliseconds a server asked the client to wait: `retry-after-ms` (OpenAI, Azure) first, then
 * `Retry-After` as seconds or an HTTP date. `undefined` when absent or unreadable; never negative.
 *
 * @example
 * ```ts
 * parseRetryAfter({ 'retry-after': '2' }); // 2000
 * ```
 */
export function parseRetryAfter(
  headers: Record<string, string | string[] | undefined>,
  now: number = Date.now(),
): number | undefined {
  const first = (name: string): string | undefined => {
    const value = headers[name];
    return (Array.isArray(value) ? value[0] : value)?.trim();
  };
  const ms = first('retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms)) return Number(ms);
  const value = first('retry-after');
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
