/**
 * How close two Markdown texts are, ignoring what a reader would not see: runs of whitespace, table
 * padding and the form of table separator rows (`|---|` vs `| - |`).
 */

/** Normalise Markdown for comparison: separator rows to `| - |` per column, whitespace runs to one space. */
export function normalizeMarkdown(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const trimmed = line.trim();
      if (/^\|(?:\s*:?-+:?\s*\|)+$/.test(trimmed)) {
        const columns = trimmed.split('|').length - 2;
        return `|${' - |'.repeat(columns)}`;
      }
      return trimmed;
    })
    .join('\n')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Similarity in [0, 1]: 1 minus the word-level Levenshtein distance over the longer word count, after
 * {@link normalizeMarkdown}. Words are whitespace-separated tokens, so a changed word costs one edit
 * whatever its length, and moved blocks cost their length in words.
 * @example
 * markdownSimilarity('# A b', '#  A   b'); // 1
 */
export function markdownSimilarity(actual: string, expected: string): number {
  const a = words(actual);
  const b = words(expected);
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  return 1 - levenshtein(a, b) / longest;
}

function words(text: string): string[] {
  const normalized = normalizeMarkdown(text);
  return normalized === '' ? [] : normalized.split(' ');
}

/** Edit distance between two token sequences, in two rows of memory. */
export function levenshtein(a: readonly string[], b: readonly string[]): number {
  // Intern tokens so the inner loop compares numbers.
  const ids = new Map<string, number>();
  const id = (t: string) => {
    let v = ids.get(t);
    if (v === undefined) ids.set(t, (v = ids.size));
    return v;
  };
  const x = Int32Array.from(a, id);
  const y = Int32Array.from(b, id);
  let prev = new Int32Array(y.length + 1).map((_, j) => j);
  let next = new Int32Array(y.length + 1);
  for (let i = 1; i <= x.length; i++) {
    next[0] = i;
    const xi = x[i - 1];
    for (let j = 1; j <= y.length; j++) {
      const cost = xi === y[j - 1] ? 0 : 1;
      next[j] = Math.min((prev[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    [prev, next] = [next, prev];
  }
  return prev[y.length] ?? 0;
}
