import type { CaptionItem, ConvertedDocument, DocItem, LocationGrid, TableData } from './document-model.js';

/**
 * Export a document as DocTags: one `<doctag>` root, pages joined by `<page_break>`, boxes written back
 * as the `<loc_N>` grid values they were read from. Decoding the result gives the same model back.
 * @example
 * exportDocTags({ name: 'x', pages: [{ page: 1, width: null, height: null, items: [{ kind: 'text', page: 1, text: 'a' }] }] });
 * // '<doctag><text>a</text>\n</doctag>'
 */
export function exportDocTags(doc: ConvertedDocument): string {
  const pages = doc.pages.map((page) => page.items.map((item) => `${element(item)}\n`).join(''));
  return `<doctag>${pages.join('<page_break>\n')}</doctag>`;
}

function locTags(loc: LocationGrid | undefined): string {
  if (!loc) return '';
  return [loc.left, loc.top, loc.right, loc.bottom].map((v) => `<loc_${Math.round(v)}>`).join('');
}

function wrap(tag: string, loc: LocationGrid | undefined, body: string): string {
  return `<${tag}>${locTags(loc)}${body}</${tag}>`;
}

function caption(item: CaptionItem | undefined): string {
  return item ? wrap('caption', item.loc, item.text) : '';
}

function element(item: DocItem): string {
  switch (item.kind) {
    case 'title':
    case 'text':
    case 'footnote':
    case 'formula':
    case 'caption':
    case 'page_header':
    case 'page_footer':
      return wrap(item.kind, item.loc, item.text);
    case 'section_header':
      return wrap(`section_header_level_${item.level}`, item.loc, item.text);
    case 'checkbox':
      return wrap(item.checked ? 'checkbox_selected' : 'checkbox_unselected', item.loc, item.text);
    case 'code': {
      const language = item.language === undefined ? '' : `<_${item.language}_>`;
      return wrap('code', item.loc, `${language}${item.text}${caption(item.caption)}`);
    }
    case 'list': {
      const entries = item.items.map(
        (entry) => `${wrap('list_item', entry.loc, entry.text + entry.children.map(element).join(''))}\n`,
      );
      return wrap(item.ordered ? 'ordered_list' : 'unordered_list', item.loc, entries.join(''));
    }
    case 'inline':
      return wrap('inline', item.loc, item.items.map((i) => `${element(i)}\n`).join(''));
    case 'table':
      return wrap('otsl', item.loc, otsl(item) + caption(item.caption));
    case 'document_index':
      return wrap('document_index', item.loc, otsl(item) + caption(item.caption));
    case 'picture': {
      const cls = item.classification === undefined ? '' : `<${item.classification}>`;
      const smiles = item.smiles === undefined ? '' : `<smiles>${item.smiles}</smiles>`;
      const data = item.data ? otsl(item.data) : '';
      return wrap(item.chart ? 'chart' : 'picture', item.loc, cls + data + smiles + caption(item.caption));
    }
    case 'key_value_region': {
      const cells = item.cells.map((cell) =>
        wrap(`${cell.role}_${cell.id}`, cell.loc, cell.text + cell.links.map((l) => `<link_${l}>`).join('')),
      );
      return wrap('key_value_region', item.loc, cells.join(''));
    }
  }
}

/** OTSL tokens: each cell's anchor tag and text, `lcel`/`ucel`/`xcel` over its span, `nl` per row. */
function otsl(table: TableData): string {
  const grid: string[][] = Array.from({ length: table.numRows }, () =>
    Array.from({ length: table.numCols }, () => '<ecel>'),
  );
  for (const cell of table.cells) {
    for (let dr = 0; dr < cell.rowSpan; dr++) {
      for (let dc = 0; dc < cell.colSpan; dc++) {
        const row = grid[cell.row + dr];
        if (!row || cell.col + dc >= table.numCols) continue;
        row[cell.col + dc] =
          dr === 0 && dc === 0
            ? anchor(cell) + cell.text
            : dr === 0
              ? '<lcel>'
              : dc === 0
                ? '<ucel>'
                : '<xcel>';
      }
    }
  }
  return grid.map((row) => `${row.join('')}<nl>`).join('');
}

function anchor(cell: TableData['cells'][number]): string {
  if (cell.columnHeader) return '<ched>';
  if (cell.rowHeader) return '<rhed>';
  if (cell.rowSection) return '<srow>';
  return cell.text === '' ? '<ecel>' : '<fcel>';
}
