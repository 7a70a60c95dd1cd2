import assert from 'node:assert/strict';
import { it } from 'node:test';
import { openDocument } from '../src/backends/open-document.js';
import { makePdf } from '../src/simulate/pdf-writer.js';

// pdf.js's legacy bundles carry core-js, which on Node 20 replaces built-ins for the whole process:
// its JSON made every request body's JSON.stringify ~60x slower, its Array.prototype.push slowed every
// push (pdf.js's operator lists by ~40%). Loading pdf.js must leave the natives in place, through
// getDocument (which would load the worker bundle) and rendering, and keep what core-js only adds and
// pdf.js relies on.
it('opening and rendering a PDF leaves the native built-ins core-js would replace in place', async () => {
  const { parse, stringify } = JSON;
  // Compared by identity, never called, hence read as plain values.
  const native = (owner: object, key: string): unknown => Object.getOwnPropertyDescriptor(owner, key)?.value;
  const push = native(Array.prototype, 'push');
  const toString = native(Function.prototype, 'toString');
  const document = await openDocument(makePdf([{ width: 200, height: 200, lines: ['JSON'] }]));
  try {
    await document.renderPage(1, { scale: 1, format: 'png' });
    assert.equal(await document.textLayer(1), 'JSON');
  } finally {
    await document.close();
  }
  assert.equal(JSON.stringify, stringify);
  assert.equal(JSON.parse, parse);
  assert.equal(native(Array.prototype, 'push'), push);
  assert.equal(native(Function.prototype, 'toString'), toString);
  assert.match(Function.prototype.toString.call(push), /\[native code\]/);
  // Additions pdf.js uses on Node 20 stay.
  assert.equal(typeof (Map.prototype as { getOrInsertComputed?: unknown }).getOrInsertComputed, 'function');
});
