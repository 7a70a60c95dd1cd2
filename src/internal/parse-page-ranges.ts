import { InvalidOptionsError } from '../errors.js';

/**
 * Parse a 1-based page selection such as `'1-3,7,10-'` against a document's page count. Parts are
 * single pages (`7`), closed ranges (`1-3`), open ranges (`10-` to the end, `-3` from the start).
 * Spaces are ignored. The result is ascending and without duplicates, because pages are converted and
 * reported in document order whatever order the selection names them in.
 *
 * @throws InvalidOptionsError naming the bad part: not a number, a reversed range, or a page beyond
 * `pageCount`.
 * @example
 * parsePageRanges('1-3,7,10-', 12); // [1, 2, 3, 7, 10, 11, 12]
 */
export function parsePageRanges(spec: string, pageCount: number): number[] {
  const fail = (why: string) =>
    new InvalidOptionsError(`invalid pages ${JSON.stringify(spec)}: ${why} (expected e.g. "1-3,7,10-")`);
  const parts = spec.replace(/\s+/g, '').split(',');
  const pages = new Set<number>();
  for (const part of parts) {
    const match = /^(\d*)(-?)(\d*)$/.exec(part);
    if (part === '' || part === '-' || !match) throw fail(`"${part}" is not a page or a range`);
    const [, from = '', dash, to = ''] = match;
    const first = from === '' ? 1 : Number(from);
    const last = dash === '' ? first : to === '' ? pageCount : Number(to);
    if (first < 1 || last < 1) throw fail(`pages start at 1, got "${part}"`);
    if (last > pageCount || first > pageCount)
      throw fail(`"${part}" is beyond the last page (the document has ${pageCount} pages)`);
    if (first > last) throw fail(`range "${part}" is reversed`);
    for (let page = first; page <= last; page++) pages.add(page);
  }
  return [...pages].sort((a, b) => a - b);
}

/**
 * The pages a selection names: all of them without one, else a ranges spec (`'1-3,7,10-'`) or a list
 * of pages, checked against the page count as {@link parsePageRanges} does.
 * @throws InvalidOptionsError for a page or range the document does not have.
 */
export function selectPages(pages: string | readonly number[] | undefined, pageCount: number): number[] {
  if (pages === undefined) return Array.from({ length: pageCount }, (_, index) => index + 1);
  return parsePageRanges(typeof pages === 'string' ? pages : pages.join(','), pageCount);
}
