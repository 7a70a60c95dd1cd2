import { DOMMatrix, Path2D, type SKRSContext2D } from '@napi-rs/canvas';
import type { GlyphCache } from './glyph-cache.js';

/** What `save()` keeps that this wrapper tracks itself. */
interface Frame {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
  fillStyle: unknown;
  plain: boolean;
  globalAlpha: number;
  composite: string;
  filter: string;
  shadowless: boolean;
  /** The native transform when this frame's native `save()` was sent (if it was). */
  na: number;
  nb: number;
  nc: number;
  nd: number;
  ne: number;
  nf: number;
}

/**
 * Where pdf.js's glyph sequence `save(); translate(x, y); scale(s, -s); fill(path); restore()` stands:
 * a `fill` at step 3 is a glyph (see `paintChar` in pdf.js). Anything else in between resets it.
 */
const enum GlyphStep {
  None = 0,
  Saved = 1,
  Translated = 2,
  Scaled = 3,
}

/** Methods that read the transform (path building, drawing) but change no saved state. */
const DRAWING_METHODS = [
  'arc',
  'arcTo',
  'beginPath',
  'bezierCurveTo',
  'clearRect',
  'closePath',
  'createConicGradient',
  'createImageData',
  'createLinearGradient',
  'createPattern',
  'createRadialGradient',
  'drawCanvas',
  'drawImage',
  'ellipse',
  'fillRect',
  'fillText',
  'getContextAttributes',
  'getImageData',
  'getLineDash',
  'isPointInPath',
  'isPointInStroke',
  'lineTo',
  'measureText',
  'moveTo',
  'putImageData',
  'quadraticCurveTo',
  'rect',
  'roundRect',
  'stroke',
  'strokeRect',
  'strokeText',
] as const;

/** Methods that change state `save()`/`restore()` keep. */
const STATE_METHODS = ['clip', 'setLineDash'] as const;

/** Properties forwarded as they are; setting one changes state `save()`/`restore()` keep. */
const PROPERTIES = [
  'direction',
  'font',
  'fontKerning',
  'fontStretch',
  'fontVariantCaps',
  'fontVariationSettings',
  'imageSmoothingEnabled',
  'imageSmoothingQuality',
  'lang',
  'letterSpacing',
  'lineCap',
  'lineDashOffset',
  'lineJoin',
  'lineWidth',
  'miterLimit',
  'strokeStyle',
  'textAlign',
  'textBaseline',
  'textRendering',
  'wordSpacing',
] as const;

/** A `DOMMatrix2DInit` as the standard has it: either spelling, every field optional. */
interface MatrixInit {
  a?: number;
  b?: number;
  c?: number;
  d?: number;
  e?: number;
  f?: number;
  m11?: number;
  m12?: number;
  m21?: number;
  m22?: number;
  m41?: number;
  m42?: number;
}

type Method = (...args: unknown[]) => unknown;

function callNative(target: SKRSContext2D, name: string, args: unknown[]): unknown {
  return Reflect.apply(Reflect.get(target, name) as Method, target, args);
}

/**
 * A 2D context for pdf.js that forwards to a real @napi-rs/canvas context and draws glyph fills from a
 * {@link GlyphCache}.
 *
 * Why a wrapper: pdf.js fills each glyph with five native calls (`save`, `translate`, `scale`, `fill`,
 * `restore`) and Skia rasterizes every fill anew. This wrapper keeps the transform in JavaScript,
 * sends it to the native context only before an operation that uses it, and sends a `save()` only
 * once state it keeps (a property, a clip, a dash) is about to change. A glyph then costs one native
 * `drawImage` of a cached bitmap. Glyph fills with anything but a plain colour, full alpha,
 * source-over, no filter and no shadow are filled as paths, exactly as without the wrapper.
 *
 * Transform methods apply non-finite values, as @napi-rs/canvas does (the standard says to ignore
 * them), so that a damaged PDF draws the same with and without the wrapper.
 */
