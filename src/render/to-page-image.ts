import type { PageImage } from '../backends/document-backend.js';
import type { EncodedImage } from './encode-canvas.js';
import type { RenderPlan } from './plan-render.js';

/** Assemble a rendered page's image from its encoding and the plan it was drawn to. */
export function toPageImage(
  page: number,
  encoded: EncodedImage,
  plan: RenderPlan,
  startedAt: number,
): PageImage {
  return {
    page,
    ...encoded,
    width: plan.width,
    height: plan.height,
    scale: plan.scale,
    downscaled: plan.downscaled,
    renderMs: performance.now() - startedAt,
  };
}
