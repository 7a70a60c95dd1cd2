import { parse } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';
import type { CaptionItem, DocItem, DocumentPage, ListEntry, PageRef, TableCell } from './document-model.js';
import { stripCodeFence } from './strip-code-fence.js';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

/**
 * Decode an HTML answer (a fragment or a whole document) into the document model: `h1` is the title,
 * `h2`..`h6` section levels 1-5, `p`, lists (nested), tables with `rowspan`/`colspan` and `th` headers,
 * `pre`/`code`, `figure`/`img` pictures with `figcaption`, `header`/`footer` furniture. One code fence
 * wrapping the whole answer is removed first, as Docling does.
 * @example
 * decodeHtml('<h1>Hi</h1><p>there</p>', { page: 1 }).items.length; // 2
 */
export function decodeHtml(text: string, page: PageRef): DocumentPage {
  const document = parse(stripCodeFence(text));
  const html = children(document).find(isElement);
  const body = html ? children(html).find((n) => isElement(n) && n.tagName === 'body') : undefined;
  const items = body && isElement(body) ? blocks(body, page.page) : [];
  return { page: page.page, width: page.width ?? null, height: page.height ?? null, items };
}

function isElement(node: Node): node is Element {
  return 'tagName' in node;
}

function children(node: Node): Node[] {
  return 'childNodes' in node ? node.childNodes : [];
}

function attr(element: Element, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}

/** Text content with whitespace collapsed (HTML rendering rules), `<br>` as a newline. */
function textOf(node: Node, pre = false): string {
  if (node.nodeName === '#text' && 'value' in node) return pre ? node.value : node.value.replace(/\s+/g, ' ');
  if (isElement(node) && node.tagName === 'br') return '\n';
  if (isElement(node) && node.tagName === 'img') return attr(node, 'alt') ?? '';
  return children(node)
    .map((c) => textOf(c, pre || (isElement(node) && node.tagName === 'pre')))
    .join('');
}

function clean(text: string): string {
  return text.replace(/[ \t]*\n[ \t]*/g, '\n').trim();
}

const INLINE = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'cite',
  'code',
  'data',
  'dfn',
  'em',
  'i',
  'kbd',
  'mark',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'time',
  'u',
  'var',
  'del',
  'ins',
  'br',
  'wbr',
  'label',
  'font',
]);

/** Decode the children of a container; runs of loose inline content become paragraphs. */
function blocks(container: Node, page: number): DocItem[] {
  const items: DocItem[] = [];
  let loose = '';
  const flush = () => {
    const text = clean(loose);
    if (text !== '') items.push({ kind: 'text', page, text });
    loose = '';
  };
  for (const node of children(container)) {
    if (!isElement(node)) {
      if (node.nodeName === '#text') loose += textOf(node);
      continue;
    }
    if (INLINE.has(node.tagName)) {
      loose += textOf(node);
      continue;
    }
    flush();
    items.push(...block(node, page));
  }
  flush();
  return items;
}