export class DrawingContext {
  readonly #target: SKRSContext2D;
  readonly #glyphs: GlyphCache;
  // The transform pdf.js has set, and the one the native context has.
  #a = 1;
  #b = 0;
  #c = 0;
  #d = 1;
  #e = 0;
  #f = 0;
  #na = 1;
  #nb = 0;
  #nc = 0;
  #nd = 1;
  #ne = 0;
  #nf = 0;
  #fillStyle: unknown = '#000000';
  #globalAlpha = 1;
  #composite = 'source-over';
  #filter = 'none';
  #shadowless = true;
  #plain = true;
  /** Frame objects, reused: `#depth` of them are in use, the first `#nativeDepth` were sent. */
  #frames: Frame[] = [];
  #depth = 0;
  #nativeDepth = 0;
  #step = GlyphStep.None;

  constructor(target: SKRSContext2D, glyphs: GlyphCache) {
    this.#target = target;
    this.#glyphs = glyphs;
    this.#readTracked();
    const { a, b, c, d, e, f } = target.getTransform();
    this.#setTransform(a, b, c, d, e, f);
    this.#noteNative(a, b, c, d, e, f);
  }

  /** This wrapper typed as the context it stands in for. */
  asContext(): SKRSContext2D {
    return this as unknown as SKRSContext2D;
  }

  get canvas(): SKRSContext2D['canvas'] {
    return this.#target.canvas;
  }

  save(): void {
    let frame = this.#frames[this.#depth];
    if (frame === undefined) {
      frame = { ...INITIAL_FRAME };
      this.#frames.push(frame);
    }
    this.#depth++;
    frame.a = this.#a;
    frame.b = this.#b;
    frame.c = this.#c;
    frame.d = this.#d;
    frame.e = this.#e;
    frame.f = this.#f;
    frame.fillStyle = this.#fillStyle;
    frame.plain = this.#plain;
    frame.globalAlpha = this.#globalAlpha;
    frame.composite = this.#composite;
    frame.filter = this.#filter;
    frame.shadowless = this.#shadowless;
    this.#step = GlyphStep.Saved;
  }

  restore(): void {
    this.#step = GlyphStep.None;
    // As the standard says: a restore without a save does nothing.
    if (this.#depth === 0) return;
    const frame = this.#frames[--this.#depth] as Frame;
    if (this.#nativeDepth > this.#depth) {
      this.#nativeDepth = this.#depth;
      this.#target.restore();
      this.#noteNative(frame.na, frame.nb, frame.nc, frame.nd, frame.ne, frame.nf);
    }
    this.#a = frame.a;
    this.#b = frame.b;
    this.#c = frame.c;
    this.#d = frame.d;
    this.#e = frame.e;
    this.#f = frame.f;
    this.#fillStyle = frame.fillStyle;
    this.#plain = frame.plain;
    this.#globalAlpha = frame.globalAlpha;
    this.#composite = frame.composite;
    this.#filter = frame.filter;
    this.#shadowless = frame.shadowless;
  }

  reset(): void {
    this.#target.reset();
    this.#depth = 0;
    this.#nativeDepth = 0;
    this.#step = GlyphStep.None;
    this.#setTransform(1, 0, 0, 1, 0, 0);
    this.#noteNative(1, 0, 0, 1, 0, 0);
    this.#readTracked();
  }

  translate(x: number, y: number): void {
    this.#step = this.#step === GlyphStep.Saved ? GlyphStep.Translated : GlyphStep.None;
    this.#e += this.#a * x + this.#c * y;
    this.#f += this.#b * x + this.#d * y;
  }

  scale(x: number, y: number): void {
    this.#step = this.#step === GlyphStep.Translated && y === -x ? GlyphStep.Scaled : GlyphStep.None;
    this.#a *= x;
    this.#b *= x;
    this.#c *= y;
    this.#d *= y;
  }

  rotate(angle: number): void {
    this.#step = GlyphStep.None;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    this.#multiply(cos, sin, -sin, cos, 0, 0);
  }

  transform(a: number, b: number, c: number, d: number, e: number, f: number): void {
    this.#step = GlyphStep.None;
    this.#multiply(a, b, c, d, e, f);
  }

  setTransform(...args: [MatrixInit?] | [number, number, number, number, number, number]): void {
    this.#step = GlyphStep.None;
    if (typeof args[0] === 'number') {
      this.#setTransform(...(args as [number, number, number, number, number, number]));
      return;
    }
    // A DOMMatrix2DInit, or nothing (the identity), as the standard reads it.
    const init: MatrixInit = args[0] ?? {};
    this.#setTransform(
      init.a ?? init.m11 ?? 1,
      init.b ?? init.m12 ?? 0,
      init.c ?? init.m21 ?? 0,
      init.d ?? init.m22 ?? 1,
      init.e ?? init.m41 ?? 0,
      init.f ?? init.m42 ?? 0,
    );
  }

