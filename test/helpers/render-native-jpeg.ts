/**
 * Child process for test/backends-native-image-decoder.test.ts: installs pagestream's native JPEG
 * decoder before pdf.js loads (as a render worker or the CLI does), renders every page of each PDF
 * given as PNG into <outDir>/<index>-<page>.png, and prints how many images it decoded.
 * argv: <outDir> <pdf>...
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { installNativeImageDecoder, nativeImageDecodes } from '../../src/backends/native-image-decoder.js';
import { openDocument } from '../../src/backends/open-document.js';

if (!installNativeImageDecoder()) throw new Error('ImageDecoder is already defined here');
const [outDir, ...files] = process.argv.slice(2);
if (!outDir) throw new Error('usage: render-native-jpeg.ts <outDir> <pdf>...');
for (const [index, file] of files.entries()) {
  const document = await openDocument(new Uint8Array(await readFile(file)), { name: file });
  try {
    for (let page = 1; page <= document.pageCount; page++) {
      const image = await document.renderPage(page, { scale: 1, format: 'png' });
      await writeFile(path.join(outDir, `${index}-${page}.png`), image.data);
    }
  } finally {
    await document.close();
  }
}
process.stdout.write(`${JSON.stringify({ decodes: nativeImageDecodes() })}\n`);
