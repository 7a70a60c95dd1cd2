import { startSimulatedServer } from './start-simulated-server.js';
import type { SimulatedServerOptions } from './simulated-server-options.js';

/** Options of {@link runSimulateCommand}: the server's, plus where to print and when to stop. */
export interface RunSimulateCommandOptions extends SimulatedServerOptions {
  /** Stops the server when aborted. */
  readonly signal?: AbortSignal | undefined;
  /** Where the URL is printed. @default process.stdout */
  readonly stdout?: NodeJS.WritableStream | undefined;
}

/**
 * `pagestream simulate`: start the simulated server, print its chat-completions URL on a line of its
 * own, and keep serving until SIGINT, SIGTERM or `signal` aborts; then close every connection and resolve.
 * @throws InvalidOptionsError when an option is out of range (nothing was started).
 */
export async function runSimulateCommand(options: RunSimulateCommandOptions = {}): Promise<void> {
  const { signal, stdout = process.stdout, ...serverOptions } = options;
  if (signal?.aborted) return;
  const server = await startSimulatedServer(serverOptions);
  try {
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        signal?.removeEventListener('abort', stop);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      signal?.addEventListener('abort', stop, { once: true });
      stdout.write(`${server.url}\n`);
    });
  } finally {
    await server.close();
  }
}