  resetTransform(): void {
    this.#step = GlyphStep.None;
    this.#setTransform(1, 0, 0, 1, 0, 0);
  }

  getTransform(): DOMMatrix {
    return new DOMMatrix([this.#a, this.#b, this.#c, this.#d, this.#e, this.#f]);
  }

  fill(...args: unknown[]): void {
    const [path] = args;
    if (
      this.#step === GlyphStep.Scaled &&
      args.length === 1 &&
      path instanceof Path2D &&
      this.#plain &&
      typeof this.#fillStyle === 'string'
    ) {
      this.#step = GlyphStep.None;
      this.#sendTransform(1, 0, 0, 1, 0, 0); // the cache draws in device pixels
      const colour = this.#fillStyle;
      if (this.#glyphs.draw(this.#target, path, colour, this.#a, this.#b, this.#c, this.#d, this.#e, this.#f))
        return;
    }
    this.#step = GlyphStep.None;
    this.#sync();
    callNative(this.#target, 'fill', args);
  }

  get fillStyle(): unknown {
    return this.#target.fillStyle;
  }

  set fillStyle(value: unknown) {
    this.#beforeStateChange();
    (this.#target as { fillStyle: unknown }).fillStyle = value;
    this.#fillStyle = this.#target.fillStyle;
  }

  get globalAlpha(): number {
    return this.#target.globalAlpha;
  }

  set globalAlpha(value: number) {
    this.#beforeStateChange();
    this.#target.globalAlpha = value;
    this.#readTracked();
  }

  get globalCompositeOperation(): string {
    return this.#target.globalCompositeOperation;
  }

  set globalCompositeOperation(value: string) {
    this.#beforeStateChange();
    (this.#target as { globalCompositeOperation: string }).globalCompositeOperation = value;
    this.#readTracked();
  }

  get filter(): string {
    return this.#target.filter;
  }

  set filter(value: string) {
    this.#beforeStateChange();
    this.#target.filter = value;
    this.#readTracked();
  }

  /** Send the pending `save()`s: state they keep is about to change. */
  #beforeStateChange(): void {
    this.#step = GlyphStep.None;
    while (this.#nativeDepth < this.#depth) {
      const frame = this.#frames[this.#nativeDepth++] as Frame;
      this.#target.save();
      frame.na = this.#na;
      frame.nb = this.#nb;
      frame.nc = this.#nc;
      frame.nd = this.#nd;
      frame.ne = this.#ne;
      frame.nf = this.#nf;
    }
  }

  /** Give the native context the transform pdf.js has set, if it has another. */
  #sync(): void {
    this.#sendTransform(this.#a, this.#b, this.#c, this.#d, this.#e, this.#f);
  }

  /** Set the native context's transform, unless it has this one already. */
  #sendTransform(a: number, b: number, c: number, d: number, e: number, f: number): void {
    if (
      a === this.#na &&
      b === this.#nb &&
      c === this.#nc &&
      d === this.#nd &&
      e === this.#ne &&
      f === this.#nf
    )
      return;
    this.#target.setTransform(a, b, c, d, e, f);
    this.#noteNative(a, b, c, d, e, f);
  }

  /** Record the transform the native context has. */
  #noteNative(a: number, b: number, c: number, d: number, e: number, f: number): void {
    this.#na = a;
    this.#nb = b;
    this.#nc = c;
    this.#nd = d;
    this.#ne = e;
    this.#nf = f;
  }

  #setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void {
    this.#a = a;
    this.#b = b;
    this.#c = c;
    this.#d = d;
    this.#e = e;
    this.#f = f;
  }

  /** This transform times (a b c d e f), as `transform()` does. */
  #multiply(a: number, b: number, c: number, d: number, e: number, f: number): void {
    const a0 = this.#a;
    const b0 = this.#b;
    const c0 = this.#c;
    const d0 = this.#d;
    this.#a = a0 * a + c0 * b;
    this.#b = b0 * a + d0 * b;
    this.#c = a0 * c + c0 * d;
    this.#d = b0 * c + d0 * d;
    this.#e += a0 * e + c0 * f;
    this.#f += b0 * e + d0 * f;
  }

