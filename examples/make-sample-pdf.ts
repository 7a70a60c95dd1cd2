/**
 * Writes examples/sample.pdf, the quick-start document: an A4 title page with headings, paragraphs
 * and a list; a US-letter page with a ruled table; a landscape page. Run:
 *   node --import tsx examples/make-sample-pdf.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makePdf, type PdfStroke, type PdfText } from '../src/simulate/pdf-writer.js';

const table: { texts: PdfText[]; strokes: PdfStroke[] } = { texts: [], strokes: [] };
const columns = [72, 232, 352, 472, 540];
const rows = [
  ['Model', 'Pages/s', 'Latency (s)', 'Errors'],
  ['small-vlm', '4.2', '0.9', '0'],
  ['medium-vlm', '2.7', '1.6', '1'],
  ['large-vlm', '1.1', '3.8', '0'],
];
const top = 640;
const rowHeight = 24;
rows.forEach((cells, r) => {
  cells.forEach((cell, c) =>
    table.texts.push({
      x: columns[c]! + 6,
      y: top - (r + 1) * rowHeight + 8,
      text: cell,
      size: 11,
      bold: r === 0,
    }),
  );
});
for (let r = 0; r <= rows.length; r++) {
  table.strokes.push({
    x1: columns[0]!,
    y1: top - r * rowHeight,
    x2: columns.at(-1)!,
    y2: top - r * rowHeight,
    width: r === 1 ? 1.5 : 0.75,
  });
}
for (const x of columns)
  table.strokes.push({ x1: x, y1: top, x2: x, y2: top - rows.length * rowHeight, width: 0.75 });

const bytes = makePdf([
  {
    width: 595,
    height: 842,
    lines: [
      '# pagestream sample document',
      'This three-page PDF shows what pagestream sends to a vision model: each page is',
      'rendered to an image and streamed through an OpenAI-compatible endpoint.',
      '',
      '# What it contains',
      '- a title page with headings, paragraphs and this list;',
      '- a page with a small ruled table;',
      '- a landscape page.',
      '',
      'Every page converts independently, so one bad page never stops the others.',
    ],
  },
  {
    width: 612,
    height: 792,
    lines: ['# Throughput by model', 'Measured against the simulated server (illustrative numbers).'],
    ...table,
  },
  {
    width: 842,
    height: 595,
    lines: [
      '# A landscape page',
      'Wide pages keep their aspect ratio; --max-size caps the longest edge of the image.',
    ],
  },
]);

const target = fileURLToPath(new URL('./sample.pdf', import.meta.url));
writeFileSync(target, bytes);
console.log(`wrote ${target} (${bytes.length} bytes)`);
