import { resolveSimulatedServerOptions, type SimulatedServerOptions } from './simulated-server-options.js';
import { SimulatedServer } from './simulated-server.js';

export type { SimulatedServer } from './simulated-server.js';

/**
 * Start a simulated OpenAI-compatible vision model on 127.0.0.1: `POST /v1/chat/completions` (streamed
 * SSE shaped like vLLM's, or JSON), `GET /v1/models`, `GET /stats` and `GET /health`. It batches like vLLM
 * (at most `capacity` sequences decode at once, the rest queue), answers each page deterministically from
 * its image and the seed in DocTags, Markdown, HTML or text, can run away past the natural end, and
 * injects faults on demand.
 *
 * @example
 * ```ts
 * const server = await startSimulatedServer({ timeScale: 0.1, faults: { script: ['429', 'ok'] } });
 * try {
 *   await convert('a.pdf', { url: server.url, enableRemoteServices: true });
 *   console.log(server.stats().faults['429']); // 1
 * } finally {
 *   await server.close();
 * }
 * ```
 * @throws InvalidOptionsError when an option is out of range.
 */
export async function startSimulatedServer(options: SimulatedServerOptions = {}): Promise<SimulatedServer> {
  const server = new SimulatedServer(resolveSimulatedServerOptions(options));
  await server.listen();
  return server;
}
