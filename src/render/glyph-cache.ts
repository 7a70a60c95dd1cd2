import { createCanvas, type Canvas, type Path2D, type SKRSContext2D } from '@napi-rs/canvas';

/** Options of {@link GlyphCache}. */
export interface GlyphCacheOptions {
  /**
   * Memory the cached bitmaps may hold, counted as 4 bytes per pixel plus {@link BITMAP_OVERHEAD} per
   * bitmap. When a new bitmap would pass it, the whole cache is dropped and refilled from the glyphs
   * drawn next: simpler and cheaper per glyph than an LRU, and documents need less (pdkids.pdf, 55
   * pages of mixed fonts: 1,000 bitmaps, about 22 MB).
   * @default 32_000_000
   */
  readonly maxBytes?: number;
}

/** Counters of a {@link GlyphCache}, for tests and benchmarks. */
export interface GlyphCacheStats {
  /** Glyphs drawn from a bitmap that was already cached. */
  readonly hits: number;
  /** Glyphs whose bitmap had to be rasterized first. */
  readonly misses: number;
  /** Glyph fills the cache declined (too large on the device): the caller filled the path itself. */
  readonly declined: number;
  /** Memory counted for the bitmaps held, as `maxBytes` counts it. */
  readonly bytes: number;
  /** Times the cache was dropped because it was full. */
  readonly clears: number;
}

/** One rasterized glyph: its bitmap and where its top-left pixel sits from the integer origin. */
interface GlyphBitmap {
  readonly canvas: Canvas;
  readonly left: number;
  readonly top: number;
}

/** Cached answer for a glyph that draws nothing (a space) or is too large to cache. */
type Variant = GlyphBitmap | 'empty' | 'declined';

/**
 * Sub-pixel positions per device pixel along the glyph's baseline, as poppler does: a glyph lands at
 * most 1/8 px from a direct fill's place along the line, and on the nearest whole pixel across it (a
 * line's glyphs share their baseline, so they move together). Each position costs a miss, about 50
 * µs (a canvas, a fill, its first snapshot) against 3.5 µs for a hit, so finer positions cost more
 * than they buy. Measured on pdkids.pdf, one cold pass (misses, CPU ms/page render+flush): 4 along
 * and 1 across 1,000 and 28.8; 8x8 3,514 and 33.6-39.5; no cache 38.6-41.7. tracemonkey.pdf page 1 in
 * a fresh document: 61-66 ms, 8x8 150-200 ms, no cache 60-65 ms. Against poppler's renders no
 * fixture's mean |Δ| moved by more than 0.6 grey levels (the largest move was a gain).
 */
const FINE_PHASES = 4;
/**
 * What a bitmap costs beyond its pixels: each is a small @napi-rs/canvas canvas with its own Skia
 * surface and 2D context. Measured: 2,000 glyph-sized canvases (14x18) add 41 MB resident, about 20
 * KB each against 1 KB of pixels, so counting pixels alone let the cache hold 20 times its cap.
 */
const BITMAP_OVERHEAD = 20_000;
/** Glyphs larger than this on the device (pixels, either side) are filled as paths: headings at most. */
const MAX_SIDE = 256;

/**
 * Bitmaps of glyph outlines, rasterized once per (outline, device scale/rotation, sub-pixel phase,
 * colour) and then copied with one `drawImage` at an integer device position, as poppler does.
 *
 * Why: pdf.js in Node (no FontFace) fills every glyph as a `Path2D`, and Skia rasterizes each fill
 * anew: about 6 µs per glyph plus 3 µs of native calls, 2,000 glyphs per text page. A cached bitmap
 * costs one native call and a small blit. The bitmap of a key is the same whichever page rasterized
 * it, so pages render byte for byte the same whether their glyphs were cached or not.
 *
 * Keys hold outlines by identity (a `WeakMap`): pdf.js keeps one `Path2D` per glyph per font for the
 * life of the document, and a font that is dropped takes its bitmaps with it.
 */
export class GlyphCache {
  readonly #maxBytes: number;
  #variants = new WeakMap<Path2D, Map<string, Variant[]>>();
  #hits = 0;
  #misses = 0;
  #declined = 0;
  #bytes = 0;
  #clears = 0;
  // The key of the last device matrix and colour: consecutive glyphs of a line share it.
  #lastA = Number.NaN;
  #lastB = Number.NaN;
  #lastC = Number.NaN;
  #lastD = Number.NaN;
  #lastColour = '';
  #lastKey = '';

  constructor(options: GlyphCacheOptions = {}) {
    this.#maxBytes = options.maxBytes ?? 32_000_000;
  }

