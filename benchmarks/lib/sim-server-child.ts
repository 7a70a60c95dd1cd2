// Runs the simulated server in a process of its own, so its timers and JSON work do not share the
// benchmark client's event loop (on 2 cores a shared loop would slow the client in a way no real
// deployment has). Options come as JSON in argv[2]; the URL is printed on one line; SIGTERM, SIGINT or
// the parent closing stdin stops it.
import { startSimulatedServer } from '../../src/simulate/index.js';
import type { SimulatedServerOptions } from '../../src/simulate/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as SimulatedServerOptions;
const server = await startSimulatedServer(options);
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void server.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.stdout.write(`${server.url}\n`);