  /** Read back what the native context made of the properties that decide glyph caching. */
  #readTracked(): void {
    const target = this.#target;
    this.#fillStyle = target.fillStyle;
    this.#globalAlpha = target.globalAlpha;
    this.#composite = target.globalCompositeOperation;
    this.#filter = target.filter;
    this.#shadowless =
      target.shadowBlur === 0 && target.shadowOffsetX === 0 && target.shadowOffsetY === 0
        ? true
        : target.shadowColor === 'rgba(0, 0, 0, 0)' || target.shadowColor === 'transparent';
    this.#plain =
      this.#globalAlpha === 1 &&
      this.#composite === 'source-over' &&
      (this.#filter === 'none' || this.#filter === '') &&
      this.#shadowless;
  }

  static {
    const prototype = DrawingContext.prototype as unknown as Record<string, unknown>;
    for (const name of DRAWING_METHODS)
      Object.defineProperty(prototype, name, {
        configurable: true,
        // pdf.js replaces some methods on the context it draws groups with (`mirrorContextOperations`).
        writable: true,
        value: function (this: DrawingContext, ...args: unknown[]): unknown {
          this.#step = GlyphStep.None;
          this.#sync();
          return callNative(this.#target, name, args);
        },
      });
    for (const name of STATE_METHODS)
      Object.defineProperty(prototype, name, {
        configurable: true,
        writable: true,
        value: function (this: DrawingContext, ...args: unknown[]): unknown {
          this.#beforeStateChange();
          this.#sync();
          return callNative(this.#target, name, args);
        },
      });
    for (const name of [
      ...PROPERTIES,
      'shadowBlur',
      'shadowColor',
      'shadowOffsetX',
      'shadowOffsetY',
    ] as const)
      Object.defineProperty(prototype, name, {
        configurable: true,
        get(this: DrawingContext): unknown {
          return this.#target[name];
        },
        set(this: DrawingContext, value: unknown): void {
          this.#beforeStateChange();
          (this.#target as unknown as Record<string, unknown>)[name] = value;
          if (name.startsWith('shadow')) this.#readTracked();
        },
      });
  }
}

const INITIAL_FRAME: Frame = {
  a: 1,
  b: 0,
  c: 0,
  d: 1,
  e: 0,
  f: 0,
  fillStyle: '#000000',
  plain: true,
  globalAlpha: 1,
  composite: 'source-over',
  filter: 'none',
  shadowless: true,
  na: 1,
  nb: 0,
  nc: 0,
  nd: 1,
  ne: 0,
  nf: 0,
};
