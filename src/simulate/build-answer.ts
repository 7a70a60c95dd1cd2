import { pick, randomInt, type Random } from './create-random.js';

/** The formats a simulated answer can take (`json`: an extraction answer, see `buildJsonAnswer`). */
export type AnswerFormat = 'doctags' | 'markdown' | 'html' | 'text' | 'json';
/** The formats {@link buildAnswer} writes. */
export type DocumentAnswerFormat = Exclude<AnswerFormat, 'json'>;

/** A simulated model answer, already cut into tokens. */
export interface SimulatedAnswer {
  readonly format: AnswerFormat;
  /** The natural answer: what a well-behaved model sends before it stops. */
  readonly tokens: readonly string[];
  /**
   * The `k`-th repetition (from 0) a runaway model emits after its natural end: the last element again,
   * with its location box stepping down the page in DocTags, as SmolDocling does when it loops.
   */
  loop(k: number): readonly string[];
}

/** What {@link buildAnswer} needs to know about the page. */
export interface BuildAnswerInit {
  readonly format: DocumentAnswerFormat;
  /** Image size in pixels, when the request carried a readable image. */
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  /** Tokens the natural answer should have; short answers may exceed it by their fixed frame. */
  readonly targetTokens: number;
  /** Seeded from the page, so the same page always gets the same answer. */
  readonly random: Random;
}

type Box = readonly [number, number, number, number];
type Element =
  | { readonly kind: 'title'; readonly box: Box; readonly words: readonly string[] }
  | { readonly kind: 'heading'; readonly box: Box; readonly words: readonly string[] }
  | { readonly kind: 'text'; readonly box: Box; readonly words: readonly string[] }
  | { readonly kind: 'table'; readonly box: Box; readonly rows: readonly (readonly string[])[] };

// Word-ish filler; the content does not matter, only that it looks like page text and is deterministic.
const VOCABULARY = (
  'the model page layout table figure section results document analysis dataset training values shown ' +
  'below above each column row with from report annual revenue growth method approach data text reading ' +
  'order bounding boxes detection accuracy precision recall score baseline summary appendix chapter notes ' +
  'total average sample images scanned printed and of in for is are we this that a an to on'
).split(' ');
const HEADINGS = ['Introduction', 'Methods', 'Results', 'Discussion', 'Summary', 'Appendix', 'Overview'];

/**
 * Build a deterministic answer for one page in the requested format. Tokens are word-sized pieces: a tag,
 * a location token, or a word with its trailing space. The answer names the image size (a title
 * "Page 1224x1584" and a sentence) so that tests can tell pages apart and check their order.
 */
export function buildAnswer(init: BuildAnswerInit): SimulatedAnswer {
  const { format, random } = init;
  const render = RENDERERS[format];
  const sized = init.width !== undefined && init.height !== undefined;
  const size = sized ? `${init.width}x${init.height}` : 'without image';
  const elements: Element[] = [
    { kind: 'title', box: [40, 20, 300, 32], words: ['Page ', size] },
    {
      kind: 'text',
      box: [40, 40, 460, 56],
      words: sized
        ? ['This ', 'page ', 'image ', 'is ', `${init.width} `, 'by ', `${init.height} `, 'pixels.']
        : ['This ', 'request ', 'carried ', 'no ', 'readable ', 'image.'],
    },
  ];
  const frame = format === 'doctags' ? 2 : 0; // <doctag> and </doctag>
  let used = frame + elements.reduce((sum, element) => sum + render(element).length, 0);
  let y = 64;
  while (used < init.targetTokens) {
    const remaining = init.targetTokens - used;
    const element = nextElement(random, y, remaining, render);
    if (element === undefined) break;
    elements.push(element);
    used += render(element).length;
    y = element.box[3] + 8 > 480 ? 64 : element.box[3] + 8;
  }
  const tokens: string[] = [];
  if (format === 'doctags') tokens.push('<doctag>');
  for (const element of elements) tokens.push(...render(element));
  if (format === 'doctags') tokens.push('</doctag>');

  const last = elements[elements.length - 1] ?? elements[0];
  return {
    format,
    tokens,
    loop(k) {
      if (last === undefined || format !== 'doctags') return last ? render(last) : [];
      const step = (k + 1) * (last.box[3] - last.box[1] + 4);
      const shift = (v: number): number => (v + step) % 500;
      const [x1, y1, x2, y2] = last.box;
      const top = shift(y1);
      return render({ ...last, box: [x1, top, x2, Math.min(499, top + (y2 - y1))] });
    },
  };
}

