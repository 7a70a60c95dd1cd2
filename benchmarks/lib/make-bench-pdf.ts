import { makePdf } from '../../src/simulate/index.js';
import type { PdfPageSpec } from '../../src/simulate/index.js';

const WORDS =
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her she there one all we their been has who will more if no out so said what up its about than into them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'.split(
    ' ',
  );

/** Deterministic pseudo-random words (a small LCG), so every run renders the same pages. */
function wordsFor(seed: number, count: number): string {
  let state = (seed * 2654435761) >>> 0;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.push(WORDS[state % WORDS.length] ?? 'word');
  }
  return out.join(' ');
}

/**
 * A text-heavy A4 document of `pages` pages: a heading, about 40 lines of prose and, on every third page,
 * a ruled 4x6 table. Every page differs, so the simulated server answers each with its own length.
 */
export function makeBenchPdf(pages: number): Uint8Array {
  const specs: PdfPageSpec[] = [];
  for (let page = 1; page <= pages; page++) {
    const lines = [`# Section ${page}: ${wordsFor(page, 4)}`];
    for (let line = 0; line < 40; line++) lines.push(wordsFor(page * 100 + line, 13));
    const table = page % 3 === 0;
    specs.push({
      width: 595,
      height: 842,
      lines: table ? lines.slice(0, 28) : lines,
      ...(table
        ? {
            texts: Array.from({ length: 24 }, (_, i) => ({
              x: 80 + (i % 4) * 110,
              y: 250 - Math.floor(i / 4) * 24,
              text: wordsFor(page * 1000 + i, 2),
              size: 10,
            })),
            strokes: [
              ...Array.from({ length: 7 }, (_, r) => ({
                x1: 72,
                y1: 266 - r * 24,
                x2: 512,
                y2: 266 - r * 24,
              })),
              ...Array.from({ length: 5 }, (_, c) => ({
                x1: 72 + c * 110,
                y1: 266,
                x2: 72 + c * 110,
                y2: 122,
              })),
            ],
          }
        : {}),
    });
  }
  return makePdf(specs);
}
