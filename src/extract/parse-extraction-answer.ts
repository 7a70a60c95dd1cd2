import type { z } from 'zod';

/** An answer's JSON, validated; or what was wrong with it. */
export type ParsedExtraction =
  { readonly ok: true; readonly data: unknown } | { readonly ok: false; readonly issues: readonly string[] };

/** Issues listed back to the model on the retry, at most; the rest are counted. */
const MAX_ISSUES = 20;

/**
 * Parse an answer as JSON and validate it. Text around the top-level value (a code fence, a preamble)
 * is ignored: the value runs from the first `{` or `[` to the last `}` or `]`.
 *
 * @example
 * ```ts
 * parseExtractionAnswer('```json\n{"total": 3}\n```', z.object({ total: z.number() })); // { ok: true, data: { total: 3 } }
 * ```
 */
export function parseExtractionAnswer(text: string, validator: z.ZodType): ParsedExtraction {
  const start = text.search(/[[{]/);
  const end = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
  if (start === -1) return { ok: false, issues: ['the answer contains no JSON object or array'] };
  if (end < start) {
    return { ok: false, issues: ['the answer is not valid JSON: it ends before its value is complete'] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end + 1));
  } catch (error) {
    return {
      ok: false,
      issues: [`the answer is not valid JSON (${error instanceof Error ? error.message : String(error)})`],
    };
  }
  const result = validator.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
  const shown = issues.slice(0, MAX_ISSUES);
  if (issues.length > MAX_ISSUES) shown.push(`... and ${issues.length - MAX_ISSUES} more`);
  return { ok: false, issues: shown };
}
