import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { openDocument } from '../src/backends/open-document.js';
import { encodePng } from '../src/render/encode-png.js';
import { planRender } from '../src/render/plan-render.js';
import { makePdf } from '../src/simulate/pdf-writer.js';
import {
  decodeGrey,
  meanAbsoluteDifference,
  meanGrey,
  SIGNATURES,
  startsWith,
} from './helpers/pdf-images.js';
import { fixturePath, needsShared } from './helpers/shared-fixtures.js';

const sample = makePdf([
  { width: 612, height: 792, lines: ['# Heading', 'Some text on a letter page.'] },
  { width: 595, height: 842, rotate: 270, lines: ['Rotated.'] },
  { width: 14_400, height: 14_400, lines: ['A 200-inch poster.'] },
]);

describe('planRender', () => {
  it('applies scale, then maxSize on the longest edge, then the pixel budget', () => {
    assert.deepEqual(planRender(612, 792, { scale: 2 }), {
      scale: 2,
      width: 1224,
      height: 1584,
      downscaled: undefined,
    });
    const capped = planRender(612, 792, { scale: 2, maxSize: 1000 });
    assert.equal(capped.downscaled, 'max-size');
    assert.equal(capped.height, 1000);
    assert.equal(capped.width, 772); // 612 * 1000/792 = 772.7, floored: never above the cap
    const budget = planRender(14_400, 14_400, { scale: 2 });
    assert.equal(budget.downscaled, 'pixel-budget');
    assert.ok(budget.width * budget.height <= 40_000_000);
    assert.ok(budget.width * budget.height > 39_000_000);
  });
});

describe('encodePng', () => {
  it('round-trips pixels exactly, at odd sizes, with repeated rows, from unaligned memory', async () => {
    for (const [width, height] of [
      [1, 1],
      [3, 5],
      [257, 13],
    ] as const) {
      const canvas = createCanvas(width, height);
      const context = canvas.getContext('2d');
      const pixels = context.createImageData(width, height);
      for (let i = 0; i < pixels.data.length; i++) pixels.data[i] = i % 4 === 3 ? 255 : (i * 7919) & 0xff;
      // Rows equal to the one above, and a pixel equal to the one above, take the encoder's fast paths.
      if (height > 3) pixels.data.copyWithin(width * 4 * 2, width * 4, width * 4 * 2);
      if (height > 4) pixels.data.copyWithin(width * 4 * 4, width * 4 * 3, width * 4 * 3 + 4);
      context.putImageData(pixels, 0, 0);
      const png = await encodePng(canvas.data(), width, height);
      const decoded = createCanvas(width, height);
      decoded.getContext('2d').drawImage(await loadImage(png), 0, 0);
      assert.deepEqual(decoded.data(), canvas.data(), `${width}x${height}`);
      const unaligned = new Uint8Array(width * height * 4 + 1).subarray(1);
      unaligned.set(canvas.data());
      assert.deepEqual(await encodePng(unaligned, width, height), png);
    }
  });
});

describe('renderPage', () => {
  it('encodes PNG, JPEG and WebP with their signatures and white backgrounds', async () => {
    const doc = await openDocument(sample);
    try {
      for (const format of ['png', 'jpeg', 'webp'] as const) {
        const image = await doc.renderPage(1, { scale: 1, format, quality: 80 });
        assert.ok(startsWith(image.data, SIGNATURES[format]), format);
        assert.equal(image.mimeType, `image/${format}`);
        assert.deepEqual([image.width, image.height, image.scale], [612, 792, 1]);
        const grey = await decodeGrey(image.data);
        assert.deepEqual([grey.width, grey.height], [612, 792]);
        // Mostly white paper with a little dark text, in every format.
        const mean = meanGrey(grey);
        assert.ok(mean > 245 && mean < 255, `${format}: mean grey ${mean}`);
        assert.equal(grey.grey[0], 255);
      }
    } finally {
      await doc.close();
    }
  });

  it('honours /Rotate, maxSize and the pixel budget', async () => {
    const doc = await openDocument(sample);
    try {
      const rotated = await doc.renderPage(2, { scale: 2, format: 'png' });
      assert.deepEqual([rotated.width, rotated.height], [1684, 1190]);
      const capped = await doc.renderPage(1, { scale: 2, maxSize: 500, format: 'jpeg' });
      assert.deepEqual([capped.width, capped.height, capped.downscaled], [386, 500, 'max-size']);
      const decoded = await decodeGrey(capped.data);
      assert.deepEqual([decoded.width, decoded.height], [386, 500]);
      // 14400 pt at scale 2 would be 28800 px square (829 MP): the budget brings it down.
      const poster = await doc.renderPage(3, { scale: 2, format: 'jpeg', pixelBudget: 4_000_000 });
      assert.equal(poster.downscaled, 'pixel-budget');
      assert.ok(poster.width * poster.height <= 4_000_000);
      assert.ok(poster.scale < 0.14);
    } finally {
      await doc.close();
    }
  });

  it('renders images at their pixel size, flattened on white, and caps them with maxSize', async () => {
    const canvas = createCanvas(300, 200); // transparent except one black square
    canvas.getContext('2d').fillRect(0, 0, 50, 50);
    const doc = await openDocument(canvas.encodeSync('png'));
    try {
      const image = await doc.renderPage(1, { scale: 2, format: 'png' });
      assert.deepEqual([image.width, image.height, image.scale], [300, 200, 1]);
      const grey = await decodeGrey(image.data);
      assert.equal(grey.grey[0], 0);
      assert.equal(grey.grey[299], 255);
      const small = await doc.renderPage(1, { scale: 2, format: 'webp', maxSize: 150 });
      assert.deepEqual([small.width, small.height, small.downscaled], [150, 100, 'max-size']);
    } finally {
      await doc.close();
    }
  });

  it('rejects with the abort reason when aborted', async () => {
    const doc = await openDocument(sample);
    try {
      const reason = new Error('cancelled');
      await assert.rejects(
        doc.renderPage(1, { scale: 2, format: 'png' }, AbortSignal.abort(reason)),
        (e) => e === reason,
      );
      const controller = new AbortController();
      const pending = doc.renderPage(3, { scale: 2, format: 'png' }, controller.signal);
      controller.abort(reason);
      await assert.rejects(pending, (e) => e === reason);
      // The document is still usable afterwards.
      assert.equal((await doc.renderPage(1, { scale: 0.5, format: 'png' })).width, 306);
    } finally {
      await doc.close();
    }
  });
});