function block(element: Element, page: number): DocItem[] {
  const tag = element.tagName;
  const text = () => clean(textOf(element));
  const heading = /^h([1-6])$/.exec(tag);
  if (heading) {
    const depth = Number(heading[1]);
    if (depth === 1) return [{ kind: 'title', page, text: text() }];
    return [{ kind: 'section_header', page, level: (depth - 1) as 1 | 2 | 3 | 4 | 5, text: text() }];
  }
  switch (tag) {
    case 'p': {
      const cls = attr(element, 'class') ?? '';
      const box = element.childNodes.find((c) => isElement(c) && c.tagName === 'input');
      if (box && isElement(box) && attr(box, 'type') === 'checkbox')
        return [{ kind: 'checkbox', page, checked: attr(box, 'checked') !== undefined, text: text() }];
      if (/\bcaption\b/.test(cls)) return [{ kind: 'caption', page, text: text() }];
      if (/\bfootnote\b/.test(cls)) return [{ kind: 'footnote', page, text: text() }];
      const value = text();
      return value === '' ? [] : [{ kind: 'text', page, text: value }];
    }
    case 'header':
    case 'footer': {
      const value = text();
      if (value === '') return [];
      return [{ kind: tag === 'header' ? 'page_header' : 'page_footer', page, furniture: true, text: value }];
    }
    case 'pre': {
      const code = element.childNodes.find((c) => isElement(c) && c.tagName === 'code');
      const language =
        code && isElement(code) ? /\blanguage-([\w+#-]+)/.exec(attr(code, 'class') ?? '')?.[1] : undefined;
      return [
        {
          kind: 'code',
          page,
          text: textOf(element, true).replace(/^\n|\n$/g, ''),
          ...(language ? { language } : {}),
        },
      ];
    }
    case 'math':
      return [{ kind: 'formula', page, text: text() }];
    case 'ul':
    case 'ol':
      return [list(element, page)];
    case 'table':
      return [table(element, page, undefined)];
    case 'img':
      return [picture(attr(element, 'alt'), page)];
    case 'figure': {
      const figcaption = element.childNodes.find((c) => isElement(c) && c.tagName === 'figcaption');
      const caption: CaptionItem | undefined =
        figcaption && isElement(figcaption)
          ? { kind: 'caption', page, text: clean(textOf(figcaption)) }
          : undefined;
      const inner = element.childNodes.filter((c) => c !== figcaption);
      const tableEl = inner.find((c) => isElement(c) && c.tagName === 'table');
      if (tableEl && isElement(tableEl)) return [table(tableEl, page, caption)];
      const preEl = inner.find((c) => isElement(c) && c.tagName === 'pre');
      if (preEl && isElement(preEl)) {
        const [code] = block(preEl, page);
        return code?.kind === 'code' ? [{ ...code, ...(caption ? { caption } : {}) }] : [];
      }
      const cls = attr(element, 'data-class');
      return [
        {
          kind: 'picture',
          page,
          chart: false,
          ...(cls ? { classification: cls } : {}),
          ...(caption ? { caption } : {}),
        },
      ];
    }
    case 'hr':
    case 'script':
    case 'style':
    case 'template':
    case 'head':
      return [];
    default:
      return blocks(element, page);
  }
}

function picture(alt: string | undefined, page: number): DocItem {
  return {
    kind: 'picture',
    page,
    chart: false,
    ...(alt ? { caption: { kind: 'caption', page, text: alt } } : {}),
  };
}

function list(element: Element, page: number): DocItem {
  const entries: ListEntry[] = [];
  for (const li of element.childNodes) {
    if (!isElement(li) || li.tagName !== 'li') continue;
    const nested: DocItem[] = [];
    let own = '';
    for (const child of li.childNodes) {
      if (isElement(child) && (child.tagName === 'ul' || child.tagName === 'ol'))
        nested.push(list(child, page));
      else own += textOf(child);
    }
    entries.push({ text: clean(own), children: nested });
  }
  return { kind: 'list', page, ordered: element.tagName === 'ol', items: entries };
}

/** Place cells on a grid honouring `rowspan`/`colspan`, as browsers do. */
function table(element: Element, page: number, caption: CaptionItem | undefined): DocItem {
  const rows: { element: Element; head: boolean }[] = [];
  const collect = (node: Node, head: boolean) => {
    for (const child of children(node)) {
      if (!isElement(child)) continue;
      if (child.tagName === 'tr') rows.push({ element: child, head });
      else if (['thead', 'tbody', 'tfoot'].includes(child.tagName)) collect(child, child.tagName === 'thead');
    }
  };
  collect(element, false);
  const captionEl = element.childNodes.find((c) => isElement(c) && c.tagName === 'caption');
  const tableCaption =
    caption ?? (captionEl ? { kind: 'caption' as const, page, text: clean(textOf(captionEl)) } : undefined);
  const taken = new Set<string>();
  const cells: TableCell[] = [];
  let numCols = 0;
  rows.forEach(({ element: tr, head }, r) => {
    let c = 0;
    for (const td of tr.childNodes) {
      if (!isElement(td) || (td.tagName !== 'td' && td.tagName !== 'th')) continue;
      while (taken.has(`${r},${c}`)) c++;
      const rowSpan = Math.max(1, Math.min(Number(attr(td, 'rowspan') ?? 1) || 1, rows.length - r));
      const colSpan = Math.max(1, Math.min(Number(attr(td, 'colspan') ?? 1) || 1, 1000));
      for (let dr = 0; dr < rowSpan; dr++)
        for (let dc = 0; dc < colSpan; dc++) taken.add(`${r + dr},${c + dc}`);
      const th = td.tagName === 'th';
      cells.push({
        row: r,
        col: c,
        rowSpan,
        colSpan,
        text: clean(textOf(td)).replace(/\s+/g, ' '),
        columnHeader: th && (head || r === 0 || attr(td, 'scope') === 'col'),
        rowHeader: th && !(head || r === 0 || attr(td, 'scope') === 'col'),
        rowSection: false,
      });
      c += colSpan;
      numCols = Math.max(numCols, c);
    }
  });
  return {
    kind: 'table',
    page,
    numRows: rows.length,
    numCols,
    cells,
    ...(tableCaption ? { caption: tableCaption } : {}),
  };
}
