import { readFile, stat } from 'node:fs/promises';
import { DocumentError } from '../errors.js';
import type { DocumentSource } from './document-backend.js';

/** A source's bytes and the name to show for it. */
export interface SourceBytes {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * Read a whole document source into memory: a path, bytes (used as they are), or a web or Node
 * stream. Missing paths raise `INPUT_NOT_FOUND`; directories and empty inputs raise `INVALID_DOCUMENT`.
 */
export async function readSource(
  source: DocumentSource,
  name: string | undefined,
  signal?: AbortSignal,
): Promise<SourceBytes> {
  signal?.throwIfAborted();
  if (typeof source === 'string') {
    const shown = name ?? source;
    const info = await stat(source).catch((error: unknown) => {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR'))
        throw new DocumentError('INPUT_NOT_FOUND', shown, 'no such file', { cause: error });
      throw new DocumentError('INVALID_DOCUMENT', shown, `cannot read the file (${describe(error)})`, {
        cause: error,
      });
    });
    if (info.isDirectory())
      throw new DocumentError('INVALID_DOCUMENT', shown, 'is a directory, not a document file');
    const bytes = await readFile(source, signal ? { signal } : {}).catch((error: unknown) => {
      if (signal?.aborted) throw signal.reason;
      throw new DocumentError('INVALID_DOCUMENT', shown, `cannot read the file (${describe(error)})`, {
        cause: error,
      });
    });
    return checked(shown, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  const shown = name ?? '<bytes>';
  if (source instanceof Uint8Array) return checked(shown, source);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    signal?.throwIfAborted();
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(bytes);
    total += bytes.byteLength;
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return checked(shown, bytes);
}

function checked(name: string, bytes: Uint8Array): SourceBytes {
  if (bytes.byteLength === 0) throw new DocumentError('INVALID_DOCUMENT', name, 'is empty (0 bytes)');
  return { name, bytes };
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
