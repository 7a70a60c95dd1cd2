import type { ConvertedDocument, DocItem, ListItem, TableData } from './document-model.js';
import { tableGrid } from './table-grid.js';

/** Options of {@link exportMarkdown}. */
export interface MarkdownExportOptions {
  /** Include page headers and footers (furniture). @default false */
  readonly includeFurniture?: boolean;
  /** What stands in for a picture. @default '<!-- image -->' */
  readonly imagePlaceholder?: string;
  /** Text written between pages; `undefined` joins pages with a blank line like any other block. @default undefined */
  readonly pageBreak?: string | undefined;
  /** Escape `_` in text as `\_` (Docling does, so `snake_case` is not read as emphasis). @default true */
  readonly escapeUnderscores?: boolean;
}

/**
 * Export a document as GitHub-flavoured Markdown the way docling-core does: `#` for the title, `##` and
 * deeper for section levels 1-5, `-` and `1.` list markers with 4-space nesting, `$$...$$` formulas,
 * fenced code, captions before tables and pictures, `<!-- image -->` for pictures, compact pipe tables,
 * blocks separated by one blank line, furniture left out.
 * @example
 * exportMarkdown({ name: 'x', pages: [{ page: 1, width: null, height: null, items: [{ kind: 'title', page: 1, text: 'Hi' }] }] });
 * // '# Hi\n'
 */
export function exportMarkdown(doc: ConvertedDocument, options: MarkdownExportOptions = {}): string {
  const writer = new MarkdownWriter(options);
  const pages = doc.pages.map((page) => page.items.flatMap((item) => writer.block(item)).join('\n\n'));
  const separator = options.pageBreak === undefined ? '\n\n' : `\n\n${options.pageBreak}\n\n`;
  const text = pages.filter((p) => p !== '').join(separator);
  return text === '' ? '' : `${text}\n`;
}

class MarkdownWriter {
  readonly #furniture: boolean;
  readonly #image: string;
  readonly #underscores: boolean;

  constructor(options: MarkdownExportOptions) {
    this.#furniture = options.includeFurniture ?? false;
    this.#image = options.imagePlaceholder ?? '<!-- image -->';
    this.#underscores = options.escapeUnderscores ?? true;
  }

  /** The Markdown blocks of one item (several for a captioned table or picture). */
  block(item: DocItem): string[] {
    switch (item.kind) {
      case 'title':
        return [`# ${this.escape(item.text)}`];
      case 'section_header':
        return [`${'#'.repeat(Math.min(item.level + 1, 6))} ${this.escape(item.text)}`];
      case 'text':
      case 'caption':
      case 'footnote':
        return item.text === '' ? [] : [this.escape(item.text)];
      case 'page_header':
      case 'page_footer':
        return this.#furniture && item.text !== '' ? [this.escape(item.text)] : [];
      case 'formula':
        return [item.text === '' ? '<!-- formula-not-decoded -->' : `$$${item.text}$$`];
      case 'code': {
        const language = item.language && item.language !== 'unknown' ? item.language.toLowerCase() : '';
        const caption = item.caption && item.caption.text !== '' ? [this.escape(item.caption.text)] : [];
        return [`\`\`\`${language}\n${item.text}\n\`\`\``, ...caption];
      }
      case 'checkbox':
        return [`- [${item.checked ? 'x' : ' '}] ${this.escape(item.text)}`];
      case 'list': {
        const lines = this.list(item, 0);
        return lines.length === 0 ? [] : [lines.join('\n')];
      }
      case 'inline':
        return [this.inline(item.items)];
      case 'table':
      case 'document_index': {
        const caption = item.caption && item.caption.text !== '' ? [this.escape(item.caption.text)] : [];
        const table = this.table(item);
        return [...caption, ...(table === '' ? [] : [table])];
      }
      case 'picture': {
        const caption = item.caption && item.caption.text !== '' ? [this.escape(item.caption.text)] : [];
        const blocks = [...caption, this.#image];
        // Only charts get their class written out (as docling-core writes "Bar chart"): every SmolDocling
        // picture carries a class token, and "Other" under each image would be noise.
        if (item.chart && item.classification) blocks.push(humanize(item.classification));
        if (item.smiles) blocks.push(item.smiles);
        if (item.data) {
          const table = this.table(item.data);
          if (table !== '') blocks.push(table);
        }
        return blocks;
      }
      case 'key_value_region': {
        const byId = new Map(item.cells.map((cell) => [cell.id, cell]));
        const lines = item.cells
          .filter((cell) => cell.role === 'key' || !item.cells.some((k) => k.links.includes(cell.id)))
          .map((cell) => {
            const values = cell.links
              .map((id) => byId.get(id))
              .filter((v) => v !== undefined && v.role === 'value')
              .map((v) => v?.text ?? '');
            return this.escape([cell.text, ...values].join(' '));
          });
        return lines.length === 0 ? [] : [lines.join('\n\n')];
      }
    }
  }

  list(list: ListItem, depth: number): string[] {
    const indent = ' '.repeat(4 * depth);
    const lines: string[] = [];
    let number = 0;
    for (const entry of list.items) {
      const nested = entry.children.flatMap((child) =>
        child.kind === 'list'
          ? this.list(child, depth + 1)
          : child.kind === 'inline'
            ? []
            : this.block(child).map((b) => `${' '.repeat(4 * (depth + 1))}${b}`),
      );
      const inline = entry.children.filter((c) => c.kind === 'inline').map((c) => this.inline(c.items));
      const text = [this.escape(entry.text), ...inline].filter((t) => t !== '').join(' ');
      // An entry holding only a sub-list continues the entry above it (how DocTags writes nesting).
      if (text !== '') {
        number++;
        lines.push(`${indent}${list.ordered ? `${number}.` : '-'} ${text}`);
      }
      lines.push(...nested);
    }
    return lines;
  }

  inline(items: readonly DocItem[]): string {
    return items
      .map((item) => {
        if (item.kind === 'code') return `\`${item.text}\``;
        if (item.kind === 'formula') return `$${item.text}$`;
        return this.block(item).join(' ');
      })
      .filter((t) => t !== '')
      .join(' ');
  }

  table(table: TableData): string {
    if (table.numRows === 0 || table.numCols === 0) return '';
    const grid = tableGrid(table).map((row) => row.map((cell) => this.cell(cell)));
    const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
    const [header = [], ...body] = grid;
    return [line(header), line(header.map(() => '-')), ...body.map(line)].join('\n');
  }

  cell(text: string): string {
    return this.escape(text)
      .replace(/\s*\n\s*/g, ' ')
      .replace(/\|/g, '\\|');
  }

  escape(text: string): string {
    const html = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return this.#underscores ? html.replace(/(?<!\\)_/g, '\\_') : html;
  }
}

/** `bar_chart` -> `Bar chart`. */
function humanize(token: string): string {
  const words = token.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
