import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { makePdf } from '../src/simulate/pdf-writer.js';
import { SIGNATURES, startsWith } from './helpers/pdf-images.js';
import { PROJECT_ROOT, runCli } from './helpers/run-cli.js';

describe('pagestream render (the built CLI)', () => {
  let dir: string;
  let pdf: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pagestream-cli-render-'));
    pdf = path.join(dir, 'three.pdf');
    await writeFile(
      pdf,
      makePdf([
        { width: 612, height: 792, lines: ['# One', 'The first page.'] },
        { width: 792, height: 612, lines: ['# Two', 'A landscape page.'] },
        { width: 300, height: 400, lines: ['# Three'] },
      ]),
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const pagesIn = async (folder: string) =>
    (await readdir(folder)).filter((f) => f.startsWith('page-')).sort();

  it('renders the same bytes on worker threads as in this thread, with a report of each page size', async () => {
    const pooled = path.join(dir, 'pooled');
    const inProcess = path.join(dir, 'in-process');
    const [a, b] = await Promise.all([
      runCli(['render', pdf, '--out-dir', pooled, '--workers', '2', '--report', `${pooled}.json`]),
      runCli(['render', pdf, '--out-dir', inProcess, '--workers', '0', '--quiet']),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(a.stderr + b.stderr, '', 'no progress or errors without a TTY');
    const files = await pagesIn(pooled);
    assert.deepEqual(files, ['page-0001.png', 'page-0002.png', 'page-0003.png']);
    assert.deepEqual(await pagesIn(inProcess), files);
    for (const file of files) {
      const bytes = await readFile(path.join(pooled, file));
      assert.ok(startsWith(bytes, SIGNATURES.png), file);
      assert.ok(bytes.equals(await readFile(path.join(inProcess, file))), `${file} differs between modes`);
    }
    const report = JSON.parse(await readFile(`${pooled}.json`, 'utf8')) as {
      pages: { page: number; status: string; imageWidth: number; imageHeight: number; file: string }[];
      totals: { succeeded: number; failed: number };
    };
    assert.deepEqual(
      report.pages.map((p) => [p.page, p.status, p.imageWidth, p.imageHeight, path.basename(p.file)]),
      [
        [1, 'success', 1224, 1584, 'page-0001.png'],
        [2, 'success', 1584, 1224, 'page-0002.png'],
        [3, 'success', 600, 800, 'page-0003.png'],
      ],
    );
    assert.deepEqual(report.totals, { ...report.totals, succeeded: 3, failed: 0 });
  });

  it('writes only the selected pages, as JPEG when asked', async () => {
    const out = path.join(dir, 'jpeg');
    const result = await runCli([
      'render',
      pdf,
      '--out-dir',
      out,
      '--pages',
      '2-3',
      '--image-format',
      'jpeg',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const files = await pagesIn(out);
    assert.deepEqual(files, ['page-0002.jpg', 'page-0003.jpg']);
    for (const file of files) assert.ok(startsWith(await readFile(path.join(out, file)), SIGNATURES.jpeg));
  });

  it('refuses a bad --workers value with exit 2 and one error line, writing nothing', async () => {
    for (const value of ['=-1', ' two', ' 1.5', ' -1']) {
      const out = path.join(dir, `bad-workers-${value.trim()}`);
      const flag = value.startsWith('=') ? [`--workers${value}`] : ['--workers', value.trim()];
      const result = await runCli(['render', pdf, '--out-dir', out, ...flag]);
      assert.equal(result.code, 2, `${value}: ${result.stderr}`);
      // `--workers -1` looks like a flag to parseArgs, which explains that over three lines.
      assert.match(
        result.stderr,
        value === ' -1' ? /--workers/ : /--workers: expected a whole number 0 or more/,
      );
      assert.match(result.stderr, /^error: INVALID_OPTIONS: /);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      await assert.rejects(readdir(out), { code: 'ENOENT' });
    }
  });

  it('refuses pages the document does not have with exit 2, writing nothing', async () => {
    const out = path.join(dir, 'bad-pages');
    const result = await runCli(['render', pdf, '--out-dir', out, '--pages', '2-4']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^error: INVALID_OPTIONS: invalid pages "2-4": .*the document has 3 pages/);
    await assert.rejects(readdir(out), { code: 'ENOENT' });
  });

  it('exits 3 for a file that is not a readable document', async () => {
    const broken = path.join(dir, 'broken.pdf');
    await writeFile(broken, '%PDF-1.7\nthis is not a PDF body\n');
    const result = await runCli(['render', broken, '--out-dir', path.join(dir, 'broken')]);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /^error: INVALID_DOCUMENT: /);
  });
});

// bin.ts turns off @napi-rs/canvas's system font scan (0.3 s, 190 MB) before any command loads; that
// only works while loading the CLI's entry loads no Skia, so a static import of it there would undo it.
it('loading the CLI entry point loads no Skia until a command needs it', async () => {
  const script = `
    const skia = () => process.report.getReport().sharedObjects.filter((file) => file.includes('skia')).length;
    await import('./dist/cli/main.js');
    const before = skia();
    await import('@napi-rs/canvas');
    console.log(JSON.stringify([before, skia()]));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    cwd: PROJECT_ROOT,
  });
  assert.deepEqual(JSON.parse(stdout), [0, 1]);
});
