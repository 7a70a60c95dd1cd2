import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCanvas } from '@napi-rs/canvas';
import { decodeImageSize } from '../src/simulate/decode-image-size.js';

describe('decodeImageSize', () => {
  const canvas = createCanvas(321, 123);
  const context = canvas.getContext('2d');
  context.fillStyle = '#336699';
  context.fillRect(10, 10, 200, 80);

  for (const [format, mime] of [
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
  ] as const) {
    it(`reads the size of a real ${format} from its header`, () => {
      const bytes = canvas.toBuffer(mime as 'image/png');
      assert.deepEqual(decodeImageSize(bytes), { width: 321, height: 123, format });
    });
  }

  // @napi-rs/canvas always writes VP8X, so the simple lossy and lossless headers are built by hand.
  const riff = (chunk: string, payload: readonly number[]): Uint8Array => {
    const bytes = new Uint8Array(32);
    bytes.set(Buffer.from('RIFF'), 0);
    bytes.set(Buffer.from(`WEBP${chunk}`), 8);
    bytes.set(payload, 20);
    return bytes;
  };

  it('reads lossy WebP (VP8)', () => {
    const bytes = riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, 1224 & 0xff, 1224 >> 8, 1584 & 0xff, 1584 >> 8]);
    assert.deepEqual(decodeImageSize(bytes), { width: 1224, height: 1584, format: 'webp' });
  });

  it('reads lossless WebP (VP8L)', () => {
    const bits = (1224 - 1) | ((1584 - 1) << 14);
    const bytes = riff('VP8L', [
      0x2f,
      bits & 0xff,
      (bits >> 8) & 0xff,
      (bits >> 16) & 0xff,
      (bits >>> 24) & 0xff,
    ]);
    assert.deepEqual(decodeImageSize(bytes), { width: 1224, height: 1584, format: 'webp' });
  });

  it('reads extended WebP (VP8X) canvas sizes', () => {
    const bytes = new Uint8Array(30);
    bytes.set(Buffer.from('RIFF'), 0);
    bytes.set(Buffer.from('WEBPVP8X'), 8);
    // canvas width-1 = 1223, height-1 = 1583, 24-bit little-endian
    bytes.set([1223 & 0xff, 1223 >> 8, 0, 1583 & 0xff, 1583 >> 8, 0], 24);
    assert.deepEqual(decodeImageSize(bytes), { width: 1224, height: 1584, format: 'webp' });
  });

  it('skips JPEG segments before the frame header (progressive SOF2)', () => {
    const app = [0xff, 0xe1, 0x00, 0x06, 1, 2, 3, 4];
    const sof2 = [0xff, 0xc2, 0x00, 0x11, 8, 0x06, 0x30, 0x04, 0xc8, 3];
    const bytes = new Uint8Array([0xff, 0xd8, ...app, ...sof2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(decodeImageSize(bytes), { width: 1224, height: 1584, format: 'jpeg' });
  });

  it('answers undefined for bytes it cannot read', () => {
    assert.equal(decodeImageSize(Buffer.from('GIF89a not supported')), undefined);
    assert.equal(decodeImageSize(new Uint8Array([0xff, 0xd8, 0xff])), undefined);
    assert.equal(decodeImageSize(new Uint8Array(0)), undefined);
  });
});
