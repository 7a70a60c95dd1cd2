import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  readonly body: unknown;
  /** Resolves when the response is done: `byClient` is true when the client hung up before the end. */
  readonly closed: Promise<{ readonly byClient: boolean; readonly at: number }>;
}

/** Handles one request; `index` counts requests from 0. */
export type Handler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  recorded: RecordedRequest,
  index: number,
) => unknown;

/** A node:http server on 127.0.0.1 that records what clients send and when they hang up. */
export interface RecordingServer {
  /** `http://127.0.0.1:<port>/v1/chat/completions` */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Replace the handler. */
  handle(handler: Handler): void;
  /** Close the server and every connection it still has. */
  close(): Promise<void>;
}

/** Start a {@link RecordingServer} on a random port. */
export async function startRecordingServer(handler?: Handler): Promise<RecordingServer> {
  let current: Handler =
    handler ??
    ((_req, res) => {
      res.writeHead(500).end('no handler');
    });
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Keep the raw text.
      }
      const closed = new Promise<{ byClient: boolean; at: number }>((resolve) => {
        res.on('close', () => resolve({ byClient: !res.writableFinished, at: performance.now() }));
      });
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        closed,
      };
      const index = requests.push(recorded) - 1;
      Promise.resolve(current(req, res, recorded, index)).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(error));
      });
    });
  });
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    requests,
    get connections() {
      return connections;
    },
    handle(next) {
      current = next;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
