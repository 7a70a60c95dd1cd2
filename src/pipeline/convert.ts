import { lastValueFrom, reduce } from 'rxjs';
import type { ConversionEvent, DocumentResult } from './conversion-event.js';
import { convertStream } from './convert-stream.js';
import type { ConvertInput, ConvertRunOptions } from './convert-stream.js';

/** Every document of a run, in input order. */
export interface ConversionRun {
  readonly documents: readonly DocumentResult[];
  /** Wall-clock time of the whole run in milliseconds. */
  readonly wallMs: number;
}

/**
 * Convert one document and resolve with its result: status, per-page results in page order, and the
 * decoded document (export it with `exportDocument`). Rejects only for bad options, the remote-services
 * gate, or cancellation; a page or a document that fails is reported in the result, not thrown.
 *
 * @example
 * ```ts
 * const result = await convert('paper.pdf', { url, model: 'granite-docling', enableRemoteServices: true });
 * console.log(exportDocument(result.document, 'md'));
 * ```
 */
export async function convert(input: ConvertInput, options: ConvertRunOptions = {}): Promise<DocumentResult> {
  const { documents } = await convertAll([input], options);
  const [document] = documents;
  if (!document) throw new Error('internal: a run of one input ended without its document');
  return document;
}

/**
 * Convert several documents with one shared set of `concurrency` workers; resolves with every document's
 * result in input order.
 */
export async function convertAll(
  inputs: readonly ConvertInput[],
  options: ConvertRunOptions = {},
): Promise<ConversionRun> {
  const started = performance.now();
  const finished = await lastValueFrom(
    convertStream(inputs, options).pipe(
      reduce<ConversionEvent, DocumentResult[]>((documents, event) => {
        if (event.type === 'document-done') documents.push(event.result);
        return documents;
      }, []),
    ),
  );
  // Documents finish in any order; results come back in input order.
  const documents = finished.sort((a, b) => a.index - b.index);
  return { documents, wallMs: performance.now() - started };
}
