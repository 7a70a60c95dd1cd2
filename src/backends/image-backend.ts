import { createCanvas, loadImage, type Image } from '@napi-rs/canvas';
import { DocumentError, RenderError } from '../errors.js';
import { encodeCanvas } from '../render/encode-canvas.js';
import { planRender } from '../render/plan-render.js';
import { checkImageStructure } from './check-image-structure.js';
import type { DocumentBackend, PageImage, PageInfo, RenderOptions } from './document-backend.js';
import { toPageImage } from '../render/to-page-image.js';

/**
 * A PNG, JPEG or WebP image as a one-page document. Its page is the image at its own pixel size:
 * `scale` does not apply (enlarging a bitmap adds no detail); `maxSize` and the pixel budget do.
 * Transparent images are flattened onto white, like PDF pages.
 */
export class ImageBackend implements DocumentBackend {
  readonly source: string;
  readonly format: 'png' | 'jpeg' | 'webp';
  readonly pageCount = 1;
  #image: Image | undefined;

  private constructor(source: string, format: 'png' | 'jpeg' | 'webp', image: Image) {
    this.source = source;
    this.format = format;
    this.#image = image;
  }

  /** Decode image bytes. @throws DocumentError `INVALID_DOCUMENT` when the image cannot be decoded. */
  static async open(bytes: Uint8Array, name: string, format: 'png' | 'jpeg' | 'webp'): Promise<ImageBackend> {
    const damage = checkImageStructure(bytes, format);
    if (damage !== undefined)
      throw new DocumentError('INVALID_DOCUMENT', name, `cannot decode the image: ${damage}`);
    let image: Image;
    try {
      image = await loadImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (error) {
      throw new DocumentError('INVALID_DOCUMENT', name, `cannot decode the ${format.toUpperCase()} image`, {
        cause: error,
      });
    }
    if (!(image.width > 0 && image.height > 0))
      throw new DocumentError('INVALID_DOCUMENT', name, `cannot decode the ${format.toUpperCase()} image`);
    return new ImageBackend(name, format, image);
  }

  pageInfo(page: number, signal?: AbortSignal): Promise<PageInfo> {
    signal?.throwIfAborted();
    const image = this.#imageFor(page);
    return Promise.resolve({ page, width: image.width, height: image.height, rotation: 0, valid: true });
  }

  async renderPage(page: number, options: RenderOptions, signal?: AbortSignal): Promise<PageImage> {
    signal?.throwIfAborted();
    const started = performance.now();
    const image = this.#imageFor(page);
    const plan = planRender(image.width, image.height, { ...options, scale: 1 });
    const canvas = createCanvas(plan.width, plan.height);
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, plan.width, plan.height);
    context.drawImage(image, 0, 0, plan.width, plan.height);
    const encoded = await encodeCanvas(canvas, options.format, options.quality);
    signal?.throwIfAborted();
    return toPageImage(page, encoded, plan, started);
  }

  textLayer(_page: number, signal?: AbortSignal): Promise<undefined> {
    signal?.throwIfAborted();
    return Promise.resolve(undefined);
  }

  close(): Promise<void> {
    this.#image = undefined;
    return Promise.resolve();
  }

  #imageFor(page: number): Image {
    if (!this.#image) throw new RenderError(page, 'the document is closed');
    if (page !== 1) throw new RenderError(page, 'no such page (an image has 1 page)');
    return this.#image;
  }
}
