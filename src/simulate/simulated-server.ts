import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { BatchScheduler } from './batch-scheduler.js';
import { buildAnswer, type AnswerFormat, type DocumentAnswerFormat } from './build-answer.js';
import { buildJsonAnswer } from './build-json-answer.js';
import { createRandom, randomInt } from './create-random.js';
import { parseChatRequest, type ChatRequest } from './parse-chat-request.js';
import {
  resolveSimulatedServerOptions,
  type ResolvedSimulatedServerOptions,
  type SimulatedFaultKind,
  type SimulatedScriptEntry,
  type SimulatedServerConfig,
} from './simulated-server-options.js';
import { SimulatedSequence } from './simulated-sequence.js';
import { StatsRecorder, type MutableRequestRecord, type SimulatedStats } from './simulated-stats.js';

/**
 * A running simulated OpenAI-compatible server on 127.0.0.1. Create it with {@link startSimulatedServer};
 * `close()` it when done.
 */
export class SimulatedServer {
  #options: ResolvedSimulatedServerOptions;
  #server: Server;
  #scheduler: BatchScheduler<SimulatedSequence>;
  #stats: StatsRecorder;
  #script: SimulatedScriptEntry[];
  /** Requests seen per page, so a retried page rolls its faults afresh, whatever the arrival order. */
  #attempts = new Map<string, number>();
  #nextIndex = 0;
  #closing: Promise<void> | undefined;
  #port = 0;

  /** @internal Use {@link startSimulatedServer}. */
  constructor(options: ResolvedSimulatedServerOptions) {
    this.#options = options;
    this.#script = [...options.faults.script];
    this.#stats = new StatsRecorder(options.maxRecords);
    this.#scheduler = new BatchScheduler(() => this.#options);
    this.#server = createServer((req, res) => this.#route(req, res));
  }

  /** Full chat-completions URL, e.g. `http://127.0.0.1:41234/v1/chat/completions`. */
  get url(): string {
    return `${this.baseUrl}/chat/completions`;
  }

  /** The OpenAI base URL, e.g. `http://127.0.0.1:41234/v1`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}/v1`;
  }

  get port(): number {
    return this.#port;
  }

  /** @internal Bind the port; called once by {@link startSimulatedServer}. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  /** A copy of the counters and per-request records. */
  stats(): SimulatedStats {
    return this.#stats.snapshot(this.#scheduler.active, this.#scheduler.queued, this.#scheduler.maxActive);
  }

  /** Zero the counters and drop the records (requests in flight keep running and counting). */
  resetStats(): void {
    this.#stats.reset();
    this.#scheduler.resetMaxActive();
  }

  /**
   * Change options while the server runs: timing and capacity take effect at the next decode step,
   * answer, runaway and fault settings with the next request. `faults` replaces the current faults as
   * a whole, and its `script` replaces what was left of the previous script.
   * @throws InvalidOptionsError when a value is out of range.
   */
  configure(change: SimulatedServerConfig): void {
    const { port: _port, ...rest } = change as SimulatedServerConfig & { port?: unknown };
    this.#options = resolveSimulatedServerOptions(rest, this.#options);
    if (change.faults !== undefined) this.#script = [...this.#options.faults.script];
    this.#stats.maxRecords = this.#options.maxRecords;
  }

