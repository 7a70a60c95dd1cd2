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
  if (!transfer.some(isDecodedImage))
    return structuredClone(message, { transfer: transfer as Transferables });
  // Only image messages carry one (`{ data: [id, page, 'Image', { bitmap, ... }] }`): small objects.
  // The images step aside for placeholders while the rest is cloned, then take their places again.
  const images = new Map<string, unknown>();
  const toPlaceholder = (item: unknown) => {
    if (!isDecodedImage(item)) return item;
    const key = `\u0000pagestream-image-${images.size}`;
    images.set(key, item);
    return key;
  };
  const toImage = (item: unknown) => (typeof item === 'string' && images.has(item) ? images.get(item) : item);
  substitute(message, toPlaceholder);
  let clone: unknown;
  try {
    clone = structuredClone(message, {
      transfer: transfer.filter((item) => !isDecodedImage(item)) as Transferables,
    });
  } finally {
    substitute(message, toImage); // the sender's message is left as it was
  }
  substitute(clone, toImage);
  return clone;
}

/** Put `replace(item)` in place of every item of plain objects and arrays it changes; look inside the rest. */
function substitute(value: unknown, replace: (item: unknown) => unknown): void {
  const entries = Array.isArray(value)
    ? [...value.entries()]
    : isPlainObject(value)
      ? Object.entries(value)
      : [];
  for (const [key, item] of entries) {
    const replaced = replace(item);
    if (replaced !== item) (value as Record<string | number, unknown>)[key] = replaced;
    else substitute(item, replace);
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
  const handler = await loadPdfjsWorker(); // loads pdf.js with it
  const pdfjs = await loadPdfjs();
  const port = new InThreadPort();
  // Typed as a DOM Worker; pdf.js only calls postMessage, add/removeEventListener and terminate.
  // Errors only, as `PdfBackend` asks of pdf.js: a library must not log recoverable damage.
  const worker = new pdfjs.PDFWorker({ port: port as never, verbosity: pdfjs.VerbosityLevel.ERRORS });
  handler.initializeFromPort(port);
  return worker;
}
