/**
 * A URL safe to show in messages and reports: no user info, no query string (Azure-style endpoints
 * carry `api-key=` there).
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '<invalid url>';
  }
}