  /** Stop generating, close every connection and the listening socket. Resolves once all are closed. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      const now = performance.now();
      for (const sequence of this.#scheduler.close()) sequence.destroy(now);
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  #route(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const method = req.method ?? 'GET';
    if (path === '/v1/chat/completions' || path === '/chat/completions') {
      if (method === 'POST') {
        this.#readBody(req, res);
        return;
      }
      sendError(res, 405, `method ${method} not allowed`, 'invalid_request_error');
      return;
    }
    if (method !== 'GET') {
      sendError(
        res,
        path === '/v1/models' || path === '/stats' ? 405 : 404,
        `${method} ${path}`,
        'invalid_request_error',
      );
      return;
    }
    if (path === '/v1/models') {
      const created = Math.floor(Date.now() / 1000);
      sendJson(res, 200, {
        object: 'list',
        data: [{ id: this.#options.model, object: 'model', created, owned_by: 'pagestream-simulate' }],
      });
    } else if (path === '/stats') sendJson(res, 200, this.stats());
    else if (path === '/health') res.writeHead(200).end();
    else sendError(res, 404, `no route for GET ${path}`, 'invalid_request_error');
  }

  #readBody(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.#options.maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      this.#stats.requests++;
      if (tooLarge) {
        this.#stats.badRequests++;
        sendError(
          res,
          413,
          `request body exceeds ${this.#options.maxBodyBytes} bytes`,
          'invalid_request_error',
        );
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
      } catch {
        this.#stats.badRequests++;
        sendError(res, 400, 'the request body is not valid JSON', 'invalid_request_error');
        return;
      }
      const parsed = parseChatRequest(body);
      if (!parsed.ok) {
        this.#stats.badRequests++;
        sendError(res, 400, parsed.message, 'invalid_request_error');
        return;
      }
      if (this.#options.rejectResponseFormat && parsed.request.responseSchema !== undefined) {
        this.#stats.badRequests++;
        sendError(
          res,
          400,
          "response_format of type 'json_schema' is not supported by this server",
          'invalid_request_error',
        );
        return;
      }
      this.#accept(parsed.request, res);
    });
  }

  #accept(request: ChatRequest, res: ServerResponse): void {
    const options = this.#options;
    const now = performance.now();
    // The page is the last image: earlier ones are context (the previous page, or a document's pages).
    const image = request.images[request.images.length - 1]?.size;
    const pageKey =
      request.images.length > 0 ? request.images.map((i) => i.hash).join('+') : `text:${request.promptText}`;
    const attempt = this.#attempts.get(pageKey) ?? 0;
    this.#attempts.set(pageKey, attempt + 1);
    const scripted = this.#script.shift();
    const fault = scripted === undefined ? this.#rollFault(pageKey, attempt) : toFault(scripted);
    const runaway =
      scripted === 'runaway' ||
      options.runaway ||
      (options.runawayRate > 0 && createRandom(`${options.seed}|${pageKey}|runaway`)() < options.runawayRate);
    const schema = request.responseSchema ?? request.promptSchema;
    const format: AnswerFormat =
      schema !== undefined
        ? 'json'
        : options.answerFormat === 'auto'
          ? formatFromPrompt(request.promptText)
          : options.answerFormat;
    const answer =
      format === 'json'
        ? buildJsonAnswer({
            schema,
            width: image?.width,
            height: image?.height,
            random: createRandom(`${options.seed}|${pageKey}|content`),
            invalid: scripted === 'invalid-json',
          })
        : buildAnswer({
            format,
            width: image?.width,
            height: image?.height,
            targetTokens: randomInt(
              createRandom(`${options.seed}|${pageKey}|length`),
              options.minTokens,
              options.maxTokens,
            ),
            random: createRandom(`${options.seed}|${pageKey}|content`),
          });
    const promptTokens = estimatePromptTokens(request);
    const index = this.#nextIndex++;
    const record: MutableRequestRecord = {
      id: `chatcmpl-sim-${index.toString(16).padStart(8, '0')}`,
      stream: request.stream,
      format,
      status: 200,
      fault,
      runaway,
      imageWidth: image?.width ?? null,
      imageHeight: image?.height ?? null,
      promptTokens,
      maxTokens: request.maxTokens ?? options.defaultMaxTokens,
      naturalTokens: answer.tokens.length,
      tokens: 0,
      afterEnd: 0,
      finishReason: null,
      disconnected: false,
      startedAt: now,
      admittedAt: null,
      firstTokenAt: null,
      naturalEndAt: null,
      endedAt: null,
    };
    this.#stats.add(record);
    if (fault !== null) this.#stats.faults[fault]++;

    if (fault === '429' || fault === '500' || fault === '503') {
      record.status = Number(fault);
      record.endedAt = now;
      if (fault === '429') {
        const seconds = options.faults.retryAfterSeconds;
        res.setHeader('retry-after', String(seconds));
        res.setHeader('retry-after-ms', String(Math.round(seconds * 1000)));
        sendError(res, 429, 'simulated rate limit: too many requests', 'rate_limit_exceeded');
      } else {
        sendError(res, record.status, `simulated server error ${fault}`, 'server_error');
      }
      return;
    }

    this.#stats.promptTokens += promptTokens;
    const megapixels = request.images.reduce(
      (sum, i) => sum + (i.size ? (i.size.width * i.size.height) / 1e6 : 0),
      0,
    );
    const sequence = new SimulatedSequence({
      response: res,
      record,
      stats: this.#stats,
      answer,
      model: request.model ?? options.model,
      created: Math.floor(Date.now() / 1000),
      includeUsage: request.includeUsage,
      stop: request.stop,
      prefillMs: (options.prefillMs + options.prefillMsPerMegapixel * megapixels) * options.timeScale,
      stallMs: options.faults.stallMs,
    });
    // 'close' fires when the response has been sent or the connection dropped; only the latter, before
    // the answer finished, is a disconnect, and it must free the batch slot at once.
    res.once('close', () => {
      if (sequence.done) return;
      sequence.abandon(performance.now());
      this.#scheduler.remove(sequence);
    });
    this.#scheduler.enqueue(sequence);
  }

  #rollFault(pageKey: string, attempt: number): SimulatedFaultKind | null {
    const { faults, seed } = this.#options;
    const roll = createRandom(`${seed}|${pageKey}|${attempt}|fault`)();
    let threshold = 0;
    const table: readonly [SimulatedFaultKind, number][] = [
      ['429', faults.rate429],
      ['500', faults.rate5xx],
      ['cut', faults.cutRate],
      ['stall', faults.stallRate],
      ['stream-error', faults.streamErrorRate],
    ];
    for (const [kind, rate] of table) {
      threshold += rate;
      if (roll < threshold) return kind;
    }
    return null;
  }
}

function toFault(entry: SimulatedScriptEntry): SimulatedFaultKind | null {
  return entry === 'ok' || entry === 'runaway' || entry === 'invalid-json' ? null : entry;
}

/** The answer format a prompt asks for, as Docling's prompts word it. */
function formatFromPrompt(prompt: string): DocumentAnswerFormat {
  const text = prompt.toLowerCase();
  if (text.includes('doctags') || text.includes('docling')) return 'doctags';
  if (text.includes('markdown')) return 'markdown';
  if (text.includes('html')) return 'html';
  return 'text';
}

/** About one token per 28x28 patch of each image, plus one per prompt word. */
function estimatePromptTokens(request: ChatRequest): number {
  const words = request.promptText.split(/\s+/).filter((word) => word !== '').length;
  const image = request.images.reduce(
    (sum, i) => sum + (i.size ? Math.ceil((i.size.width * i.size.height) / 784) : 256),
    0,
  );
  return words + image;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** An error body shaped like OpenAI's. */
function sendError(res: ServerResponse, status: number, message: string, type: string): void {
  sendJson(res, status, {
    error: { message, type, param: null, code: status === 429 ? 'rate_limit_exceeded' : null },
  });
}
