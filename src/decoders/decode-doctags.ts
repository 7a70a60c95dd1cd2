import type {
  BoundingBox,
  CaptionItem,
  DocItem,
  DocumentPage,
  KeyValueCell,
  ListEntry,
  LocationGrid,
  PageRef,
  TableCell,
  TableData,
} from './document-model.js';
import {
  isContainerTag,
  isVoidTag,
  parseDocTags,
  type DocTagsElement,
  type DocTagsNode,
} from './tokenize-doctags.js';

/** The DocTags location grid: `<loc_N>` values run 0..499 and mean N/500 of the page. */
export const LOC_GRID = 500;

const OTSL_CELLS = new Set(['fcel', 'ecel', 'lcel', 'ucel', 'xcel', 'ched', 'rhed', 'srow']);
const LOC = /^loc_(\d+)$/;

/**
 * Decode one page of DocTags into a {@link DocumentPage}. Tolerates real model output: an `Assistant:`
 * prefix, `<end_of_utterance>`, unknown tags (their text is kept as paragraphs), self-closing `<loc_N/>`
 * and an answer cut off mid-element. A `<page_break>` is ignored here; use {@link decodeDocTagsDocument}
 * to split pages.
 *
 * Unlike docling-core, which drops the text of an element left unclosed at the end of a truncated
 * generation (it keeps only the box), this keeps whatever text was generated: a page stopped by a
 * max-tokens cap or a stopper still shows its last paragraph, which is what a reader wants.
 * @example
 * decodeDocTags('<doctag><title><loc_10><loc_10><loc_490><loc_30>Hello</title></doctag>', { page: 1 });
 */
export function decodeDocTags(text: string, page: PageRef): DocumentPage {
  const pages = splitPages(text);
  const items = pages.flatMap((nodes) => decodeNodes(nodes, new Context(page)));
  return { page: page.page, width: page.width ?? null, height: page.height ?? null, items };
}

/**
 * Decode a multi-page DocTags string (pages split by `<page_break>`) into pages numbered from 1, or from
 * `firstPage`. Page sizes are unknown, so items keep only their `loc` grid values.
 * @example
 * decodeDocTagsDocument('<doctag><text>a</text><page_break><text>b</text></doctag>').length; // 2
 */
export function decodeDocTagsDocument(text: string, firstPage = 1): DocumentPage[] {
  return splitPages(text).map((nodes, index) => {
    const page = firstPage + index;
    return { page, width: null, height: null, items: decodeNodes(nodes, new Context({ page })) };
  });
}

class Context {
  readonly page: number;
  readonly #width: number | undefined;
  readonly #height: number | undefined;
  constructor(ref: PageRef) {
    this.page = ref.page;
    this.#width = ref.width;
    this.#height = ref.height;
  }

  /** `page`, `loc` and (when the page size is known) `bbox` for an element, read from its `<loc_N>`s. */
  place(element: DocTagsElement): { page: number; loc?: LocationGrid; bbox?: BoundingBox } {
    const loc = readLoc(element);
    if (!loc) return { page: this.page };
    const bbox = this.toBox(loc);
    return bbox ? { page: this.page, loc, bbox } : { page: this.page, loc };
  }

