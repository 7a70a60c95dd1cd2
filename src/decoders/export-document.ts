import type { ConvertedDocument } from './document-model.js';
import { exportDocTags } from './export-doctags.js';
import { exportHtml } from './export-html.js';
import { exportJson } from './export-json.js';
import { exportMarkdown } from './export-markdown.js';

/** What a document can be written as (the CLI's `--to`). */
export type ExportFormat = 'md' | 'html' | 'doctags' | 'json';

/**
 * Export a document to text in the given format with each exporter's defaults; JSON is pretty-printed
 * with two spaces.
 * @example
 * exportDocument(doc, 'md');
 */
export function exportDocument(doc: ConvertedDocument, to: ExportFormat): string {
  switch (to) {
    case 'md':
      return exportMarkdown(doc);
    case 'html':
      return exportHtml(doc);
    case 'doctags':
      return exportDocTags(doc);
    case 'json':
      return JSON.stringify(exportJson(doc), null, 2);
  }
}