describe('renderPage canvas reuse', () => {
  const pages = makePdf(
    ['One', 'Two', 'Three'].map((word) => ({
      width: 612,
      height: 792,
      lines: [`# ${word}`, word.repeat(20)],
    })),
  );

  it('gives the same bytes as a fresh document whatever was rendered or cancelled before', async () => {
    const fresh = await openDocument(pages);
    const used = await openDocument(pages);
    try {
      const expected = await fresh.renderPage(1, { scale: 1, format: 'png' });
      // Two at once (two canvases in use), then a render cancelled part way, then page 1 again.
      await Promise.all([2, 3].map((p) => used.renderPage(p, { scale: 1, format: 'png' })));
      const controller = new AbortController();
      const cancelled = used.renderPage(2, { scale: 1, format: 'png' }, controller.signal);
      setImmediate(() => controller.abort(new Error('stop')));
      await cancelled.catch(() => undefined);
      for (let i = 0; i < 3; i++) {
        const again = await used.renderPage(1, { scale: 1, format: 'png' });
        assert.deepEqual(again.data, expected.data, `render ${i + 1} of page 1 after others`);
      }
      // A different size in between does not disturb the pages of the usual size.
      await used.renderPage(3, { scale: 0.5, format: 'jpeg' });
      assert.deepEqual((await used.renderPage(1, { scale: 1, format: 'png' })).data, expected.data);
    } finally {
      await fresh.close();
      await used.close();
    }
  });
});

describe('renderPage against poppler references (scale 2 = 144 dpi)', () => {
  // Tolerances: INDEX.md's measured mean |Δ| for page 1 plus a margin for anti-aliasing differences.
  const cases: [file: string, tolerance: number, password?: string][] = [
    ['sizes.pdf', 2],
    ['font_ascent_descent.pdf', 2], // /Rotate 90
    ['issue5747.pdf', 16], // /Rotate 270, CCITT via wasm, poppler paints cream
    ['2305.03393v1-pg9.pdf', 6],
    ['issue6387.pdf', 4], // CJK vertical
    ['normal_4pages.pdf', 10], // CJK embedded
    ['issue918.pdf', 6], // Type3
    ['issue9972-1.pdf', 5], // encrypted, empty user password
    ['pr6531_1.pdf', 6, 'asdfasdf'],
    ['issue17147.pdf', 2], // XRef repair
    ['govdocs1-033689.pdf', 4], // XRef repair + /Rotate 90
  ];
  for (const [file, tolerance, password] of cases) {
    it(`${file} page 1 within ${tolerance} grey levels`, needsShared, async () => {
      const doc = await openDocument(fixturePath('pdfs', file), { password });
      try {
        const image = await doc.renderPage(1, { scale: 2, format: 'png' });
        const ours = await decodeGrey(image.data);
        const reference = await decodeGrey(
          await readFile(fixturePath('pdfs', 'reference', file.replace(/\.pdf$/, '.page-1.png'))),
        );
        assert.ok(
          Math.abs(ours.width - reference.width) <= 1 && Math.abs(ours.height - reference.height) <= 1,
          `size ${ours.width}x${ours.height} vs reference ${reference.width}x${reference.height}`,
        );
        const difference = meanAbsoluteDifference(ours, reference);
        assert.ok(difference <= tolerance, `mean |Δ| ${difference.toFixed(2)} > ${tolerance}`);
      } finally {
        await doc.close();
      }
    });
  }
});
