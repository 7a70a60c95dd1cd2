import { createRequire } from 'node:module';
import path from 'node:path';

/** The pdf.js module (legacy build: the one that runs in Node). */
export type Pdfjs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let pdfjs: Promise<Pdfjs> | undefined;

/**
 * Import pdf.js once, on first use, so opening images never loads it.
 *
 * The legacy bundles carry core-js, which on Node 20 replaces built-ins it judges non-conforming for
 * the whole process, not only for pdf.js (see {@link REPLACED_NATIVES}). pdf.js does not need the
 * replacements, so the natives are put back once both bundles are loaded. What core-js only adds
 * (`Map.prototype.getOrInsertComputed`, `Promise.withResolvers`, ...) stays: pdf.js uses those. The
 * worker bundle is loaded here too, and handed to pdf.js through `globalThis.pdfjsWorker` (its
 * documented hook for running the worker in this thread), because pdf.js would otherwise import it on
 * the first `getDocument` and patch again.
 */
export function loadPdfjs(): Promise<Pdfjs> {
  pdfjs ??= importKeepingNatives();
  return pdfjs;
}

/**
 * Built-ins that core-js replaces on Node 20, and what that cost:
 * - `JSON.parse`/`JSON.stringify` (no `JSON.rawJSON` on Node 20): every JSON call in the process ran
 *   in JavaScript, about 60 times slower on a page's request body (a base64 image);
 * - `Array.prototype.push` (V8's `push` fails core-js's test for arrays with a read-only length):
 *   every `push` ran through a JavaScript wrapper, and pdf.js building a page's operator list took
 *   5.5-6.9 ms instead of 3.9-4.1 ms (pdkids.pdf);
 * - `Function.prototype.toString`, made to show core-js's own functions as native code.
 */
const REPLACED_NATIVES: readonly (readonly [object, string])[] = [
  [JSON, 'parse'],
  [JSON, 'stringify'],
  [Array.prototype, 'push'],
  [Function.prototype, 'toString'],
];

/** pdfjs-dist ships no types for its worker bundle; only its `WorkerMessageHandler` export is used. */
const WORKER_MODULE = 'pdfjs-dist/legacy/build/pdf.worker.mjs';

/** The worker bundle's entry: sets up pdf.js's worker side on a message port. */
export interface PdfjsWorkerHandler {
  initializeFromPort(port: unknown): void;
}

let workerHandler: PdfjsWorkerHandler | undefined;

/** pdf.js's worker side, loaded with pdf.js itself (see {@link loadPdfjs}). */
export async function loadPdfjsWorker(): Promise<PdfjsWorkerHandler> {
  await loadPdfjs();
  if (!workerHandler) throw new Error('the pdf.js worker bundle has no WorkerMessageHandler');
  return workerHandler;
}

async function importKeepingNatives(): Promise<Pdfjs> {
  const natives = REPLACED_NATIVES.map(
    ([owner, key]) => [owner, key, Object.getOwnPropertyDescriptor(owner, key)] as const,
  );
  try {
    const [module, workerModule] = await Promise.all([
      import('pdfjs-dist/legacy/build/pdf.mjs'),
      import(WORKER_MODULE) as Promise<{ WorkerMessageHandler: PdfjsWorkerHandler }>,
    ]);
    workerHandler = workerModule.WorkerMessageHandler;
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker ??= workerModule;
    return module;
  } finally {
    for (const [owner, key, descriptor] of natives)
      if (descriptor) Object.defineProperty(owner, key, descriptor);
  }
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
