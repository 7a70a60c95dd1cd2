import type {
  DoclingDocument,
  GroupItem2,
  KeyValueItem,
  PictureItem as DoclingPicture,
  ProvenanceItem,
  RefItem,
  TableCell as DoclingTableCell,
  TableData as DoclingTableData,
  TableItem as DoclingTable,
} from '@docling/docling-core';
import type { BoundingBox, ConvertedDocument, DocItem, TableData } from './document-model.js';

/** The DoclingDocument schema version written. */
export const DOCLING_SCHEMA_VERSION = '1.3.0';

type DoclingText = NonNullable<DoclingDocument['texts']>[number];
/** The label-specific fields of a text item (distributed over the union, so each label keeps its own). */
type TextFields = DoclingText extends infer T
  ? T extends DoclingText
    ? Omit<T, 'self_ref' | 'parent' | 'children' | 'prov' | 'orig' | 'text' | 'content_layer'>
    : never
  : never;

/**
 * Export a document as a DoclingDocument (docling-core's JSON schema): `body` and `furniture` trees,
 * flat `texts`, `tables`, `pictures`, `groups` (lists, inline runs) and `key_value_items` linked by
 * `#/texts/0`-style `$ref`s with `parent`/`children`, `pages` with their size, and `prov` (page, box with
 * `coord_origin: 'TOPLEFT'` in points, charspan) for every item that was located on a page of known size.
 * The result is typed by `@docling/docling-core`'s `DoclingDocument`, so the compiler checks the shape.
 * @example
 * exportJson({ name: 'x', pages: [] }).schema_name; // 'DoclingDocument'
 */
export function exportJson(doc: ConvertedDocument): DoclingDocument & { schema_name: 'DoclingDocument' } {
  return new DoclingBuilder(doc).build();
}

class DoclingBuilder {
  readonly #doc: ConvertedDocument;
  readonly #texts: DoclingText[] = [];
  readonly #tables: DoclingTable[] = [];
  readonly #pictures: DoclingPicture[] = [];
  readonly #groups: GroupItem2[] = [];
  readonly #keyValues: KeyValueItem[] = [];
  readonly #body: RefItem[] = [];

  constructor(doc: ConvertedDocument) {
    this.#doc = doc;
  }

  build(): DoclingDocument & { schema_name: 'DoclingDocument' } {
    const pages: NonNullable<DoclingDocument['pages']> = {};
    for (const page of this.#doc.pages) {
      pages[String(page.page)] = {
        page_no: page.page,
        size: page.width === null || page.height === null ? {} : { width: page.width, height: page.height },
      };
      for (const item of page.items) {
        const ref = this.#add(item, { $ref: '#/body' });
        if (ref) this.#body.push(ref);
      }
    }
    return {
      schema_name: 'DoclingDocument',
      version: DOCLING_SCHEMA_VERSION,
      name: this.#doc.name,
      furniture: {
        self_ref: '#/furniture',
        children: [],
        content_layer: 'furniture',
        name: '_root_',
        label: 'unspecified',
      },
      body: {
        self_ref: '#/body',
        children: this.#body,
        content_layer: 'body',
        name: '_root_',
        label: 'unspecified',
      },
      groups: this.#groups,
      texts: this.#texts,
      pictures: this.#pictures,
      tables: this.#tables,
      key_value_items: this.#keyValues,
      pages,
    };
  }

