import type { DocumentPage, PageRef } from './document-model.js';

/**
 * Decode a plain-text answer: paragraphs are separated by blank lines; line breaks inside a paragraph
 * are kept.
 * @example
 * decodeText('a\n\nb', { page: 1 }).items.length; // 2
 */
export function decodeText(text: string, page: PageRef): DocumentPage {
  const items = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => ({ kind: 'text' as const, page: page.page, text: p }));
  return { page: page.page, width: page.width ?? null, height: page.height ?? null, items };
}
