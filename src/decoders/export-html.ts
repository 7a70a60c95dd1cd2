import type { ConvertedDocument, DocItem, ListItem, TableData } from './document-model.js';

/** Options of {@link exportHtml}. */
export interface HtmlExportOptions {
  /** Include page headers and footers (furniture). @default false */
  readonly includeFurniture?: boolean;
}

/**
 * Export a document as one complete, valid HTML5 document (doctype, `lang`, charset, title), every text
 * escaped. Pages are `<section class="page" data-page="N">`; tables keep their spans (`rowspan`,
 * `colspan`) and header cells (`<th>`); pictures are `<figure>` with their caption.
 * @example
 * exportHtml({ name: 'x', pages: [] }).startsWith('<!DOCTYPE html>'); // true
 */
export function exportHtml(doc: ConvertedDocument, options: HtmlExportOptions = {}): string {
  const furniture = options.includeFurniture ?? false;
  const body = doc.pages
    .map((page) => {
      const items = page.items.map((item) => block(item, furniture)).filter((b) => b !== '');
      return `<section class="page" data-page="${page.page}">\n${items.join('\n')}\n</section>`;
    })
    .join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(doc.name)}</title>`,
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function block(item: DocItem, furniture: boolean): string {
  const text = (t: string) => escapeHtml(t).replace(/\n/g, '<br>');
  switch (item.kind) {
    case 'title':
      return `<h1>${text(item.text)}</h1>`;
    case 'section_header':
      return `<h${Math.min(item.level + 1, 6)}>${text(item.text)}</h${Math.min(item.level + 1, 6)}>`;
    case 'text':
      return item.text === '' ? '' : `<p>${text(item.text)}</p>`;
    case 'caption':
      return `<p class="caption">${text(item.text)}</p>`;
    case 'footnote':
      return `<p class="footnote">${text(item.text)}</p>`;
    case 'page_header':
      return furniture ? `<header>${text(item.text)}</header>` : '';
    case 'page_footer':
      return furniture ? `<footer>${text(item.text)}</footer>` : '';
    case 'formula':
      return `<div class="formula"><code>${escapeHtml(item.text)}</code></div>`;
    case 'code': {
      const language = item.language ? ` class="language-${escapeHtml(item.language.toLowerCase())}"` : '';
      const code = `<pre><code${language}>${escapeHtml(item.text)}</code></pre>`;
      return item.caption
        ? `<figure>${code}<figcaption>${text(item.caption.text)}</figcaption></figure>`
        : code;
    }
    case 'checkbox':
      return `<p><input type="checkbox" disabled${item.checked ? ' checked' : ''}> ${text(item.text)}</p>`;
    case 'list':
      return list(item, furniture);
    case 'inline':
      return `<p>${item.items.map((i) => inline(i)).join(' ')}</p>`;
    case 'table':
    case 'document_index':
      return table(item, item.caption?.text);
    case 'picture': {
      const caption = item.caption ? `<figcaption>${text(item.caption.text)}</figcaption>` : '';
      const data = item.data ? table(item.data, undefined) : '';
      const cls = item.classification ? ` data-class="${escapeHtml(item.classification)}"` : '';
      return `<figure${cls}>${data}${caption}</figure>`;
    }
    case 'key_value_region': {
      const rows = item.cells.map(
        (cell) => `<dt class="${cell.role}" data-id="${cell.id}">${text(cell.text)}</dt>`,
      );
      return `<dl class="key-value-region">${rows.join('')}</dl>`;
    }
  }
}

function inline(item: DocItem): string {
  if (item.kind === 'code') return `<code>${escapeHtml(item.text)}</code>`;
  if (item.kind === 'formula') return `<code class="formula">${escapeHtml(item.text)}</code>`;
  return 'text' in item ? escapeHtml(item.text) : block(item, false);
}

function list(item: ListItem, furniture: boolean): string {
  const tag = item.ordered ? 'ol' : 'ul';
  const entries = item.items.map((entry) => {
    const nested = entry.children.map((c) =>
      c.kind === 'inline' ? c.items.map(inline).join(' ') : block(c, furniture),
    );
    return `<li>${[escapeHtml(entry.text), ...nested].filter((p) => p !== '').join(' ')}</li>`;
  });
  return `<${tag}>${entries.join('')}</${tag}>`;
}

function table(data: TableData, caption: string | undefined): string {
  const rows: string[][] = Array.from({ length: data.numRows }, () => []);
  for (const cell of [...data.cells].sort((a, b) => a.row - b.row || a.col - b.col)) {
    const tag = cell.columnHeader || cell.rowHeader ? 'th' : 'td';
    const span =
      (cell.rowSpan > 1 ? ` rowspan="${cell.rowSpan}"` : '') +
      (cell.colSpan > 1 ? ` colspan="${cell.colSpan}"` : '');
    rows[cell.row]?.push(`<${tag}${span}>${escapeHtml(cell.text)}</${tag}>`);
  }
  const head = caption ? `<caption>${escapeHtml(caption)}</caption>` : '';
  return `<table>${head}<tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
}
