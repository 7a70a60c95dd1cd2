#!/usr/bin/env node
import { installNativeImageDecoder } from '../backends/native-image-decoder.js';
import type { CliIo } from './cli-io.js';
import { EXIT } from './cli-io.js';
import { main } from './main.js';

// @napi-rs/canvas registers every system font with Skia when it loads unless this is set: about 0.3 s
// and 190 MB resident here (2,000 font files). pagestream does not need them: PDF fonts are drawn as
// outlines, and text drawn with a font name still finds it through fontconfig. Every shared fixture
// and the system's PDFs (191 pages) render byte for byte the same without them. Set before any command
// loads, and the commands load when they run (see main.ts). A user's own setting wins.
process.env.DISABLE_SYSTEM_FONTS_LOAD ??= '1';
// The CLI owns its process, so pdf.js may decode JPEG images with Skia (see native-image-decoder.ts).
installNativeImageDecoder();

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  // The first Ctrl-C aborts in-flight requests and lets the run report what finished; a second one leaves at once.
  if (++interrupts > 1) process.exit(EXIT.interrupted);
  controller.abort(new Error('interrupted by SIGINT'));
});
const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
};
process.exitCode = await main(process.argv.slice(2), io);
