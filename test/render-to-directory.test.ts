import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvalidOptionsError } from '../src/errors.js';
import { parsePageRanges } from '../src/internal/parse-page-ranges.js';
import { renderToDirectory, type RenderedPageReport } from '../src/render/render-to-directory.js';
import { makePdf } from '../src/simulate/pdf-writer.js';
import { SIGNATURES, startsWith } from './helpers/pdf-images.js';

describe('parsePageRanges', () => {
  it('parses pages, closed and open ranges into ascending unique pages', () => {
    assert.deepEqual(parsePageRanges('1-3,7,10-', 12), [1, 2, 3, 7, 10, 11, 12]);
    assert.deepEqual(parsePageRanges(' 5, -2 ,2', 5), [1, 2, 5]);
    assert.deepEqual(parsePageRanges('3-3', 3), [3]);
  });
  for (const [spec, message] of [
    ['0', /pages start at 1/],
    ['4-2', /reversed/],
    ['1-13', /beyond the last page \(the document has 12 pages\)/],
    ['13-', /beyond the last page/],
    ['a', /"a" is not a page or a range/],
    ['1,,2', /"" is not a page or a range/],
    ['-', /not a page or a range/],
  ] as const) {
    it(`rejects ${JSON.stringify(spec)} clearly`, () => {
      assert.throws(
        () => parsePageRanges(spec, 12),
        (error: unknown) => error instanceof InvalidOptionsError && message.test(error.message),
      );
    });
  }
});

describe('renderToDirectory', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pagestream-render-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const pdf = makePdf([1, 2, 3, 4].map((n) => ({ width: 612, height: 792, lines: [`# Page ${n}`] })));

  it('writes the selected pages as page-NNNN files and returns the run report shape', async () => {
    const outDir = path.join(dir, 'jpeg');
    const seen: RenderedPageReport[] = [];
    const report = await renderToDirectory(pdf, {
      outDir,
      scale: 1,
      imageFormat: 'jpeg',
      pages: '2,4',
      onPage: (page) => seen.push(page),
    });
    assert.deepEqual((await readdir(outDir)).sort(), ['page-0002.jpg', 'page-0004.jpg']);
    assert.ok(startsWith(await readFile(path.join(outDir, 'page-0002.jpg')), SIGNATURES.jpeg));
    assert.equal(seen.length, 2);
    assert.deepEqual(report.inputs, [{ path: '<bytes>', pages: 4, status: 'success', error: null }]);
    assert.deepEqual(
      report.pages.map((p) => [
        p.page,
        p.status,
        p.imageWidth,
        p.imageHeight,
        p.finishReason,
        p.ttftMs,
        p.error,
      ]),
      [
        [2, 'success', 612, 792, null, null, null],
        [4, 'success', 612, 792, null, null, null],
      ],
    );
    assert.equal(report.totals.succeeded, 2);
    assert.equal(report.totals.failed, 0);
    assert.equal(report.totals.promptTokens, null);
    assert.ok(report.totals.pagesPerSecond > 0);
    assert.equal(report.version, 1);
  });

  it('renders every page by default, as PNG, from a path', async () => {
    const outDir = path.join(dir, 'png');
    const file = path.join(dir, 'four.pdf');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, pdf));
    const report = await renderToDirectory(file, { outDir, scale: 0.5 });
    assert.deepEqual(
      (await readdir(outDir)).sort(),
      [1, 2, 3, 4].map((n) => `page-000${n}.png`),
    );
    assert.ok(startsWith(await readFile(path.join(outDir, 'page-0003.png')), SIGNATURES.png));
    assert.equal(report.inputs[0]?.path, file);
    assert.equal(report.totals.pages, 4);
    assert.ok(report.pages.every((page) => page.downscaled === null));
  });

  it('says in the report when maxSize scaled a page below the requested scale', async () => {
    const report = await renderToDirectory(pdf, {
      outDir: path.join(dir, 'capped'),
      scale: 2,
      maxSize: 400,
      pages: [1],
    });
    const [page] = report.pages;
    assert.deepEqual([page?.imageWidth, page?.imageHeight, page?.downscaled], [309, 400, 'max-size']);
  });

  it('rejects pages outside the document before writing anything', async () => {
    const outDir = path.join(dir, 'none');
    await assert.rejects(renderToDirectory(pdf, { outDir, pages: [5] }), InvalidOptionsError);
    await assert.rejects(renderToDirectory(pdf, { outDir, pages: '3-5' }), /beyond the last page/);
    await assert.rejects(readdir(outDir), { code: 'ENOENT' });
  });
});
