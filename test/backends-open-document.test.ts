import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createCanvas } from '@napi-rs/canvas';
import { detectFormat } from '../src/backends/detect-format.js';
import type { DocumentBackend } from '../src/backends/document-backend.js';
import { openDocument } from '../src/backends/open-document.js';
import { DocumentError, RenderError } from '../src/errors.js';
import { makePdf } from '../src/simulate/pdf-writer.js';
import { fixturePath, needsShared } from './helpers/shared-fixtures.js';

const pdf = (name: string) => fixturePath('pdfs', name);

async function expectDocumentError(promise: Promise<unknown>, code: string, pattern?: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DocumentError, `expected a DocumentError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

const threePages = makePdf([
  { width: 595, height: 842, lines: ['# Title', 'First page text.', 'Second line.'] },
  { width: 612, height: 792, rotate: 90, lines: ['Rotated page.'] },
  { width: 300, height: 200, lines: ['Small page.'] },
]);

describe('openDocument: sources and format detection', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pagestream-backends-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('detects formats from bytes, accepting junk before %PDF- within 1024 bytes', () => {
    const png = createCanvas(4, 4).encodeSync('png');
    assert.equal(detectFormat(png), 'png');
    assert.equal(detectFormat(createCanvas(4, 4).encodeSync('jpeg')), 'jpeg');
    assert.equal(detectFormat(createCanvas(4, 4).encodeSync('webp')), 'webp');
    assert.equal(detectFormat(threePages), 'pdf');
    const junk = new Uint8Array(1000 + threePages.length).fill(0x20);
    junk.set(threePages, 1000);
    assert.equal(detectFormat(junk), 'pdf');
    const tooLate = new Uint8Array(1100 + threePages.length).fill(0x20);
    tooLate.set(threePages, 1100);
    assert.equal(detectFormat(tooLate), undefined);
    assert.equal(detectFormat(new TextEncoder().encode('hello world')), undefined);
  });

  it('opens a PDF from a path, from bytes and from a Node stream, with sizes as shown', async () => {
    const file = path.join(dir, 'three.pdf');
    await writeFile(file, threePages);
    for (const source of [
      file,
      threePages,
      Readable.from([threePages.subarray(0, 100), threePages.subarray(100)]),
    ]) {
      const doc = await openDocument(source);
      try {
        assert.equal(doc.format, 'pdf');
        assert.equal(doc.pageCount, 3);
        assert.deepEqual(await doc.pageInfo(1), {
          page: 1,
          width: 595,
          height: 842,
          rotation: 0,
          valid: true,
        });
        // /Rotate 90 swaps width and height of the page as shown.
        assert.deepEqual(await doc.pageInfo(2), {
          page: 2,
          width: 792,
          height: 612,
          rotation: 90,
          valid: true,
        });
        assert.equal((await doc.pageInfo(3)).width, 300);
      } finally {
        await doc.close();
      }
    }
    assert.equal((await openDocument(file)).source, file);
  });

  it('reads the text layer as lines', async () => {
    const doc = await openDocument(threePages);
    try {
      assert.equal(await doc.textLayer(1), 'Title\nFirst page text.\nSecond line.');
    } finally {
      await doc.close();
    }
  });

  it('opens PNG, JPEG and WebP images as one-page documents at their pixel size', async () => {
    const canvas = createCanvas(40, 30);
    for (const format of ['png', 'jpeg', 'webp'] as const) {
      const doc = await openDocument(canvas.encodeSync(format as 'png'), { name: `img.${format}` });
      try {
        assert.equal(doc.format, format);
        assert.equal(doc.pageCount, 1);
        assert.deepEqual(await doc.pageInfo(1), { page: 1, width: 40, height: 30, rotation: 0, valid: true });
        assert.equal(await doc.textLayer(1), undefined);
        await assert.rejects(doc.renderPage(2, { scale: 2, format: 'png' }), RenderError);
      } finally {
        await doc.close();
      }
    }
  });

  it('names missing files, directories, empty files and unknown formats clearly', async () => {
    await expectDocumentError(
      openDocument(path.join(dir, 'nope.pdf')),
      'INPUT_NOT_FOUND',
      /nope\.pdf: no such file/,
    );
    await expectDocumentError(openDocument(dir), 'INVALID_DOCUMENT', /is a directory/);
    const empty = path.join(dir, 'empty.pdf');
    await writeFile(empty, '');
    await expectDocumentError(openDocument(empty), 'INVALID_DOCUMENT', /is empty/);
    const text = path.join(dir, 'notes.pdf');
    await writeFile(text, 'just some text, named .pdf');
    await expectDocumentError(openDocument(text), 'UNSUPPORTED_FORMAT', /not a PDF, PNG, JPEG or WebP/);
  });

  it('refuses truncated images before decoding them (Skia would crash the process)', async () => {
    const canvas = createCanvas(64, 64);
    canvas.getContext('2d').fillRect(5, 5, 30, 30);
    for (const format of ['png', 'jpeg', 'webp'] as const) {
      const whole = canvas.encodeSync(format as 'png');
      for (const length of [12, 40, Math.floor(whole.length / 2), whole.length - 1]) {
        await expectDocumentError(
          openDocument(whole.subarray(0, length), { name: `cut.${format}` }),
          'INVALID_DOCUMENT',
          /cannot decode the image: .*(truncated|missing|damaged)/,
        );
      }
    }
  });

  it('rejects with the abort reason when aborted before opening', async () => {
    const reason = new Error('stop');
    await assert.rejects(
      openDocument(threePages, { signal: AbortSignal.abort(reason) }),
      (e) => e === reason,
    );
  });

  it('opens a truncated PDF (synthetic: 60% of a real file) or rejects it as INVALID_DOCUMENT, never hangs', async () => {
    // makePdf output has its xref at the end; cut it off and pdf.js must rebuild it by scanning.
    const cut = threePages.subarray(0, Math.floor(threePages.length * 0.6));
    const doc: unknown = await openDocument(cut, { name: 'cut.pdf' }).catch((error: unknown) => error);
    if (doc instanceof Error) {
      assert.ok(doc instanceof DocumentError && doc.code === 'INVALID_DOCUMENT', String(doc));
      return;
    }
    assert.ok(doc && typeof doc === 'object' && 'renderPage' in doc);
    const opened = doc as DocumentBackend;
    try {
      assert.ok(opened.pageCount >= 1);
      // Pages whose objects were cut off are invalid and fail to render; no page crashes the document.
      for (let page = 1; page <= opened.pageCount; page++) {
        const info = await opened.pageInfo(page);
        if (info.valid) await opened.renderPage(page, { scale: 0.5, format: 'png' });
        else await assert.rejects(opened.renderPage(page, { scale: 0.5, format: 'png' }), RenderError);
      }
    } finally {
      await opened.close();
    }
  });
});

describe('openDocument: real PDFs from ../shared', () => {
  it('reports page counts and sizes as shown (rotation applied, mixed sizes)', needsShared, async () => {
    const cases: [string, number, [number, number], number][] = [
      ['TAMReview.pdf', 23, [595, 842], 0],
      ['tracemonkey.pdf', 14, [612, 792], 0],
      ['font_ascent_descent.pdf', 1, [842, 595], 90],
      ['issue5747.pdf', 1, [419.52, 595.2], 270],
      ['normal_4pages.pdf', 4, [612, 859], 0],
      ['govdocs1-033689.pdf', 3, [792, 612], 90],
      ['pdkids.pdf', 55, [612, 792], 0],
    ];
    for (const [name, pages, [width, height], rotation] of cases) {
      const doc = await openDocument(pdf(name));
      try {
        assert.equal(doc.pageCount, pages, name);
        const info = await doc.pageInfo(1);
        assert.equal(info.rotation, rotation, name);
        assert.ok(
          Math.abs(info.width - width) < 1 && Math.abs(info.height - height) < 1,
          `${name}: ${info.width}x${info.height}`,
        );
      } finally {
        await doc.close();
      }
    }
    const sizes = await openDocument(pdf('sizes.pdf'));
    try {
      const shown = await Promise.all([1, 2, 3].map(async (p) => sizes.pageInfo(p)));
      assert.deepEqual(
        shown.map((i) => [Math.round(i.width), Math.round(i.height)]),
        [
          [612, 792],
          [649, 323],
          [792, 612],
        ],
      );
    } finally {
      await sizes.close();
    }
  });

  it(
    'handles passwords: empty user password opens; missing and wrong passwords are told apart',
    needsShared,
    async () => {
      const empty = await openDocument(pdf('issue9972-1.pdf'));
      assert.equal(empty.pageCount, 1);
      await empty.close();
      await expectDocumentError(openDocument(pdf('pr6531_1.pdf')), 'PASSWORD_REQUIRED', /--password/);
      await expectDocumentError(
        openDocument(pdf('pr6531_1.pdf'), { password: 'wrong' }),
        'INCORRECT_PASSWORD',
      );
      const opened = await openDocument(pdf('pr6531_1.pdf'), { password: 'asdfasdf' });
      assert.deepEqual(await opened.pageInfo(1), {
        page: 1,
        width: 576,
        height: 390,
        rotation: 0,
        valid: true,
      });
      await opened.close();
    },
  );

  it(
    'rejects a 184-byte fragment as INVALID_DOCUMENT and opens files pdf.js repairs',
    needsShared,
    async () => {
      await expectDocumentError(openDocument(pdf('bug1020226.pdf')), 'INVALID_DOCUMENT', /bug1020226\.pdf/);
      for (const name of ['issue17147.pdf', 'scan-bad.pdf', 'govdocs1-033689.pdf']) {
        const doc = await openDocument(pdf(name));
        try {
          assert.equal((await doc.pageInfo(1)).valid, true, name);
        } finally {
          await doc.close();
        }
      }
    },
  );

  it(
    'handles truncated copies (synthetic, first 60%): rejected clearly or opened with what is left',
    needsShared,
    async () => {
      const cut = async (name: string) => {
        const bytes = await readFile(pdf(name));
        return bytes.subarray(0, Math.floor(bytes.length * 0.6));
      };
      // pdkids' page tree and catalog sit in the lost part: pdf.js cannot rebuild the document.
      await expectDocumentError(
        openDocument(await cut('pdkids.pdf'), { name: 'pdkids-cut.pdf' }),
        'INVALID_DOCUMENT',
        /pdkids-cut\.pdf: not a readable PDF/,
      );
      // TAMReview's first page survives the cut and pdf.js recovers it by scanning the objects.
      const doc = await openDocument(await cut('TAMReview.pdf'), { name: 'tam-cut.pdf' });
      try {
        assert.ok(doc.pageCount >= 1);
        const image = await doc.renderPage(1, { scale: 0.5, format: 'png' });
        assert.ok(image.width > 0);
      } finally {
        await doc.close();
      }
    },
  );

  it('joins the text layer of a real page into lines', needsShared, async () => {
    const doc = await openDocument(pdf('pdkids.pdf'));
    try {
      const text = await doc.textLayer(1);
      assert.match(text ?? '', /^PD KIDS\nPublic domain texts for young people\./);
    } finally {
      await doc.close();
    }
  });
});
