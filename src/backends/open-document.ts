import { DocumentError } from '../errors.js';
import type { RenderPool } from '../render/render-pool.js';
import { detectFormat } from './detect-format.js';
import type { DocumentBackend, DocumentSource, OpenDocumentOptions } from './document-backend.js';
import { ImageBackend } from './image-backend.js';
import { PdfBackend } from './pdf-backend.js';
import { readSource } from './read-source.js';

/** Options of {@link openDocument}. */
export interface OpenDocumentWithPoolOptions extends OpenDocumentOptions {
  /**
   * Render on these worker threads instead of the calling thread. The pool is shared, not owned:
   * closing the document releases its copies in the workers but leaves the pool running.
   * @default none: render in this thread
   */
  readonly renderPool?: RenderPool | undefined;
}

/**
 * Open a PDF, PNG, JPEG or WebP document from a path, bytes or a stream. The format is detected from
 * the bytes, never from a file name. Nothing is read before this is called.
 *
 * @throws DocumentError `INPUT_NOT_FOUND` (no such path), `INVALID_DOCUMENT` (a directory, an empty
 * input, a damaged file), `UNSUPPORTED_FORMAT`, `PASSWORD_REQUIRED` or `INCORRECT_PASSWORD`.
 * @example
 * const doc = await openDocument('paper.pdf', { renderPool });
 * try {
 *   const image = await doc.renderPage(1, { scale: 2, format: 'png' });
 * } finally {
 *   await doc.close();
 * }
 */
export async function openDocument(
  source: DocumentSource,
  options: OpenDocumentWithPoolOptions = {},
): Promise<DocumentBackend> {
  const { name, bytes } = await readSource(source, options.name, options.signal);
  const format = detectFormat(bytes);
  if (format === undefined)
    throw new DocumentError(
      'UNSUPPORTED_FORMAT',
      name,
      'not a PDF, PNG, JPEG or WebP file (the format is detected from the first bytes)',
    );
  const backend =
    format === 'pdf'
      ? await PdfBackend.open(bytes, { name, password: options.password, signal: options.signal })
      : await ImageBackend.open(bytes, name, format);
  return options.renderPool ? options.renderPool.attach(backend, bytes, options.password) : backend;
}
