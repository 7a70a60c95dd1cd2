import type { DocumentFormat } from './document-backend.js';

/** How far into a file `%PDF-` may start: readers accept junk before it, and so do real files. */
const PDF_HEADER_WINDOW = 1024;
const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

/**
 * Detect a document's format from its first bytes (never from its name): PDF (`%PDF-` within the first
 * 1024 bytes), PNG, JPEG or WebP. Returns `undefined` for anything else.
 */
export function detectFormat(bytes: Uint8Array): DocumentFormat | undefined {
  const at = (offset: number, magic: readonly number[]) => magic.every((b, i) => bytes[offset + i] === b);
  if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (at(0, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x45, 0x42, 0x50])) return 'webp';
  const end = Math.min(bytes.length, PDF_HEADER_WINDOW) - PDF_MAGIC.length;
  for (let i = 0; i <= end; i++) if (at(i, PDF_MAGIC)) return 'pdf';
  return undefined;
}
