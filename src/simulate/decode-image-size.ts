/** Pixel size and container format of an encoded image. */
export interface ImageSize {
  readonly width: number;
  readonly height: number;
  readonly format: 'png' | 'jpeg' | 'webp';
}

/**
 * Read an image's pixel size from its header bytes alone (PNG IHDR, JPEG SOFn, WebP VP8/VP8L/VP8X),
 * without decoding pixels: the simulated server does this for every request, so it must cost nothing.
 * @returns the size, or `undefined` when the bytes are not a PNG, JPEG or WebP it can read.
 */
export function decodeImageSize(bytes: Uint8Array): ImageSize | undefined {
  if (isPng(bytes)) {
    // The IHDR chunk always comes first: length(4) 'IHDR'(4) then width and height, big-endian.
    if (bytes.length < 24) return undefined;
    return { width: readUint32BE(bytes, 16), height: readUint32BE(bytes, 20), format: 'png' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return readJpegSize(bytes);
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return readWebpSize(bytes);
  return undefined;
}

function isPng(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return signature.every((byte, i) => bytes[i] === byte);
}

function readJpegSize(bytes: Uint8Array): ImageSize | undefined {
  let at = 2;
  while (at + 3 < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] ?? 0;
    // 0xFF fill bytes may pad between segments.
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    // Markers without a length field: TEM, RSTn, SOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // EOI or scan data before any frame header
    const length = readUint16BE(bytes, at + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > bytes.length) return undefined;
      return { width: readUint16BE(bytes, at + 7), height: readUint16BE(bytes, at + 5), format: 'jpeg' };
    }
    at += 2 + length;
  }
  return undefined;
}

function readWebpSize(bytes: Uint8Array): ImageSize | undefined {
  if (bytes.length < 30) return undefined;
  const chunk = ascii(bytes, 12, 4);
  if (chunk === 'VP8 ') {
    // Lossy: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height (little-endian).
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return undefined;
    return {
      width: readUint16LE(bytes, 26) & 0x3fff,
      height: readUint16LE(bytes, 28) & 0x3fff,
      format: 'webp',
    };
  }
  if (chunk === 'VP8L') {
    // Lossless: signature 0x2f, then width-1 and height-1 as two 14-bit fields.
    if (bytes[20] !== 0x2f) return undefined;
    const bits = readUint32LE(bytes, 21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, format: 'webp' };
  }
  if (chunk === 'VP8X') {
    // Extended: flags(4), then canvas width-1 and height-1 as 24-bit little-endian.
    return { width: readUint24LE(bytes, 24) + 1, height: readUint24LE(bytes, 27) + 1, format: 'webp' };
  }
  return undefined;
}

const byteAt = (bytes: Uint8Array, at: number): number => bytes[at] ?? 0;
const readUint16BE = (b: Uint8Array, at: number): number => (byteAt(b, at) << 8) | byteAt(b, at + 1);
const readUint16LE = (b: Uint8Array, at: number): number => byteAt(b, at) | (byteAt(b, at + 1) << 8);
const readUint24LE = (b: Uint8Array, at: number): number =>
  byteAt(b, at) | (byteAt(b, at + 1) << 8) | (byteAt(b, at + 2) << 16);
const readUint32BE = (b: Uint8Array, at: number): number =>
  ((byteAt(b, at) << 24) >>> 0) + ((byteAt(b, at + 1) << 16) | (byteAt(b, at + 2) << 8) | byteAt(b, at + 3));
const readUint32LE = (b: Uint8Array, at: number): number =>
  (readUint24LE(b, at) | (byteAt(b, at + 3) << 24)) >>> 0;

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}