  #prov(page: number, bbox: BoundingBox | undefined, length: number): ProvenanceItem[] {
    if (!bbox) return [];
    return [
      {
        page_no: page,
        bbox: { l: bbox.left, t: bbox.top, r: bbox.right, b: bbox.bottom, coord_origin: 'TOPLEFT' },
        charspan: [0, length],
      },
    ];
  }

  #text(
    fields: TextFields,
    text: string,
    parent: RefItem,
    page: number,
    bbox: BoundingBox | undefined,
    furniture = false,
  ): RefItem {
    const ref = { $ref: `#/texts/${this.#texts.length}` };
    this.#texts.push({
      ...fields,
      self_ref: ref.$ref,
      parent,
      children: [],
      content_layer: furniture ? 'furniture' : 'body',
      prov: this.#prov(page, bbox, text.length),
      orig: text,
      text,
    });
    return ref;
  }

  #group(label: 'list' | 'ordered_list' | 'inline', parent: RefItem): GroupItem2 {
    const group: GroupItem2 = {
      self_ref: `#/groups/${this.#groups.length}`,
      parent,
      children: [],
      content_layer: 'body',
      name: label === 'inline' ? 'group' : 'list',
      label,
    };
    this.#groups.push(group);
    return group;
  }

  #add(item: DocItem, parent: RefItem): RefItem | undefined {
    const { page, bbox } = item;
    switch (item.kind) {
      case 'title':
        return this.#text({ label: 'title' }, item.text, parent, page, bbox);
      case 'section_header':
        return this.#text({ label: 'section_header', level: item.level }, item.text, parent, page, bbox);
      case 'text':
      case 'caption':
      case 'footnote':
        return this.#text({ label: item.kind }, item.text, parent, page, bbox);
      case 'page_header':
      case 'page_footer':
        return this.#text({ label: item.kind }, item.text, parent, page, bbox, true);
      case 'formula':
        return this.#text({ label: 'formula' }, item.text, parent, page, bbox);
      case 'checkbox':
        return this.#text(
          { label: item.checked ? 'checkbox_selected' : 'checkbox_unselected' },
          item.text,
          parent,
          page,
          bbox,
        );
      case 'code': {
        const ref = this.#text(
          { label: 'code', code_language: codeLanguage(item.language) },
          item.text,
          parent,
          page,
          bbox,
        );
        if (item.caption) this.#caption(item.caption, ref);
        return ref;
      }
      case 'list': {
        const group = this.#group(item.ordered ? 'ordered_list' : 'list', parent);
        const groupRef = { $ref: group.self_ref };
        let last: RefItem | undefined;
        for (const entry of item.items) {
          // An entry holding only a sub-list nests it under the entry above, as docling does.
          const owner =
            entry.text === '' && last
              ? last
              : (last = this.#text(
                  { label: 'list_item', enumerated: item.ordered, marker: item.ordered ? '' : '-' },
                  entry.text,
                  groupRef,
                  page,
                  entry.bbox,
                ));
          group.children?.push(...(owner === last && entry.text !== '' ? [owner] : []));
          const host = this.#resolve(owner);
          for (const child of entry.children) {
            const ref = this.#add(child, owner);
            if (ref) host?.children?.push(ref);
          }
        }
        return groupRef;
      }
      case 'inline': {
        const group = this.#group('inline', parent);
        const groupRef = { $ref: group.self_ref };
        for (const child of item.items) {
          const ref = this.#add(child, groupRef);
          if (ref) group.children?.push(ref);
        }
        return groupRef;
      }
      case 'table':
      case 'document_index': {
        const ref = { $ref: `#/tables/${this.#tables.length}` };
        const table: DoclingTable = {
          self_ref: ref.$ref,
          parent,
          children: [],
          content_layer: 'body',
          label: item.kind,
          prov: this.#prov(page, bbox, 0),
          captions: [],
          references: [],
          footnotes: [],
          data: tableData(item),
        };
        this.#tables.push(table);
        if (item.caption) table.captions?.push(this.#caption(item.caption, ref));
        return ref;
      }
      case 'picture': {
        const ref = { $ref: `#/pictures/${this.#pictures.length}` };
        const picture: DoclingPicture = {
          self_ref: ref.$ref,
          parent,
          children: [],
          content_layer: 'body',
          label: item.chart ? 'chart' : 'picture',
          prov: this.#prov(page, bbox, 0),
          captions: [],
          references: [],
          footnotes: [],
          annotations: [
            ...(item.classification === undefined
              ? []
              : [
                  {
                    kind: 'classification' as const,
                    provenance: 'pagestream',
                    predicted_classes: [{ class_name: item.classification, confidence: 1 }],
                  },
                ]),
            ...(item.data
              ? [
                  {
                    kind: 'tabular_chart_data' as const,
                    title: item.caption?.text ?? '',
                    chart_data: tableData(item.data),
                  },
                ]
              : []),
          ],
        };
        this.#pictures.push(picture);
        if (item.caption) picture.captions?.push(this.#caption(item.caption, ref));
        return ref;
      }
      case 'key_value_region': {
        const ref = { $ref: `#/key_value_items/${this.#keyValues.length}` };
        this.#keyValues.push({
          self_ref: ref.$ref,
          parent,
          children: [],
          content_layer: 'body',
          label: 'key_value_region',
          prov: this.#prov(page, bbox, 0),
          captions: [],
          references: [],
          footnotes: [],
          graph: {
            cells: item.cells.map((cell) => ({
              label: cell.role,
              cell_id: cell.id,
              text: cell.text,
              orig: cell.text,
              prov: this.#prov(page, cell.bbox, cell.text.length)[0] ?? null,
            })),
            links: item.cells.flatMap((cell) =>
              cell.links.map((target) => ({
                label: cell.role === 'key' ? ('to_value' as const) : ('to_key' as const),
                source_cell_id: cell.id,
                target_cell_id: target,
              })),
            ),
          },
        });
        return ref;
      }
    }
  }

  #caption(caption: { text: string; page: number; bbox?: BoundingBox }, owner: RefItem): RefItem {
    const ref = this.#text({ label: 'caption' }, caption.text, owner, caption.page, caption.bbox);
    this.#resolve(owner)?.children?.push(ref);
    return ref;
  }

  #resolve(ref: RefItem): { children?: RefItem[] } | undefined {
    const [, collection, index] = ref.$ref.split('/');
    const n = Number(index);
    switch (collection) {
      case 'texts':
        return this.#texts[n];
      case 'tables':
        return this.#tables[n];
      case 'pictures':
        return this.#pictures[n];
      case 'groups':
        return this.#groups[n];
      default:
        return undefined;
    }
  }
}