  toBox(loc: LocationGrid): BoundingBox | undefined {
    if (this.#width === undefined || this.#height === undefined) return undefined;
    const w = this.#width;
    const h = this.#height;
    return {
      left: (loc.left * w) / LOC_GRID,
      top: (loc.top * h) / LOC_GRID,
      right: (loc.right * w) / LOC_GRID,
      bottom: (loc.bottom * h) / LOC_GRID,
    };
  }
}

/** The content nodes of each page: the root's (or `<doctag>`s') children split at `<page_break>`. */
function splitPages(text: string): DocTagsNode[][] {
  const root = parseDocTags(text);
  const content: DocTagsNode[] = [];
  const pageBreak: DocTagsElement = { name: 'page_break', children: [], closed: true };
  let roots = 0;
  for (const node of root.children) {
    // Several `<doctag>` roots (pages answered separately, then joined) are several pages.
    if (typeof node !== 'string' && node.name === 'doctag') {
      if (roots++ > 0) content.push(pageBreak);
      content.push(...node.children);
    }
    // Text before the root is a chat-template prefix such as `Assistant:`; keep other stray text.
    else if (typeof node === 'string') {
      if (!/^\s*(?:Assistant:)?\s*$/.test(node)) content.push(node);
    } else content.push(node);
  }
  const pages: DocTagsNode[][] = [[]];
  for (const node of content) {
    if (typeof node !== 'string' && node.name === 'page_break') pages.push([]);
    else pages.at(-1)?.push(node);
  }
  return pages;
}

function readLoc(element: DocTagsElement): LocationGrid | undefined {
  const values: number[] = [];
  for (const child of element.children) {
    if (typeof child === 'string') {
      if (child.trim() === '') continue;
      break;
    }
    const match = LOC.exec(child.name);
    if (!match) {
      // Class and language tokens may precede the locations; anything else ends them.
      if (child.children.length === 0 && !OTSL_CELLS.has(child.name)) continue;
      break;
    }
    values.push(Number(match[1]));
    if (values.length === 4) break;
  }
  const [left, top, right, bottom] = values;
  if (left === undefined || top === undefined || right === undefined || bottom === undefined)
    return undefined;
  return { left, top, right, bottom };
}

/**
 * An unknown tag that is never closed, inside text (`a <b> c`, `print("<hi>")`): DocTags has no escaping,
 * so this is the page's own text that happened to look like a tag. It is kept as written.
 */
function literalTag(node: DocTagsElement): string | undefined {
  return node.children.length === 0 && !isVoidTag(node.name) && !isContainerTag(node.name)
    ? `<${node.name}>`
    : undefined;
}

/** The text of a node with every tag removed; nested elements are joined by a space. */
function textOf(node: DocTagsNode): string {
  if (typeof node === 'string') return node;
  const literal = literalTag(node);
  if (literal !== undefined) return literal;
  const parts: string[] = [];
  for (const child of node.children) {
    if (typeof child === 'string') parts.push(child);
    else if (literalTag(child) !== undefined) parts.push(textOf(child));
    else if (child.children.length > 0) parts.push(` ${textOf(child)} `);
    // Cell and row tokens separate the texts of a nested table.
    else if (!LOC.test(child.name)) parts.push(' ');
  }
  return parts.join('');
}

/**
 * The element's own text: its string children and unknown nested elements, not captions or lists. An
 * `<inline>` run (a heading with formatted parts) reads as its texts joined by spaces.
 */
function ownText(element: DocTagsElement): string {
  return element.children
    .map((child) =>
      typeof child === 'string'
        ? child
        : child.name === 'inline'
          ? textOf(child).replace(/\s+/g, ' ')
          : isStructural(child.name)
            ? ''
            : textOf(child),
    )
    .join('')
    .trim();
}

function isStructural(name: string): boolean {
  return (
    name === 'caption' ||
    name === 'ordered_list' ||
    name === 'unordered_list' ||
    name === 'inline' ||
    name === 'otsl' ||
    name === 'smiles'
  );
}

function decodeNodes(nodes: readonly DocTagsNode[], context: Context): DocItem[] {
  const items: DocItem[] = [];
  let looseEntries: ListEntry[] = [];
  const flushLoose = () => {
    if (looseEntries.length === 0) return;
    items.push({ kind: 'list', page: context.page, ordered: false, items: looseEntries });
    looseEntries = [];
  };
  for (const node of nodes) {
    if (typeof node === 'string') {
      const text = node.trim();
      if (text !== '') {
        flushLoose();
        items.push({ kind: 'text', page: context.page, text });
      }
      continue;
    }
    // A list item outside any list still reads as a list (docling-core's `misplaced_list_items`).
    if (node.name === 'list_item') {
      looseEntries.push(decodeEntry(node, context));
      continue;
    }
    flushLoose();
    const item = decodeElement(node, context);
    if (item) items.push(item);
  }
  flushLoose();
  return items;
}

function decodeElement(element: DocTagsElement, context: Context): DocItem | undefined {
  const { name } = element;
  const place = context.place(element);
  switch (name) {
    case 'title':
    case 'text':
    case 'footnote':
    case 'formula':
      return { kind: name, ...place, text: ownText(element) };
    case 'caption':
      return { kind: 'caption', ...place, text: ownText(element) };
    case 'page_header':
    case 'page_footer':
      return { kind: name, ...place, furniture: true, text: ownText(element) };
    case 'checkbox_selected':
    case 'checkbox_unselected':
      return { kind: 'checkbox', ...place, checked: name === 'checkbox_selected', text: ownText(element) };
    case 'code': {
      const language = tokens(element)
        .find((t) => /^_.+_$/.test(t))
        ?.slice(1, -1);
      const caption = decodeCaption(element, context);
      return {
        kind: 'code',
        ...place,
        text: codeText(element),
        ...(language === undefined ? {} : { language }),
        ...(caption ? { caption } : {}),
      };
    }
    case 'ordered_list':
    case 'unordered_list':
      return {
        kind: 'list',
        ...place,
        ordered: name === 'ordered_list',
        items: element.children
          .filter((c): c is DocTagsElement => typeof c !== 'string' && c.name === 'list_item')
          .map((c) => decodeEntry(c, context)),
      };
    case 'inline':
      return { kind: 'inline', ...place, items: decodeNodes(element.children.filter(notLoc), context) };
    case 'otsl':
    case 'document_index': {
      const caption = decodeCaption(element, context);
      return {
        kind: name === 'otsl' ? 'table' : 'document_index',
        ...place,
        ...decodeOtsl(element),
        ...(caption ? { caption } : {}),
      };
    }
    case 'picture':
    case 'chart': {
      const classification = tokens(element).find((t) => !LOC.test(t) && !OTSL_CELLS.has(t) && t !== 'nl');
      const caption = decodeCaption(element, context);
      const smiles = element.children.find((c) => typeof c !== 'string' && c.name === 'smiles');
      const hasCells = element.children.some((c) => typeof c !== 'string' && OTSL_CELLS.has(c.name));
      return {
        kind: 'picture',
        ...place,
        chart: name === 'chart',
        ...(classification === undefined ? {} : { classification }),
        ...(caption ? { caption } : {}),
        ...(hasCells ? { data: decodeOtsl(element) } : {}),
        ...(smiles ? { smiles: textOf(smiles).trim() } : {}),
      };
    }
    case 'key_value_region':
      return { kind: 'key_value_region', ...place, cells: decodeKeyValues(element, context) };
    case 'version':
    case 'end_of_utterance':
    case 'page_break':
      return undefined;
    default: {
      if (/^section_header_level_[1-6]$/.test(name)) {
        const level = Number(name.slice(-1)) as 1 | 2 | 3 | 4 | 5 | 6;
        return { kind: 'section_header', ...place, level, text: ownText(element) };
      }
      // An unknown tag: keep what it says as a paragraph.
      const text = textOf(element).replace(/\s+/g, ' ').trim();
      return text === '' ? undefined : { kind: 'text', ...place, text };
    }
  }
}

function notLoc(node: DocTagsNode): boolean {
  return typeof node === 'string' || !LOC.test(node.name);
}

/** Names of the element's stand-alone tokens (locations, classes, languages, cells). */
function tokens(element: DocTagsElement): string[] {
  return element.children
    .filter((c): c is DocTagsElement => typeof c !== 'string' && c.children.length === 0 && c.closed)
    .map((c) => c.name);
}

function codeText(element: DocTagsElement): string {
  // Code keeps its inner whitespace; only the newline the exporter puts around the body goes.
  return element.children
    .map((c) => (typeof c === 'string' ? c : isStructural(c.name) ? '' : textOf(c)))
    .join('')
    .replace(/^\n|\n$/g, '')
    .trim();
}

function decodeCaption(element: DocTagsElement, context: Context): CaptionItem | undefined {
  const caption = element.children.find(
    (c): c is DocTagsElement => typeof c !== 'string' && c.name === 'caption',
  );
  if (!caption) return undefined;
  return { kind: 'caption', ...context.place(caption), text: ownText(caption) };
}

function decodeEntry(element: DocTagsElement, context: Context): ListEntry {
  const loc = readLoc(element);
  const bbox = loc && context.toBox(loc);
  const children: DocItem[] = [];
  for (const child of element.children) {
    if (typeof child === 'string' || LOC.test(child.name)) continue;
    if (child.children.length === 0 && isStandalone(child)) continue;
    if (!isStructural(child.name) && !isItemTag(child.name)) continue;
    const item = decodeElement(child, context);
    if (item) children.push(item);
  }
  const text = element.children
    .map((c) => (typeof c === 'string' ? c : isStructural(c.name) || isItemTag(c.name) ? '' : textOf(c)))
    .join('')
    .trim();
  return { text, ...(loc ? { loc } : {}), ...(bbox ? { bbox } : {}), children };
}

function isStandalone(element: DocTagsElement): boolean {
  return element.children.length === 0 && !isItemTag(element.name);
}

function isItemTag(name: string): boolean {
  return /^(?:text|title|code|formula|footnote|picture|chart|key_value_region|checkbox_\w+|section_header_level_\d)$/.test(
    name,
  );
}

/**
 * Resolve an OTSL token grid into cells with spans. A cell token (`fcel`, `ecel`, `ched`, `rhed`, `srow`)
 * anchors a cell; `lcel` to its right widen it, `ucel` below deepen it, `xcel` do both. A merge token with
 * nothing to merge into (a malformed answer) becomes an empty cell rather than being dropped, so columns
 * stay aligned.
 */
function decodeOtsl(element: DocTagsElement): TableData {
  interface Slot {
    tag: string;
    text: string;
  }
  const rows: Slot[][] = [];
  let row: Slot[] = [];
  let current: Slot | undefined;
  for (const child of element.children) {
    if (typeof child === 'string') {
      if (current) current.text += child;
      continue;
    }
    if (child.name === 'nl') {
      rows.push(row);
      row = [];
      current = undefined;
    } else if (OTSL_CELLS.has(child.name)) {
      current = { tag: child.name, text: '' };
      row.push(current);
    } else if (current && !LOC.test(child.name) && child.name !== 'caption') {
      // Rich cells (lists, paragraphs, nested tables) flatten to their text.
      current.text += ` ${textOf(child)} `;
    }
  }
  if (row.length > 0) rows.push(row);
  const numCols = Math.max(0, ...rows.map((r) => r.length));
  const numRows = rows.length;
  const tagAt = (r: number, c: number) => rows[r]?.[c]?.tag ?? 'ecel';
  const anchors = new Set(['fcel', 'ecel', 'ched', 'rhed', 'srow']);
  const covered = new Set<string>();
  const cells: TableCell[] = [];
  for (let r = 0; r < numRows; r++) {
    for (let c = 0; c < numCols; c++) {
      const slot = rows[r]?.[c];
      const tag = tagAt(r, c);
      if (!anchors.has(tag) && covered.has(`${r},${c}`)) continue;
      let colSpan = 1;
      while (c + colSpan < numCols && /^[lx]cel$/.test(tagAt(r, c + colSpan))) colSpan++;
      let rowSpan = 1;
      while (r + rowSpan < numRows && /^[ux]cel$/.test(tagAt(r + rowSpan, c))) rowSpan++;
      for (let dr = 0; dr < rowSpan; dr++)
        for (let dc = 0; dc < colSpan; dc++) covered.add(`${r + dr},${c + dc}`);
      cells.push({
        row: r,
        col: c,
        rowSpan,
        colSpan,
        text: (slot?.text ?? '').replace(/\s+/g, ' ').trim(),
        columnHeader: tag === 'ched',
        rowHeader: tag === 'rhed',
        rowSection: tag === 'srow',
      });
    }
  }
  return { numRows, numCols, cells };
}

function decodeKeyValues(element: DocTagsElement, context: Context): KeyValueCell[] {
  const cells: KeyValueCell[] = [];
  for (const child of element.children) {
    if (typeof child === 'string') continue;
    const match = /^(key|value)_(\d+)$/.exec(child.name);
    if (!match) continue;
    const loc = readLoc(child);
    const bbox = loc && context.toBox(loc);
    const links = tokens(child)
      .map((t) => /^link_(\d+)$/.exec(t)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    cells.push({
      role: match[1] === 'key' ? 'key' : 'value',
      id: Number(match[2]),
      text: ownText(child),
      links,
      ...(loc ? { loc } : {}),
      ...(bbox ? { bbox } : {}),
    });
  }
  return cells;
}
