#!/usr/bin/env node
import type { CliIo } from './cli-io.js';
import { EXIT } from './cli-io.js';
import { main } from './main.js';

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
