import type { Nodes, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import type { DocItem, DocumentPage, ListEntry, PageRef, TableCell } from './document-model.js';
import { stripCodeFence } from './strip-code-fence.js';

/**
 * Decode a Markdown answer (GitHub-flavoured: tables, task lists, strikethrough) into the document model,
 * reading it the way {@link exportMarkdown} writes it: `#` is the title, `##`..`######` are section levels
 * 1-5, `$$...$$` a formula, `<!-- image -->` or an image a picture. One code fence wrapping the whole
 * answer is removed first, as Docling does.
 * @example
 * decodeMarkdown('```markdown\n# Hi\n```', { page: 1 }).items; // [{ kind: 'title', page: 1, text: 'Hi' }]
 */
export function decodeMarkdown(text: string, page: PageRef): DocumentPage {
  const tree = fromMarkdown(stripCodeFence(text), {
    extensions: [gfm()],
    mdastExtensions: [gfmFromMarkdown()],
  });
  const items = tree.children.flatMap((node) => decodeBlock(node, page.page));
  return { page: page.page, width: page.width ?? null, height: page.height ?? null, items };
}

function decodeBlock(node: RootContent, page: number): DocItem[] {
  switch (node.type) {
    case 'heading': {
      const text = plain(node);
      if (node.depth === 1) return [{ kind: 'title', page, text }];
      const level = (node.depth - 1) as 1 | 2 | 3 | 4 | 5;
      return [{ kind: 'section_header', page, level, text }];
    }
    case 'paragraph': {
      const only = node.children.length === 1 ? node.children[0] : undefined;
      if (only?.type === 'image')
        return [{ kind: 'picture', page, chart: false, ...altCaption(only.alt, page) }];
      const text = plain(node).trim();
      const formula = /^\$\$([\s\S]*)\$\$$/.exec(text);
      if (formula) return [{ kind: 'formula', page, text: (formula[1] ?? '').trim() }];
      return text === '' ? [] : [{ kind: 'text', page, text }];
    }
    case 'html': {
      const value = node.value.trim();
      if (/^<!--\s*image\s*-->$/i.test(value)) return [{ kind: 'picture', page, chart: false }];
      if (/^<!--\s*formula-not-decoded\s*-->$/i.test(value)) return [{ kind: 'formula', page, text: '' }];
      if (/^<!--[\s\S]*-->$/.test(value)) return [];
      return [{ kind: 'text', page, text: value }];
    }
    case 'code':
      return [{ kind: 'code', page, text: node.value, ...(node.lang ? { language: node.lang } : {}) }];
    case 'list': {
      if (node.children.length > 0 && node.children.every((item) => typeof item.checked === 'boolean')) {
        return node.children.map((item) => ({
          kind: 'checkbox' as const,
          page,
          checked: item.checked === true,
          text: plain(item).trim(),
        }));
      }
      return [
        {
          kind: 'list',
          page,
          ordered: node.ordered === true,
          items: node.children.map((i) => entry(i, page)),
        },
      ];
    }
    case 'table': {
      const numCols = Math.max(0, ...node.children.map((row) => row.children.length));
      const cells: TableCell[] = node.children.flatMap((row, r) =>
        row.children.map((cell, c) => ({
          row: r,
          col: c,
          rowSpan: 1,
          colSpan: 1,
          text: plain(cell).trim(),
          columnHeader: r === 0,
          rowHeader: false,
          rowSection: false,
        })),
      );
      return [{ kind: 'table', page, numRows: node.children.length, numCols, cells }];
    }
    case 'blockquote':
      return node.children.flatMap((child) => decodeBlock(child, page));
    case 'thematicBreak':
    case 'definition':
    case 'footnoteDefinition':
    case 'yaml':
      return [];
    default: {
      const text = plain(node).trim();
      return text === '' ? [] : [{ kind: 'text', page, text }];
    }
  }
}

function altCaption(alt: string | null | undefined, page: number) {
  return alt ? { caption: { kind: 'caption' as const, page, text: alt } } : {};
}

function entry(item: Extract<Nodes, { type: 'listItem' }>, page: number): ListEntry {
  const text: string[] = [];
  const children: DocItem[] = [];
  for (const child of item.children) {
    if (child.type === 'paragraph') text.push(plain(child).trim());
    else children.push(...decodeBlock(child, page));
  }
  return { text: text.join('\n'), children };
}

/** The text of a node as a reader sees it: markup gone, inline code kept, hard breaks as newlines. */
function plain(node: Nodes): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
    case 'code':
      return node.value;
    case 'html':
      return node.value;
    case 'break':
      return '\n';
    case 'image':
      return node.alt ?? '';
    default:
      return 'children' in node ? node.children.map((c) => plain(c)).join('') : '';
  }
}
