/**
 * Where the examples send pages: the endpoint in PAGESTREAM_URL (with PAGESTREAM_MODEL and
 * PAGESTREAM_API_KEY), or, when it is not set, the built-in simulated server, so every example runs
 * offline. Copy the `PAGESTREAM_URL` branch into your own code.
 */
import type { ConvertOptions } from 'pagestream';
import { startSimulatedServer } from 'pagestream/simulate';

export interface Endpoint {
  readonly options: ConvertOptions;
  close(): Promise<void>;
}

export async function connect(): Promise<Endpoint> {
  const url = process.env.PAGESTREAM_URL;
  if (url) {
    const options: ConvertOptions = { url, enableRemoteServices: true };
    if (process.env.PAGESTREAM_MODEL) Object.assign(options, { model: process.env.PAGESTREAM_MODEL });
    if (process.env.PAGESTREAM_API_KEY) Object.assign(options, { apiKey: process.env.PAGESTREAM_API_KEY });
    return { options, close: () => Promise.resolve() };
  }
  const server = await startSimulatedServer({ timeScale: 0.1 });
  return { options: { url: server.url, enableRemoteServices: true }, close: () => server.close() };
}