  get stats(): GlyphCacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      declined: this.#declined,
      bytes: this.#bytes,
      clears: this.#clears,
    };
  }

  /**
   * Draw `path` filled with `colour` under the device matrix `a b c d e f` onto `target`, whose own
   * transform must be the identity. Returns false, having drawn nothing, when the glyph is too large
   * to cache or the matrix is degenerate: the caller then fills the path itself.
   */
  draw(
    target: SKRSContext2D,
    path: Path2D,
    colour: string,
    a: number,
    b: number,
    c: number,
    d: number,
    e: number,
    f: number,
  ): boolean {
    // The baseline runs along x unless the glyph is turned by more than 45 degrees.
    const along = Math.abs(a) >= Math.abs(b);
    const phasesX = along ? FINE_PHASES : 1;
    const phasesY = along ? 1 : FINE_PHASES;
    const scaledX = Math.round(e * phasesX);
    const scaledY = Math.round(f * phasesY);
    if (!Number.isFinite(scaledX) || !Number.isFinite(scaledY)) return this.#decline();
    const originX = Math.floor(scaledX / phasesX);
    const originY = Math.floor(scaledY / phasesY);
    const phaseX = scaledX - originX * phasesX;
    const phaseY = scaledY - originY * phasesY;
    // The matrix is part of the key, so `along` is the same for every variant of a key.
    const phase = phaseX + phaseY;

    let byMatrix = this.#variants.get(path);
    if (byMatrix === undefined) {
      byMatrix = new Map();
      this.#variants.set(path, byMatrix);
    }
    const key = this.#keyOf(a, b, c, d, colour);
    let variants = byMatrix.get(key);
    if (variants === undefined) {
      variants = [];
      byMatrix.set(key, variants);
    }
    let variant = variants[phase];
    if (variant === undefined) {
      this.#misses++;
      variant = this.#rasterize(path, colour, a, b, c, d, phaseX / phasesX, phaseY / phasesY);
      // Dropping a full cache leaves `variants` detached: this bitmap still draws, once.
      variants[phase] = variant;
    } else if (variant !== 'declined') {
      this.#hits++;
    }
    if (variant === 'declined') return this.#decline();
    if (variant !== 'empty') target.drawImage(variant.canvas, originX + variant.left, originY + variant.top);
    return true;
  }

  #decline(): false {
    this.#declined++;
    return false;
  }

  #keyOf(a: number, b: number, c: number, d: number, colour: string): string {
    if (
      a !== this.#lastA ||
      b !== this.#lastB ||
      c !== this.#lastC ||
      d !== this.#lastD ||
      colour !== this.#lastColour
    ) {
      this.#lastA = a;
      this.#lastB = b;
      this.#lastC = c;
      this.#lastD = d;
      this.#lastColour = colour;
      this.#lastKey = `${a} ${b} ${c} ${d} ${colour}`;
    }
    return this.#lastKey;
  }

  #rasterize(
    path: Path2D,
    colour: string,
    a: number,
    b: number,
    c: number,
    d: number,
    phaseX: number,
    phaseY: number,
  ): Variant {
    const [x0, y0, x1, y1] = path.getBounds();
    if (!(x1 > x0 && y1 > y0)) return 'empty';
    // The outline's bounds on the device, relative to the integer origin.
    const xs = [a * x0 + c * y0, a * x1 + c * y0, a * x0 + c * y1, a * x1 + c * y1];
    const ys = [b * x0 + d * y0, b * x1 + d * y0, b * x0 + d * y1, b * x1 + d * y1];
    // One pixel of margin each side for anti-aliasing.
    const left = Math.floor(Math.min(...xs) + phaseX) - 1;
    const top = Math.floor(Math.min(...ys) + phaseY) - 1;
    const width = Math.ceil(Math.max(...xs) + phaseX) + 1 - left;
    const height = Math.ceil(Math.max(...ys) + phaseY) + 1 - top;
    if (!(width <= MAX_SIDE && height <= MAX_SIDE)) return 'declined';
    const bytes = width * height * 4 + BITMAP_OVERHEAD;
    if (this.#bytes + bytes > this.#maxBytes) {
      this.#variants = new WeakMap();
      this.#bytes = 0;
      this.#clears++;
    }
    this.#bytes += bytes;
    const canvas = createCanvas(width, height);
    const context = canvas.getContext('2d');
    context.setTransform(a, b, c, d, phaseX - left, phaseY - top);
    context.fillStyle = colour;
    context.fill(path);
    return { canvas, left, top };
  }
}
