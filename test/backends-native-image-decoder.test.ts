import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createCanvas } from '@napi-rs/canvas';
import { InThreadPort } from '../src/backends/in-thread-worker.js';
import { NativeImageDecoder, isDecodedImage } from '../src/backends/native-image-decoder.js';
import { openDocument } from '../src/backends/open-document.js';
import { createRenderPool } from '../src/render/render-pool.js';
import { makePdf } from '../src/simulate/pdf-writer.js';
import { decodeGrey, meanAbsoluteDifference, meanGrey } from './helpers/pdf-images.js';
import { PROJECT_ROOT } from './helpers/run-cli.js';
import { fixturePath, needsShared } from './helpers/shared-fixtures.js';

/** A "scanned" page: off-white paper, dark text and a coloured box, as a JPEG. */
function scanJpeg(width: number, height: number, label: string): Uint8Array {
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#f4f1ea';
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#1d4e89';
  context.fillRect(width * 0.1, height * 0.08, width * 0.8, height * 0.1);
  context.fillStyle = '#222222';
  context.font = `${Math.round(height / 40)}px sans-serif`;
  for (let line = 0; line < 20; line++)
    context.fillText(
      `${label} line ${line + 1}: the quick brown fox`,
      width * 0.1,
      height * (0.25 + line * 0.035),
    );
  return canvas.encodeSync('jpeg', 85);
}

function scanPdf(): Uint8Array {
  const page = (label: string, pixelWidth: number, pixelHeight: number) => ({
    width: 595,
    height: 842,
    images: [
      {
        x: 0,
        y: 0,
        width: 595,
        height: 842,
        jpeg: scanJpeg(pixelWidth, pixelHeight, label),
        pixelWidth,
        pixelHeight,
      },
    ],
  });
  return makePdf([page('First', 827, 1170), page('Second', 620, 877)]);
}

describe('native JPEG decoding for pdf.js', () => {
  let dir: string;
  let scan: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pagestream-native-jpeg-'));
    scan = path.join(dir, 'scan.pdf');
    await writeFile(scan, scanPdf());
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('decodes JPEG with Skia into a drawable image and refuses other types', async () => {
    assert.equal(await NativeImageDecoder.isTypeSupported('image/jpeg'), true);
    assert.equal(await NativeImageDecoder.isTypeSupported('image/bmp'), false);
    assert.throws(() => new NativeImageDecoder({ data: new Uint8Array(8), type: 'image/png' }), TypeError);
    const decoder = new NativeImageDecoder({ data: scanJpeg(90, 120, 'x'), type: 'image/jpeg' });
    const { image } = await decoder.decode();
    assert.deepEqual([image.width, image.height], [90, 120]);
    assert.ok(isDecodedImage(image));
    image.close(); // pdf.js closes bitmaps it is done with
    await assert.rejects(new NativeImageDecoder({ data: new Uint8Array(64), type: 'image/jpeg' }).decode());
  });

  it('delivers clones like pdf.js, except decoded images, which pass by reference', async () => {
    const { image } = await new NativeImageDecoder({
      data: scanJpeg(16, 16, 'x'),
      type: 'image/jpeg',
    }).decode();
    const port = new InThreadPort();
    const received: unknown[] = [];
    port.addEventListener('message', (event) => received.push(event.data));
    const pixels = new Uint8Array([1, 2, 3]);
    const plain = { action: 'obj', data: ['img_p0_1', 0, 'Image', { data: pixels, width: 1, height: 1 }] };
    const withImage = {
      action: 'obj',
      data: ['img_p0_2', 0, 'Image', { bitmap: image, data: null, width: 16 }],
    };
    port.postMessage(plain, [pixels.buffer]);
    port.postMessage(withImage, [image]);
    plain.action = 'changed after sending';
    assert.equal(received.length, 0, 'delivered on a later microtask, as a MessagePort does');
    await Promise.resolve();
    await Promise.resolve();
    assert.equal(received.length, 2);
    const [first, second] = received as [typeof plain, typeof withImage];
    assert.equal(first.action, 'obj', 'a clone, not the sender object');
    assert.deepEqual([...(first.data[3] as { data: Uint8Array }).data], [1, 2, 3]);
    assert.equal(pixels.byteLength, 0, 'transferred buffers are detached from the sender');
    assert.notEqual(second, withImage);
    assert.equal((second.data[3] as { bitmap: unknown }).bitmap, image, 'the image itself');
    assert.equal(
      (withImage.data[3] as { bitmap: unknown }).bitmap,
      image,
      "the sender's message is left whole",
    );
    port.terminate();
  });

  it('renders JPEG pages the same as pdf.js decoding them itself, through Skia when installed', async () => {
    const out = path.join(dir, 'native');
    await rm(out, { recursive: true, force: true });
    await mkdir(out);
    const child = path.join(PROJECT_ROOT, 'test/helpers/render-native-jpeg.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, out, scan], {
      cwd: PROJECT_ROOT,
    });
    assert.deepEqual(JSON.parse(stdout), { decodes: 2 }, 'both pages decoded natively');
    // This test process never installs it: pdf.js decodes in JavaScript here.
    const document = await openDocument(scan);
    try {
      for (const page of [1, 2]) {
        const ours = await decodeGrey((await document.renderPage(page, { scale: 1, format: 'png' })).data);
        const native = await decodeGrey(await readFile(path.join(out, `0-${page}.png`)));
        assert.ok(meanGrey(native) < 240, `page ${page} has its scan drawn`);
        const difference = meanAbsoluteDifference(native, ours);
        assert.ok(difference < 0.5, `page ${page}: mean |Δ| ${difference.toFixed(3)}`);
      }
    } finally {
      await document.close();
    }
  });

  it('render workers decode natively and draw what this thread draws', async () => {
    const pool = createRenderPool({ workers: 1 });
    const [pooled, direct] = await Promise.all([
      openDocument(scan, { renderPool: pool }),
      openDocument(scan),
    ]);
    try {
      const a = await decodeGrey((await pooled.renderPage(1, { scale: 1, format: 'png' })).data);
      const b = await decodeGrey((await direct.renderPage(1, { scale: 1, format: 'png' })).data);
      assert.ok(meanAbsoluteDifference(a, b) < 0.5);
    } finally {
      await Promise.all([pooled.close(), direct.close()]);
      await pool.close();
    }
  });

  it(
    'falls back to pdf.js for a damaged scan and renders real scans as pdf.js does',
    needsShared,
    async () => {
      const out = path.join(dir, 'shared');
      await mkdir(out, { recursive: true });
      const files = ['scan-bad.pdf', 'issue7229.pdf'].map((file) => fixturePath('pdfs', file));
      const child = path.join(PROJECT_ROOT, 'test/helpers/render-native-jpeg.ts');
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', child, out, ...files],
        {
          cwd: PROJECT_ROOT,
        },
      );
      assert.ok((JSON.parse(stdout) as { decodes: number }).decodes >= 2, stdout);
      for (const [index, file] of files.entries()) {
        const document = await openDocument(file);
        try {
          const ours = await decodeGrey((await document.renderPage(1, { scale: 1, format: 'png' })).data);
          const native = await decodeGrey(await readFile(path.join(out, `${index}-1.png`)));
          const difference = meanAbsoluteDifference(native, ours);
          assert.ok(difference < 0.5, `${file}: mean |Δ| ${difference.toFixed(3)}`);
        } finally {
          await document.close();
        }
      }
    },
  );
});
