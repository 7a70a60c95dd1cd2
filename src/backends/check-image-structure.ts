import zlib from 'node:zlib';

/**
 * Largest image decoded, in pixels (400 MB as RGBA). The pixel budget scales a render down only after
 * decoding, and Skia aborts the whole process (an assertion, nothing to catch) when it cannot allocate a
 * bitmap, so an image that declares more pixels (a "decompression bomb": a few KB of zeros declaring
 * 60000 x 60000) is refused before decoding.
 */
export const MAX_IMAGE_PIXELS = 100_000_000;

/**
 * Check that an image file is structurally whole before Skia decodes it: @napi-rs/canvas 0.1.100
 * crashes the whole process (SIGSEGV, nothing to catch) on truncated PNG, JPEG and WebP data, so a
 * damaged input must be refused here. This walks the container only (PNG chunks and their CRCs, JPEG
 * segments up to the end-of-image marker, the RIFF size of WebP); it does not decode pixels. It also
 * refuses an image whose header declares more than `maxPixels` pixels: decoding it would need gigabytes.
 *
 * @param maxPixels - largest declared width x height accepted. @default MAX_IMAGE_PIXELS
 * @returns why the image is refused, or `undefined` when its structure is whole and its size decodable.
 */
export function checkImageStructure(
  bytes: Uint8Array,
  format: 'png' | 'jpeg' | 'webp',
  maxPixels: number = MAX_IMAGE_PIXELS,
): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sized: { width: number; height: number } = { width: 0, height: 0 };
  const damage =
    format === 'png'
      ? checkPng(bytes, view, sized)
      : format === 'jpeg'
        ? checkJpeg(bytes, view, sized)
        : checkWebp(bytes, view, sized);
  if (damage !== undefined) return damage;
  const pixels = sized.width * sized.height;
  if (pixels > maxPixels) {
    const mp = (n: number) => `${(n / 1e6).toFixed(0)} MP`;
    return `the image is ${sized.width} x ${sized.height} pixels (${mp(pixels)}), more than the ${mp(maxPixels)} pagestream decodes; scale it down first`;
  }
  return undefined;
}

interface Size {
  width: number;
  height: number;
}

function checkPng(bytes: Uint8Array, view: DataView, size: Size): string | undefined {
  let offset = 8;
  let chunks = 0;
  let sawData = false;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const end = offset + 12 + length;
    if (end > bytes.length) return `the ${type} chunk is cut off (the file is truncated)`;
    if (chunks === 0 && (type !== 'IHDR' || length !== 13)) return 'the PNG header (IHDR) is missing';
    if (chunks === 0) {
      size.width = view.getUint32(offset + 8);
      size.height = view.getUint32(offset + 12);
    }
    const crc = zlib.crc32(bytes.subarray(offset + 4, offset + 8 + length));
    if (crc !== view.getUint32(offset + 8 + length)) return `the ${type} chunk is damaged (bad CRC)`;
    if (type === 'IDAT') sawData = true;
    if (type === 'IEND') return sawData ? undefined : 'the PNG has no image data';
    chunks++;
    offset = end;
  }
  return 'the PNG ends before its IEND chunk (the file is truncated)';
}

function checkJpeg(bytes: Uint8Array, view: DataView, size: Size): string | undefined {
  let offset = 2;
  let sawFrame = false;
  // Marker segments up to the first scan; after it, entropy-coded data runs to the EOI marker.
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return 'the JPEG structure is damaged (marker expected)';
    const marker = bytes[offset + 1] ?? 0;
    if (marker === 0xff) {
      offset++;
      continue;
    }
    const length = view.getUint16(offset + 2);
    if (length < 2 || offset + 2 + length > bytes.length)
      return 'a JPEG segment is cut off (the file is truncated)';
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (length < 8 || view.getUint16(offset + 5) === 0 || view.getUint16(offset + 7) === 0)
        return 'the JPEG frame header is damaged';
      sawFrame = true;
      size.height = view.getUint16(offset + 5);
      size.width = view.getUint16(offset + 7);
    }
    if (marker === 0xda) {
      if (!sawFrame) return 'the JPEG has no frame header';
      for (let i = bytes.length - 2; i >= offset + 2 + length; i--) {
        if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return undefined;
      }
      return 'the JPEG ends before its end-of-image marker (the file is truncated)';
    }
    offset += 2 + length;
  }
  return 'the JPEG ends before its image data (the file is truncated)';
}

function checkWebp(bytes: Uint8Array, view: DataView, size: Size): string | undefined {
  if (bytes.length < 20) return 'the WebP header is cut off (the file is truncated)';
  const riffSize = view.getUint32(4, true);
  if (riffSize + 8 > bytes.length) return 'the WebP ends before its declared size (the file is truncated)';
  let offset = 12;
  while (offset + 8 <= riffSize + 8) {
    const type = String.fromCharCode(...bytes.subarray(offset, offset + 4));
    const length = view.getUint32(offset + 4, true);
    if (offset + 8 + length > riffSize + 8)
      return `the WebP ${type.trim()} chunk is cut off (the file is truncated)`;
    const data = offset + 8;
    // The extended header's canvas size wins: it is what a decoder allocates for animations too.
    if (type === 'VP8X' && length >= 10 && size.width === 0) {
      size.width = 1 + (view.getUint32(data + 4, true) & 0xffffff);
      size.height = 1 + (view.getUint32(data + 6, true) >>> 8);
    }
    if (type === 'VP8 ' || type === 'VP8L') {
      if (length < 10) return 'the WebP image data is damaged';
      if (size.width === 0 && type === 'VP8 ') {
        size.width = view.getUint16(data + 6, true) & 0x3fff;
        size.height = view.getUint16(data + 8, true) & 0x3fff;
      } else if (size.width === 0) {
        const bits = view.getUint32(data + 1, true);
        size.width = 1 + (bits & 0x3fff);
        size.height = 1 + ((bits >>> 14) & 0x3fff);
      }
      return undefined;
    }
    offset += 8 + length + (length % 2);
  }
  return 'the WebP has no image data';
}
