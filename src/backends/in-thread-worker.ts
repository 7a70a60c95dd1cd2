import type { PDFWorker } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { isDecodedImage } from './native-image-decoder.js';
import { loadPdfjs, loadPdfjsWorker } from './load-pdfjs.js';

type Listener = (event: { data: unknown }) => void;
type CloneOptions = NonNullable<Parameters<typeof structuredClone>[1]>;
type Transferables = NonNullable<CloneOptions['transfer']>;

/**
 * The message port that pdf.js's two sides share when its "worker" runs in this thread, as pdf.js's
 * own `LoopbackPort` does: every message is delivered as a structured clone, on a later microtask,
 * to every listener (each side's handler picks out its own). One difference: images decoded by
 * `NativeImageDecoder` travel by reference. pdf.js lists them for transfer, and a Skia image cannot
 * be cloned or transferred, so `LoopbackPort` would throw on them.
 */
export class InThreadPort {
  readonly #listeners = new Set<Listener>();

  postMessage(message: unknown, transfer?: readonly unknown[]): void {
    const data = cloneKeepingImages(message, transfer ?? []);
    void Promise.resolve().then(() => {
      for (const listener of this.#listeners) listener.call(this, { data });
    });
  }

  addEventListener(type: string, listener: Listener): void {
    if (type === 'message') this.#listeners.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    if (type === 'message') this.#listeners.delete(listener);
  }

  terminate(): void {
    this.#listeners.clear();
  }
}

function cloneKeepingImages(message: unknown, transfer: readonly unknown[]): unknown {
  const images = transfer.filter(isDecodedImage);
  if (images.length === 0) return structuredClone(message, { transfer: transfer as Transferables });
  // Only image messages carry one (`{ data: [id, page, 'Image', { bitmap, ... }] }`): small objects.
  const held = new Map<string, unknown>();
  const placeholders = swapImages(message, (image) => {
    const key = `\u0000pagestream-image-${held.size}`;
    held.set(key, image);
    return key;
  });
  const others = transfer.filter((item) => !isDecodedImage(item)) as Transferables;
  const clone = structuredClone(message, { transfer: others });
  const restore = (key: unknown) => (typeof key === 'string' && held.has(key) ? held.get(key) : key);
  for (const [container, key, image] of placeholders)
    (container as Record<string | number, unknown>)[key] = image;
  swapImagesBack(clone, restore);
  return clone;
}

/** A place in a message where an image was: its container and key. */
type Slot = [container: Record<string, unknown> | unknown[], key: string | number, image: unknown];

/** Replace every decoded image inside plain objects and arrays by `keyOf(image)`; return where. */
function swapImages(value: unknown, keyOf: (image: unknown) => string, slots: Slot[] = []): Slot[] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      if (isDecodedImage(item)) {
        slots.push([value, index, item]);
        value[index] = keyOf(item);
      } else swapImages(item, keyOf, slots);
    });
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (isDecodedImage(item)) {
        slots.push([value, key, item]);
        value[key] = keyOf(item);
      } else swapImages(item, keyOf, slots);
    }
  }
  return slots;
}

/** In the clone, turn placeholders back into the images. */
function swapImagesBack(value: unknown, restore: (key: unknown) => unknown): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      value[index] = restore(item);
      swapImagesBack(item, restore);
    });
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      value[key] = restore(item);
      swapImagesBack(item, restore);
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A pdf.js worker whose two sides run in this thread and talk through an {@link InThreadPort}: what
 * pdf.js's "fake worker" is, through its public `PDFWorker({ port })` and `initializeFromPort`.
 * One per document (pdf.js allows one worker per port); the caller destroys it after the document.
 */
export async function startInThreadWorker(): Promise<PDFWorker> {
  const [pdfjs, handler] = await Promise.all([loadPdfjs(), loadPdfjsWorker()]);
  const port = new InThreadPort();
  // Typed as a DOM Worker; pdf.js only calls postMessage, add/removeEventListener and terminate.
  // Errors only, as `PdfBackend` asks of pdf.js: a library must not log recoverable damage.
  const worker = new pdfjs.PDFWorker({ port: port as never, verbosity: pdfjs.VerbosityLevel.ERRORS });
  handler.initializeFromPort(port);
  return worker;
}
