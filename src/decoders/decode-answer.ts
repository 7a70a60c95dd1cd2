import type { ResponseFormat } from '../options.js';
import { decodeDocTags } from './decode-doctags.js';
import { decodeHtml } from './decode-html.js';
import { decodeMarkdown } from './decode-markdown.js';
import { decodeText } from './decode-text.js';
import type { DocumentPage, PageRef } from './document-model.js';

/**
 * Decode a model's answer for one page according to the response format it was asked for.
 * @example
 * decodeAnswer('# Title', 'markdown', { page: 1 }).items[0]?.kind; // 'title'
 */
export function decodeAnswer(text: string, format: ResponseFormat, page: PageRef): DocumentPage {
  switch (format) {
    case 'doctags':
      return decodeDocTags(text, page);
    case 'markdown':
      return decodeMarkdown(text, page);
    case 'html':
      return decodeHtml(text, page);
    case 'text':
      return decodeText(text, page);
  }
}
