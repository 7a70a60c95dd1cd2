/** A line of text placed at an exact position, in PDF points from the bottom-left corner. */
export interface PdfText {
  readonly x: number;
  readonly y: number;
  readonly text: string;
  /** Font size in points. @default 12 */
  readonly size?: number | undefined;
  /** Helvetica-Bold instead of Helvetica. @default false */
  readonly bold?: boolean | undefined;
}

/** A straight stroked line, in PDF points from the bottom-left corner. */
export interface PdfStroke {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  /** Line width in points. @default 1 */
  readonly width?: number | undefined;
}

/** One page of {@link makePdf}. */
/** A baseline JPEG placed on a page (a `/DCTDecode` image XObject), as scanners write pages. */
export interface PdfImage {
  /** Where its lower-left corner goes, in points. */
  readonly x: number;
  readonly y: number;
  /** Its size on the page, in points. */
  readonly width: number;
  readonly height: number;
  /** The JPEG file's bytes, 8 bits per component. */
  readonly jpeg: Uint8Array;
  readonly pixelWidth: number;
  readonly pixelHeight: number;
  /** One component (DeviceGray) instead of three (DeviceRGB). @default false */
  readonly gray?: boolean | undefined;
}

export interface PdfPageSpec {
  /** MediaBox width in points (before /Rotate). */
  readonly width: number;
  /** MediaBox height in points (before /Rotate). */
  readonly height: number;
  /** /Rotate in degrees, a multiple of 90. @default 0 */
  readonly rotate?: number | undefined;
  /**
   * Text lines set top-down from a 72 pt margin in 12 pt Helvetica. A line starting with `# ` is a
   * heading in 18 pt Helvetica-Bold (without the marker).
   * @default []
   */
  readonly lines?: readonly string[] | undefined;
  /** Text placed at exact positions. @default [] */
  readonly texts?: readonly PdfText[] | undefined;
  /** Straight lines, e.g. the rules of a table. @default [] */
  readonly strokes?: readonly PdfStroke[] | undefined;
  /** Images, drawn before the text and lines. */
  readonly images?: readonly PdfImage[] | undefined;
}

/**
 * Write a small, valid, deterministic PDF (same input, same bytes): Helvetica text, stroked lines and
 * JPEG images, one content stream per page, a correct cross-reference table. Made for tests, benchmarks and the
 * sample document, where a real PDF producer would be a heavy dependency.
 *
 * Text is encoded as WinAnsi; characters outside Latin-1 become `?`.
 *
 * @example
 * const bytes = makePdf([{ width: 595, height: 842, lines: ['# Title', 'Hello, world.'] }]);
 */
export function makePdf(pages: readonly PdfPageSpec[]): Uint8Array {
  if (pages.length === 0) throw new RangeError('makePdf needs at least one page');
  // Object numbers: 1 catalog, 2 page tree, 3 Helvetica, 4 Helvetica-Bold, then page + content pairs.
  const pageId = (index: number) => 5 + index * 2;
  const objects: string[] = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${pageId(i)} 0 R`).join(' ')}] /Count ${pages.length} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
  ];
  // Image XObjects follow the pages' objects.
  const images: string[] = [];
  pages.forEach((spec, index) => {
    const rotate = spec.rotate ?? 0;
    if (rotate % 90 !== 0) throw new RangeError(`page ${index + 1}: rotate must be a multiple of 90`);
    if (!(spec.width > 0 && spec.height > 0))
      throw new RangeError(`page ${index + 1}: width and height must be positive`);
    const content = contentStream(spec);
    const xObjects = (spec.images ?? []).map((image, k) => {
      images.push(imageObject(image));
      return `/Im${k} ${pageId(pages.length) + images.length - 1} 0 R`;
    });
    const resources = `/Font << /F1 3 0 R /F2 4 0 R >>${xObjects.length ? ` /XObject << ${xObjects.join(' ')} >>` : ''}`;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${num(spec.width)} ${num(spec.height)}]` +
        `${rotate ? ` /Rotate ${rotate}` : ''} /Resources << ${resources} >>` +
        ` /Contents ${pageId(index) + 1} 0 R >>`,
      `<< /Length ${latin1Length(content)} >>\nstream\n${content}\nendstream`,
    );
  });
  objects.push(...images);

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(latin1Length(out));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefAt = latin1Length(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return latin1Bytes(out);
}

function imageObject(image: PdfImage): string {
  const data = latin1String(image.jpeg);
  return (
    `<< /Type /XObject /Subtype /Image /Width ${image.pixelWidth} /Height ${image.pixelHeight}` +
    ` /ColorSpace /${image.gray ? 'DeviceGray' : 'DeviceRGB'} /BitsPerComponent 8 /Filter /DCTDecode` +
    ` /Length ${data.length} >>\nstream\n${data}\nendstream`
  );
}

function contentStream(spec: PdfPageSpec): string {
  const ops: string[] = [];
  (spec.images ?? []).forEach((image, k) => {
    ops.push(
      `q ${num(image.width)} 0 0 ${num(image.height)} ${num(image.x)} ${num(image.y)} cm /Im${k} Do Q`,
    );
  });
  let y = spec.height - 72;
  for (const line of spec.lines ?? []) {
    const heading = line.startsWith('# ');
    const size = heading ? 18 : 12;
    y -= heading ? 22 : 16;
    ops.push(textOp(72, y, heading ? line.slice(2) : line, size, heading));
    if (heading) y -= 6;
  }
  for (const t of spec.texts ?? []) ops.push(textOp(t.x, t.y, t.text, t.size ?? 12, t.bold ?? false));
  for (const s of spec.strokes ?? []) {
    ops.push(`${num(s.width ?? 1)} w ${num(s.x1)} ${num(s.y1)} m ${num(s.x2)} ${num(s.y2)} l S`);
  }
  return ops.join('\n');
}

function textOp(x: number, y: number, text: string, size: number, bold: boolean): string {
  return `BT /${bold ? 'F2' : 'F1'} ${num(size)} Tf ${num(x)} ${num(y)} Td (${escapeText(text)}) Tj ET`;
}

function escapeText(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 63;
    if (ch === '(' || ch === ')' || ch === '\\') out += `\\${ch}`;
    else if (code < 32) out += ' ';
    else out += code > 255 ? '?' : ch;
  }
  return out;
}

/** Numbers without exponents or long fractions, so the output stays byte-for-byte stable. */
function num(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/0+$/, '');
}

// The file is built as a Latin-1 string: one char, one byte, so string lengths are byte offsets.
function latin1Length(text: string): number {
  return text.length;
}

function latin1String(bytes: Uint8Array): string {
  let text = '';
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return text;
}

function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}
