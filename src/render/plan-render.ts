/** Largest pixel count one render allocates unless told otherwise: 40 MP is 160 MB of RGBA. */
export const DEFAULT_PIXEL_BUDGET = 40_000_000;

/** The size a page will be rendered at, and whether it had to be reduced. */
export interface RenderPlan {
  /** Scale actually applied to the page's size at scale 1. */
  readonly scale: number;
  readonly width: number;
  readonly height: number;
  readonly downscaled?: 'max-size' | 'pixel-budget' | undefined;
}

/**
 * Decide the render size of a page that measures `width` x `height` at scale 1: apply `scale`, then
 * cap the longest edge at `maxSize` (aspect kept), then keep the pixel count within `pixelBudget` so an
 * absurd page (a 200-inch poster at scale 2) cannot allocate gigabytes. Sizes are whole pixels, at
 * least 1.
 */
export function planRender(
  width: number,
  height: number,
  options: { scale: number; maxSize?: number | undefined; pixelBudget?: number | undefined },
): RenderPlan {
  let scale = options.scale;
  let downscaled: RenderPlan['downscaled'];
  const longest = Math.max(width, height);
  if (options.maxSize !== undefined && longest * scale > options.maxSize) {
    scale = options.maxSize / longest;
    downscaled = 'max-size';
  }
  const budget = options.pixelBudget ?? DEFAULT_PIXEL_BUDGET;
  if (width * height * scale * scale > budget) {
    scale = Math.sqrt(budget / (width * height));
    downscaled = 'pixel-budget';
  }
  // Floor, not round: rounding up could exceed maxSize or the budget by a pixel.
  const size = (edge: number) => Math.max(1, Math.floor(edge * scale + 1e-6));
  return { scale, width: size(width), height: size(height), downscaled };
}
