import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import zlib from 'node:zlib';
import { createCanvas } from '@napi-rs/canvas';
import { MAX_IMAGE_PIXELS, checkImageStructure } from '../src/backends/check-image-structure.js';
import { openDocument } from '../src/backends/open-document.js';
import { main } from '../src/cli/main.js';
import { DocumentError } from '../src/errors.js';
import type { RunReport } from '../src/pipeline/build-run-report.js';
import { DEFAULT_PIXEL_BUDGET } from '../src/render/plan-render.js';
import { makePdf } from '../src/simulate/pdf-writer.js';
import { startSimulatedServer } from '../src/simulate/start-simulated-server.js';
import type { SimulatedServer } from '../src/simulate/start-simulated-server.js';
import { runCli } from './helpers/run-cli.js';

/** A PNG chunk with its length and CRC. */
function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A decompression bomb: a structurally whole PNG of a few KB that declares `size` x `size` pixels.
 * Skia aborts the whole process (SIGILL, nothing to catch) when it tries to allocate the bitmap.
 */
function pngBomb(size: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(Buffer.alloc((size * 3 + 1) * 4))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A minimal valid PDF whose page tree is empty (/Count 0): makePdf refuses to write one. */
function zeroPagePdf(): Buffer {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>'];
  let text = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(text.length);
    text += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = text.length;
  text += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  text += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  text += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(text, 'latin1');
}

/** A 3-page PDF whose last page object is no dictionary; every xref offset stays right. */
function brokenLastPagePdf(): Buffer {
  const text = Buffer.from(
    makePdf([1, 2, 3].map((n) => ({ width: 300, height: 400, lines: [`# Page ${n}`] }))),
  ).toString('latin1');
  // Objects: 1 catalog, 2 pages, 3-4 fonts, then page/content pairs: page 3 is object 9.
  const at = text.indexOf('9 0 obj');
  const start = text.indexOf('<<', at);
  const end = text.indexOf('endobj', at);
  return Buffer.from(text.slice(0, start) + '(broken)'.padEnd(end - start, ' ') + text.slice(end), 'latin1');
}

/** Run the CLI in this process (the whole command path, captured streams); exit code and output. */
async function runInProcess(argv: readonly string[]) {
  const capture = () => {
    const stream = new PassThrough();
    let text = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    return { stream, text: () => text };
  };
  const stdout = capture();
  const stderr = capture();
  const code = await main(argv, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: {},
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('bad inputs: one clear line, the contract exit code, no stack, no hang', () => {
  let dir: string;
  let server: SimulatedServer;
  const file = (name: string) => path.join(dir, name);
  const inputs: Record<string, string> = {};

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pagestream-bad-'));
    server = await startSimulatedServer({ timeScale: 0.01, seed: 11 });
    const good = makePdf([
      { width: 300, height: 400, lines: ['# Good one'] },
      { width: 300, height: 400, lines: ['# Good two'] },
    ]);
    const canvas = createCanvas(40, 30);
    canvas.getContext('2d').fillRect(5, 5, 20, 10);
    const png = canvas.encodeSync('png');
    const files: Record<string, Uint8Array | string> = {
      'good.pdf': good,
      'notes.pdf': 'just some text that is named .pdf',
      'empty.pdf': '',
      'zero-pages.pdf': zeroPagePdf(),
      'truncated.pdf': good.subarray(0, Math.floor(good.length * 0.6)),
      'broken-page.pdf': brokenLastPagePdf(),
      'picture.gif': Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
      'bomb.png': pngBomb(60_000),
      'cut.png': png.subarray(0, png.length - 20),
    };
    for (const [name, bytes] of Object.entries(files)) {
      await writeFile(file(name), bytes);
      inputs[name] = file(name);
    }
    await mkdir(file('folder.pdf'));
    inputs['folder.pdf'] = file('folder.pdf');
    inputs['missing.pdf'] = file('missing.pdf');
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const connect = () => ['--url', server.url, '--enable-remote-services', '--scale', '1'];

  // Each input alone: [name, exit code, the one error line].
  const single: [string, number, RegExp][] = [
    ['notes.pdf', 3, /^error: UNSUPPORTED_FORMAT: .*notes\.pdf: not a PDF, PNG, JPEG or WebP file/],
    ['empty.pdf', 3, /^error: INVALID_DOCUMENT: .*empty\.pdf: is empty \(0 bytes\)/],
    ['zero-pages.pdf', 3, /^error: INVALID_DOCUMENT: .*zero-pages\.pdf: .*no pages/],
    ['missing.pdf', 3, /^error: INPUT_NOT_FOUND: .*missing\.pdf: no such file/],
    ['folder.pdf', 3, /^error: INVALID_DOCUMENT: .*folder\.pdf: is a directory/],
    ['picture.gif', 3, /^error: UNSUPPORTED_FORMAT: .*picture\.gif: /],
    ['bomb.png', 3, /^error: INVALID_DOCUMENT: .*bomb\.png: .*60000 x 60000 pixels .*more than the 100 MP/],
    ['cut.png', 3, /^error: INVALID_DOCUMENT: .*cut\.png: cannot decode the image: .*truncated/],
    ['broken-page.pdf', 1, /^error: RENDER_FAILED: .*broken-page\.pdf page 3: cannot load the page/],
  ];
  for (const [name, code, line] of single) {
    it(`${name}: exit ${code} and one line on stderr`, async () => {
      const result = await runInProcess(['convert', inputs[name] ?? name, ...connect()]);
      assert.equal(result.code, code, result.stderr);
      const lines = result.stderr.split('\n').filter((text) => text !== '');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0] ?? '', line);
      assert.doesNotMatch(lines[0] ?? '', /page 3: page 3/, 'the page is named once');
    });
  }

  it('a truncated PDF is repaired by pdf.js or refused as INVALID_DOCUMENT; never a crash or a hang', async () => {
    const result = await runInProcess(['convert', inputs['truncated.pdf'] ?? '', ...connect()]);
    if (result.code === 3) assert.match(result.stderr, /^error: INVALID_DOCUMENT: .*truncated\.pdf: /);
    else assert.ok(result.code === 0 || result.code === 1, result.stderr);
  });

  it('all of them in one run of the real CLI: every other input still converted, every input reported', async () => {
    const names = Object.keys(inputs);
    const reportPath = file('report.json');
    const result = await runCli(
      ['convert', ...names.map((name) => inputs[name] ?? name), ...connect(), '--report', reportPath],
      { timeoutMs: 60_000 },
    );
    assert.equal(result.code, 3, result.stderr);
    assert.equal(result.signal, null, 'the process was not killed by a signal (Skia aborts on image bombs)');
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    for (const line of result.stderr.split('\n').filter((text) => text !== ''))
      assert.match(line, /^error: [A-Z_]+: \S/);
    // The simulated model titles each answer with its image size.
    assert.match(result.stdout, /^# Page 300x400$/m);
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as RunReport;
    const byName = new Map(report.inputs.map((input) => [path.basename(input.path), input]));
    assert.deepEqual([...byName.keys()].sort(), names.sort(), 'every input is in the report, once');
    assert.equal(byName.get('good.pdf')?.status, 'success');
    assert.equal(byName.get('broken-page.pdf')?.status, 'partial');
    for (const name of [
      'notes.pdf',
      'empty.pdf',
      'zero-pages.pdf',
      'missing.pdf',
      'folder.pdf',
      'bomb.png',
    ]) {
      assert.equal(byName.get(name)?.status, 'failed', name);
      assert.ok(byName.get(name)?.error?.code, name);
      // Each failed input says so on stderr exactly once.
      assert.equal(result.stderr.split(inputs[name] ?? name).length - 1, 1, `${name}:\n${result.stderr}`);
    }
    const good = report.pages.filter((page) => page.input.endsWith('good.pdf'));
    assert.deepEqual(
      good.map((page) => page.status),
      ['success', 'success'],
    );
  });
});

describe('images too large to decode are refused before decoding', () => {
  it('reads the declared size of PNG, JPEG and WebP headers and refuses more than the limit', () => {
    const canvas = createCanvas(123, 45);
    canvas.getContext('2d').fillRect(1, 1, 50, 20);
    for (const format of ['png', 'jpeg', 'webp'] as const) {
      const bytes = canvas.encodeSync(format as 'png');
      assert.equal(checkImageStructure(bytes, format), undefined, `${format} is whole`);
      assert.equal(checkImageStructure(bytes, format, 123 * 45), undefined, `${format} at the limit`);
      assert.match(checkImageStructure(bytes, format, 123 * 45 - 1) ?? '', /123 x 45 pixels/, format);
    }
    assert.equal(MAX_IMAGE_PIXELS, 100_000_000);
  });

  it('a JPEG that declares 65000 x 65000 is refused as INVALID_DOCUMENT, the process survives', async () => {
    const canvas = createCanvas(16, 16);
    const jpeg = Buffer.from(canvas.encodeSync('jpeg'));
    // Patch the frame header (SOF0: FF C0, length, precision, height, width).
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    jpeg.writeUInt16BE(65_000, sof + 5);
    jpeg.writeUInt16BE(65_000, sof + 7);
    await assert.rejects(openDocument(jpeg, { name: 'huge.jpg' }), (error: unknown) => {
      assert.ok(error instanceof DocumentError && error.code === 'INVALID_DOCUMENT', String(error));
      assert.match(error.message, /65000 x 65000 pixels/);
      return true;
    });
  });
});

describe('a page too large for the requested scale is rendered within the pixel budget, and says so', () => {
  it('a 200-inch poster at scale 2: downscaled "pixel-budget" in the report and a warning on stderr', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pagestream-poster-'));
    const server = await startSimulatedServer({ timeScale: 0.01 });
    try {
      const poster = path.join(dir, 'poster.pdf');
      await writeFile(
        poster,
        makePdf([
          { width: 14_400, height: 14_400, lines: ['# Poster'] },
          { width: 300, height: 400, lines: ['# Small'] },
        ]),
      );
      const reportPath = path.join(dir, 'report.json');
      const result = await runCli(
        [
          'convert',
          poster,
          '--url',
          server.url,
          '--enable-remote-services',
          '--scale',
          '2',
          '--image-format',
          'jpeg',
          '--report',
          reportPath,
        ],
        { timeoutMs: 90_000 },
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stderr,
        /^warning: .*poster\.pdf page 1: rendered at \d+x\d+, below the requested scale, to stay within the 40 MP pixel budget$/m,
      );
      assert.doesNotMatch(result.stderr, /page 2/);
      const report = JSON.parse(await readFile(reportPath, 'utf8')) as RunReport;
      const [big, small] = report.pages;
      assert.equal(big?.downscaled, 'pixel-budget');
      const pixels = (big.imageWidth ?? 0) * (big.imageHeight ?? 0);
      // 28800 x 28800 requested (829 MP, 3.3 GB of RGBA); rendered just under the budget instead.
      assert.ok(pixels <= DEFAULT_PIXEL_BUDGET && pixels > DEFAULT_PIXEL_BUDGET * 0.99, String(pixels));
      assert.equal(small?.downscaled, null);
      assert.deepEqual([small.imageWidth, small.imageHeight], [600, 800]);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
