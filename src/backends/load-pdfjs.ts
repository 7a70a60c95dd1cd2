import { createRequire } from 'node:module';
import path from 'node:path';

/** The pdf.js module (legacy build: the one that runs in Node). */
export type Pdfjs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let pdfjs: Promise<Pdfjs> | undefined;

/** Import pdf.js once, on first use, so opening images never loads it. */
export function loadPdfjs(): Promise<Pdfjs> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjs;
}

let assets: PdfjsAssets | undefined;

/** Folders of the installed pdfjs-dist that pdf.js reads in Node (file paths ending in `/`). */
export interface PdfjsAssets {
  readonly standardFontDataUrl: string;
  readonly cMapUrl: string;
  readonly wasmUrl: string;
}

/**
 * Locate pdf.js's font data, CMaps and WebAssembly decoders in the installed package. Without them
 * pdf.js falls back to worse output: substitute fonts for non-embedded base-14 fonts, no CJK CMaps,
 * and a slow JavaScript CCITT/JBIG2/JPX decoder. In Node these are plain paths: pdf.js reads them
 * with `fs`.
 */
export function pdfjsAssets(): PdfjsAssets {
  if (assets) return assets;
  const require = createRequire(import.meta.url);
  const root = path.dirname(require.resolve('pdfjs-dist/package.json'));
  const dir = (name: string) => path.join(root, name) + path.sep;
  assets = { standardFontDataUrl: dir('standard_fonts'), cMapUrl: dir('cmaps'), wasmUrl: dir('wasm') };
  return assets;
}
