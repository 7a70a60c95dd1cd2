import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { it } from 'node:test';

// pdf.js builds Path2D objects with the @napi-rs/canvas it loads itself; a context from another copy
// rejects them and every vector fill fails. The project must resolve the very copy pdf.js resolves.
it('resolves the same @napi-rs/canvas as pdf.js does (exactly one copy)', () => {
  const require = createRequire(import.meta.url);
  const ours = require.resolve('@napi-rs/canvas');
  const pdfjsDir = path.dirname(require.resolve('pdfjs-dist/package.json'));
  const theirs = createRequire(path.join(pdfjsDir, 'package.json')).resolve('@napi-rs/canvas');
  assert.equal(theirs, ours);
});