function nextElement(
  random: Random,
  y: number,
  remaining: number,
  render: (element: Element) => readonly string[],
): Element | undefined {
  const roll = random();
  if (roll < 0.15) {
    const cols = randomInt(random, 2, 4);
    const rows = Array.from({ length: randomInt(random, 2, 4) }, (_, r) =>
      Array.from({ length: cols }, (_, c) => (r === 0 ? `Col${c + 1}` : String(randomInt(random, 1, 999)))),
    );
    const table: Element = { kind: 'table', box: [60, y, 440, y + 12 * rows.length], rows };
    if (render(table).length <= remaining) return table;
  } else if (roll < 0.3) {
    const heading: Element = {
      kind: 'heading',
      box: [40, y, 200, y + 10],
      words: [`${randomInt(random, 1, 9)} `, pick(random, HEADINGS)],
    };
    if (render(heading).length <= remaining) return heading;
  }
  const overhead = render({ kind: 'text', box: [0, 0, 0, 0], words: [] }).length;
  const count = Math.min(randomInt(random, 6, 30), remaining - overhead);
  if (count < 3) return undefined;
  const words = Array.from({ length: count }, (_, i) => {
    const word = pick(random, VOCABULARY);
    return i === count - 1 ? `${word}.` : `${i === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : word} `;
  });
  const lines = Math.ceil(count / 12);
  return { kind: 'text', box: [40, y, 460, Math.min(499, y + 10 * lines)], words };
}

const loc = (box: Box): string[] => box.map((v) => `<loc_${v}>`);

const RENDERERS: Readonly<Record<DocumentAnswerFormat, (element: Element) => readonly string[]>> = {
  doctags(element) {
    if (element.kind === 'table') {
      const cells = element.rows.flatMap((row, r) => [
        ...row.flatMap((cell) => [r === 0 ? '<ched>' : '<fcel>', cell]),
        '<nl>',
      ]);
      return ['<otsl>', ...loc(element.box), ...cells, '</otsl>\n'];
    }
    const tag = { title: 'title', heading: 'section_header_level_1', text: 'text' }[element.kind];
    return [`<${tag}>`, ...loc(element.box), ...element.words, `</${tag}>\n`];
  },
  markdown(element) {
    if (element.kind === 'table') {
      const [head = [], ...body] = element.rows;
      const row = (cells: readonly string[]): string[] => [...cells.flatMap((c) => ['| ', c, ' ']), '|\n'];
      return [...row(head), `|${' --- |'.repeat(head.length)}\n`, ...body.flatMap(row), '\n'];
    }
    const prefix = { title: ['# '], heading: ['## '], text: [] }[element.kind];
    return [...prefix, ...element.words, '\n\n'];
  },
  html(element) {
    if (element.kind === 'table') {
      const rows = element.rows.flatMap((cells, r) => {
        const tag = r === 0 ? 'th' : 'td';
        return ['<tr>', ...cells.flatMap((c) => [`<${tag}>`, c, `</${tag}>`]), '</tr>'];
      });
      return ['<table>', ...rows, '</table>\n'];
    }
    const tag = { title: 'h1', heading: 'h2', text: 'p' }[element.kind];
    return [`<${tag}>`, ...element.words, `</${tag}>\n`];
  },
  text(element) {
    if (element.kind === 'table') {
      return [
        ...element.rows.flatMap((cells) => cells.flatMap((c, i) => [c, i < cells.length - 1 ? '\t' : '\n'])),
        '\n',
      ];
    }
    return [...element.words, '\n\n'];
  },
};
