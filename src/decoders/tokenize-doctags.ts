/**
 * A forgiving tokenizer and tree builder for DocTags. It never throws: real model output has prefixes
 * (`Assistant:`), stop tokens (`<end_of_utterance>`), unknown tags, self-closing `<loc_N/>` and answers cut
 * off mid-element, and every one of those must still decode to something useful.
 */

/** One token of a DocTags string. Offsets are UTF-16 indexes into the input. */
export type DocTagsToken =
  | { readonly type: 'open'; readonly name: string; readonly start: number; readonly end: number }
  | { readonly type: 'close'; readonly name: string; readonly start: number; readonly end: number }
  | { readonly type: 'text'; readonly value: string; readonly start: number; readonly end: number };

/** An element of the DocTags tree. `closed` is false for an element the answer never closed. */
export interface DocTagsElement {
  readonly name: string;
  readonly children: DocTagsNode[];
  closed: boolean;
}

/** A node of the DocTags tree: an element or a run of text. */
export type DocTagsNode = DocTagsElement | string;

// Only identifier-like tags are tags: `a < b` or `<3` in a paragraph stays text.
const TAG = /<(\/?)([A-Za-z_][A-Za-z0-9_]*)\s*(\/?)>/g;

/** Tags that never have content or a closing tag. */
const VOID = new Set([
  'fcel',
  'ecel',
  'lcel',
  'ucel',
  'xcel',
  'ched',
  'rhed',
  'srow',
  'nl',
  'page_break',
  'end_of_utterance',
]);

/** Elements of the DocTags vocabulary: containers even when the answer was cut off before their close tag. */
const CONTAINERS = new Set([
  'doctag',
  'title',
  'text',
  'page_header',
  'page_footer',
  'caption',
  'footnote',
  'formula',
  'code',
  'picture',
  'chart',
  'otsl',
  'ordered_list',
  'unordered_list',
  'list_item',
  'inline',
  'key_value_region',
  'checkbox_selected',
  'checkbox_unselected',
  'document_index',
  'smiles',
  'version',
]);

/** True for a tag of the DocTags vocabulary that holds content. */
export function isContainerTag(name: string): boolean {
  return CONTAINERS.has(name) || /^(?:section_header_level_\d|key_\d+|value_\d+)$/.test(name);
}

/** True for a tag that stands alone: OTSL cells, locations, links, class and language tokens. */
export function isVoidTag(name: string): boolean {
  return VOID.has(name) || /^(?:loc|link)_\d+$/.test(name) || /^_.+_$/.test(name);
}

/**
 * Split DocTags text into open tags, close tags and text runs. Self-closing tags (`<loc_5/>`) come out
 * as an open tag.
 * @example
 * tokenizeDocTags('<text>Hi</text>').map((t) => t.type); // ['open', 'text', 'close']
 */
export function tokenizeDocTags(text: string): DocTagsToken[] {
  const tokens: DocTagsToken[] = [];
  let last = 0;
  for (const match of text.matchAll(TAG)) {
    const start = match.index;
    if (start > last) tokens.push({ type: 'text', value: text.slice(last, start), start: last, end: start });
    const end = start + match[0].length;
    const name = match[2] ?? '';
    tokens.push({ type: match[1] === '/' ? 'close' : 'open', name, start, end });
    last = end;
  }
  // A tag the model was still writing when the answer was cut off (`<tex`) is not text.
  const tail = text.slice(last).replace(/<\/?[A-Za-z_][A-Za-z0-9_]*\/?$/, '');
  if (tail !== '') tokens.push({ type: 'text', value: tail, start: last, end: last + tail.length });
  return tokens;
}

/**
 * Build the element tree. A tag is a container when it is closed somewhere in the text; any other
 * unknown tag is a stand-alone token (a class token such as `<bar_chart>`), so it cannot swallow the
 * rest of the page. A close tag with no matching open element is ignored; one that matches an outer
 * element closes everything opened inside it. Elements still open at the end are returned with
 * `closed: false` and their text kept.
 */
export function parseDocTags(text: string): DocTagsElement {
  const tokens = tokenizeDocTags(text);
  const closedNames = new Set(tokens.filter((t) => t.type === 'close').map((t) => t.name));
  const root: DocTagsElement = { name: '#root', children: [], closed: true };
  const stack: DocTagsElement[] = [root];
  for (const token of tokens) {
    const top = stack.at(-1) ?? root;
    if (token.type === 'text') {
      const prev = top.children.at(-1);
      if (typeof prev === 'string') top.children[top.children.length - 1] = prev + token.value;
      else top.children.push(token.value);
    } else if (token.type === 'open') {
      const element: DocTagsElement = { name: token.name, children: [], closed: true };
      top.children.push(element);
      if (!isVoidTag(token.name) && (isContainerTag(token.name) || closedNames.has(token.name))) {
        element.closed = false;
        stack.push(element);
      }
    } else {
      const at = stack.findLastIndex((e) => e.name === token.name);
      if (at > 0) {
        const element = stack[at];
        if (element) element.closed = true;
        stack.length = at;
      }
    }
  }
  return root;
}

/**
 * The offset just after the last complete top-level element (a direct child of `<doctag>`, or of the
 * text when there is no root) or `<page_break>`, or 0 when none is complete. A streaming consumer can
 * decode `text.slice(0, offset)` while the model is still writing the rest.
 * @example
 * lastCompleteElementEnd('<doctag><text>a</text><text>b'); // 22
 */
export function lastCompleteElementEnd(text: string): number {
  const tokens = tokenizeDocTags(text);
  const closedNames = new Set(tokens.filter((t) => t.type === 'close').map((t) => t.name));
  const stack: string[] = [];
  let rooted = false;
  let end = 0;
  for (const token of tokens) {
    if (token.type === 'text') continue;
    if (token.type === 'open') {
      if (token.name === 'doctag' && stack.length === 0) {
        rooted = true;
        stack.push(token.name);
        continue;
      }
      if (isVoidTag(token.name) || !(isContainerTag(token.name) || closedNames.has(token.name))) {
        if (token.name === 'page_break' && stack.length === (rooted ? 1 : 0)) end = token.end;
        continue;
      }
      stack.push(token.name);
    } else {
      const at = stack.lastIndexOf(token.name);
      if (at === -1) continue;
      stack.length = at;
      if (stack.length === (rooted ? 1 : 0) || token.name === 'doctag') end = token.end;
    }
  }
  return end;
}
