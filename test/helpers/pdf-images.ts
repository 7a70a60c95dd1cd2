import { createCanvas, loadImage } from '@napi-rs/canvas';

/** An image decoded to 8-bit grey, for comparing renders with reference images. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly grey: Uint8Array;
}

/** Decode PNG/JPEG/WebP bytes to grey (Rec. 601 luma), composited on white. */
export async function decodeGrey(bytes: Uint8Array): Promise<GreyImage> {
  const image = await loadImage(Buffer.from(bytes));
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, image.width, image.height);
  context.drawImage(image, 0, 0);
  const rgba = context.getImageData(0, 0, image.width, image.height).data;
  const grey = new Uint8Array(image.width * image.height);
  for (let i = 0; i < grey.length; i++) {
    grey[i] = Math.round(0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!);
  }
  return { width: image.width, height: image.height, grey };
}

/**
 * Mean absolute difference of grey levels over the area both images cover (renderers may round the
 * page size to whole pixels differently, so sizes can differ by a pixel).
 */
export function meanAbsoluteDifference(a: GreyImage, b: GreyImage): number {
  const width = Math.min(a.width, b.width);
  const height = Math.min(a.height, b.height);
  let sum = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) sum += Math.abs(a.grey[y * a.width + x]! - b.grey[y * b.width + x]!);
  }
  return sum / (width * height);
}

/** Mean grey level: 255 is a blank white page. */
export function meanGrey(image: GreyImage): number {
  let sum = 0;
  for (const value of image.grey) sum += value;
  return sum / image.grey.length;
}

/** Magic bytes of the image formats the renderer writes. */
export const SIGNATURES = {
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  jpeg: [0xff, 0xd8, 0xff],
  webp: [0x52, 0x49, 0x46, 0x46],
} as const;

/** True when `bytes` start with `signature`. */
export function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((byte, i) => bytes[i] === byte);
}
