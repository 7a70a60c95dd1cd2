import type { Canvas } from '@napi-rs/canvas';
import type { ImageFormat } from '../options.js';
import { encodePng } from './encode-png.js';

/** An encoded image and its MIME type. */
export interface EncodedImage {
  readonly data: Uint8Array;
  readonly mimeType: 'image/png' | 'image/jpeg' | 'image/webp';
}

/**
 * Encode a canvas painted on an opaque background. PNG uses the fast encoder in `encode-png.ts`;
 * JPEG and WebP use Skia's, asynchronously so the calling thread keeps working.
 * @param quality JPEG/WebP quality, 0-100. @default 90
 */
export async function encodeCanvas(canvas: Canvas, format: ImageFormat, quality = 90): Promise<EncodedImage> {
  switch (format) {
    case 'png':
      return { data: await encodePng(canvas.data(), canvas.width, canvas.height), mimeType: 'image/png' };
    case 'jpeg':
      return { data: await canvas.encode('jpeg', quality), mimeType: 'image/jpeg' };
    case 'webp':
      return { data: await canvas.encode('webp', quality), mimeType: 'image/webp' };
  }
}