const LANGUAGES = new Set([
  'Ada',
  'Awk',
  'Bash',
  'bc',
  'C',
  'C#',
  'C++',
  'CMake',
  'COBOL',
  'CSS',
  'Ceylon',
  'Clojure',
  'Crystal',
  'Cuda',
  'Cython',
  'D',
  'Dart',
  'dc',
  'Dockerfile',
  'Elixir',
  'Erlang',
  'FORTRAN',
  'Forth',
  'Go',
  'HTML',
  'Haskell',
  'Haxe',
  'Java',
  'JavaScript',
  'Julia',
  'Kotlin',
  'Lisp',
  'Lua',
  'Matlab',
  'MoonScript',
  'Nim',
  'OCaml',
  'ObjectiveC',
  'Octave',
  'PHP',
  'Pascal',
  'Perl',
  'Prolog',
  'Python',
  'Racket',
  'Ruby',
  'Rust',
  'SML',
  'SQL',
  'Scala',
  'Scheme',
  'Swift',
  'TypeScript',
  'unknown',
  'VisualBasic',
  'XML',
  'YAML',
]);

type CodeLanguage = NonNullable<Extract<DoclingText, { label?: 'code' }>['code_language']>;

/** docling-core accepts only its own language labels; anything else is `unknown`. */
function codeLanguage(language: string | undefined): CodeLanguage {
  if (language === undefined) return 'unknown';
  const found = [...LANGUAGES].find((l) => l.toLowerCase() === language.toLowerCase());
  return (found ?? 'unknown') as CodeLanguage;
}

function tableData(table: TableData): DoclingTableData {
  const cells: DoclingTableCell[] = table.cells.map((cell) => ({
    row_span: cell.rowSpan,
    col_span: cell.colSpan,
    start_row_offset_idx: cell.row,
    end_row_offset_idx: cell.row + cell.rowSpan,
    start_col_offset_idx: cell.col,
    end_col_offset_idx: cell.col + cell.colSpan,
    text: cell.text,
    column_header: cell.columnHeader,
    row_header: cell.rowHeader,
    row_section: cell.rowSection,
  }));
  const empty = (row: number, col: number): DoclingTableCell => ({
    row_span: 1,
    col_span: 1,
    start_row_offset_idx: row,
    end_row_offset_idx: row + 1,
    start_col_offset_idx: col,
    end_col_offset_idx: col + 1,
    text: '',
  });
  const grid = Array.from({ length: table.numRows }, (_, r) =>
    Array.from({ length: table.numCols }, (_, c) => empty(r, c)),
  );
  for (const cell of cells) {
    for (let r = cell.start_row_offset_idx; r < cell.end_row_offset_idx; r++) {
      for (let c = cell.start_col_offset_idx; c < cell.end_col_offset_idx; c++) {
        const row = grid[r];
        if (row && c < table.numCols) row[c] = cell;
      }
    }
  }
  return { table_cells: cells, num_rows: table.numRows, num_cols: table.numCols, grid };
}
