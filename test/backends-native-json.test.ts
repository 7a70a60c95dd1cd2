import assert from 'node:assert/strict';
import { it } from 'node:test';
import { openDocument } from '../src/backends/open-document.js';
import { makePdf } from '../src/simulate/pdf-writer.js';

// pdf.js's legacy bundles install core-js JSON polyfills over the globals on Node 20, which made every
// request body's JSON.stringify ~60x slower for the rest of the process. Loading pdf.js must leave the
// natives in place, through getDocument (which would load the worker bundle) and rendering.
it('opening and rendering a PDF leaves the native JSON functions in place', async () => {
  const { parse, stringify } = JSON;
  const document = await openDocument(makePdf([{ width: 200, height: 200, lines: ['JSON'] }]));
  try {
    await document.renderPage(1, { scale: 1, format: 'png' });
    assert.equal(await document.textLayer(1), 'JSON');
  } finally {
    await document.close();
  }
  assert.equal(JSON.stringify, stringify);
  assert.equal(JSON.parse, parse);
});
