import type { PageImage } from '../backends/document-backend.js';
import type { PageResult } from './conversion-event.js';

/** What a page result says about the image that was sent for it. */
export function pageImageFields(
  image: PageImage,
): Pick<PageResult, 'imageWidth' | 'imageHeight' | 'downscaled' | 'renderMs'> {
  return {
    imageWidth: image.width,
    imageHeight: image.height,
    downscaled: image.downscaled ?? null,
    renderMs: image.renderMs,
  };
}
