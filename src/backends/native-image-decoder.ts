import type { Image } from '@napi-rs/canvas';

/** A decoded JPEG as pdf.js receives it from `ImageDecoder#decode()`: drawable, and closable. */
export type DecodedImage = Image & { close(): void };

const decodedImages = new WeakSet<object>();
let decodes = 0;

/**
 * The part of WebCodecs' `ImageDecoder` that pdf.js uses, for JPEG only, decoding with Skia's
 * libjpeg-turbo through @napi-rs/canvas on libuv's threads.
 *
 * Why: pdf.js decodes JPEG images in JavaScript unless the platform has an `ImageDecoder`, and
 * scanned pages are one large JPEG each. On issue7229.pdf (a 1654x2338 scan per page) a page took
 * 404 ms with pdf.js's decoder and 212 ms with this one, rendering the same pixels (mean |Δ| 0.05).
 * pdf.js itself decides which images may go to it: it keeps CMYK, Adobe-transformed and
 * decode-array images, and any image this decoder rejects, on its own decoder.
 */
export class NativeImageDecoder {
  static isTypeSupported(type: string): Promise<boolean> {
    return Promise.resolve(type === 'image/jpeg');
  }

  readonly #data: Uint8Array;

  constructor(init: { readonly data: Uint8Array | ArrayBuffer; readonly type: string }) {
    if (init.type !== 'image/jpeg') throw new TypeError(`unsupported image type ${init.type}`);
    this.#data = init.data instanceof Uint8Array ? init.data : new Uint8Array(init.data);
  }

  async decode(): Promise<{ image: DecodedImage }> {
    // Imported here, not above, so that installing the decoder loads nothing (see src/cli/bin.ts).
    const { loadImage } = await import('@napi-rs/canvas');
    const data = this.#data;
    const image = (await loadImage(
      Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    )) as DecodedImage;
    // pdf.js closes the bitmaps it is done with; Skia's image is freed by the garbage collector.
    image.close = () => undefined;
    decodedImages.add(image);
    decodes++;
    return { image };
  }

  close(): void {
    // Nothing is held between decodes.
  }
}

/**
 * Make {@link NativeImageDecoder} this thread's `ImageDecoder`, before pdf.js loads (it checks once).
 * For threads pagestream owns: render workers and the CLI. A library must not put a browser API
 * into its host's globals (another pdf.js there would start sending images it cannot transfer), so
 * `openDocument` in a program's own thread keeps pdf.js's decoder. Returns whether it is installed.
 */
export function installNativeImageDecoder(): boolean {
  const scope = globalThis as { ImageDecoder?: unknown };
  scope.ImageDecoder ??= NativeImageDecoder;
  return scope.ImageDecoder === NativeImageDecoder;
}

/** Whether this thread's `ImageDecoder` is {@link NativeImageDecoder}. */
export function hasNativeImageDecoder(): boolean {
  return (globalThis as { ImageDecoder?: unknown }).ImageDecoder === NativeImageDecoder;
}

/** Whether `value` is an image {@link NativeImageDecoder} decoded. */
export function isDecodedImage(value: unknown): value is DecodedImage {
  return typeof value === 'object' && value !== null && decodedImages.has(value);
}

/** Images decoded in this thread so far (tests and benchmarks). */
export function nativeImageDecodes(): number {
  return decodes;
}
