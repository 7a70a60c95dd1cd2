import os from 'node:os';
// Loads the system fonts into Skia's process-wide registry in this thread; see startWorker.
import '@napi-rs/canvas';
import { Worker } from 'node:worker_threads';
import type { DocumentBackend, PageImage, PageInfo, RenderOptions } from '../backends/document-backend.js';
import { DocumentError, RenderError, type ErrorCode } from '../errors.js';

/** Options of {@link createRenderPool}. */
export interface RenderPoolOptions {
  /** Worker threads, started on first use. @default os.availableParallelism() */
  readonly workers?: number | undefined;
}

/** @internal Messages from the pool to a worker. */
export type WorkerRequest =
  | {
      readonly type: 'render';
      readonly jobId: number;
      /** `bytes` is sent only the first time this worker sees the document. */
      readonly document: {
        readonly id: number;
        readonly bytes?: SharedArrayBuffer | undefined;
        readonly password?: string | undefined;
        readonly name: string;
      };
      readonly page: number;
      readonly options: RenderOptions;
    }
  | { readonly type: 'cancel'; readonly jobId: number }
  | { readonly type: 'release'; readonly documentId: number };

/** @internal Messages from a worker to the pool. */
export type WorkerReply =
  | { readonly type: 'done'; readonly jobId: number; readonly image: PageImage }
  | {
      readonly type: 'failed';
      readonly jobId: number;
      readonly error: {
        readonly code: ErrorCode | undefined;
        readonly message: string;
        readonly source?: string | undefined;
      };
    };

interface PoolDocument {
  readonly id: number;
  readonly bytes: SharedArrayBuffer;
  readonly password: string | undefined;
  readonly name: string;
}

interface Job {
  readonly id: number;
  readonly document: PoolDocument;
  readonly page: number;
  readonly options: RenderOptions;
  readonly resolve: (image: PageImage) => void;
  readonly reject: (error: unknown) => void;
  /** Set once the caller has been answered (result, error or abort); later replies are ignored. */
  settled: boolean;
  detach: () => void;
}

interface Slot {
  readonly worker: Worker;
  readonly jobs: Set<Job>;
  readonly documents: Set<number>;
}

/**
 * Pages in flight per worker. Two, so a worker rasterizes the next page while the previous one is
 * being encoded on libuv's threads: with one, JPEG through the pool was slower than in-process.
 */
const JOBS_PER_WORKER = 2;

/**
 * Worker threads that render and encode pages, so rendering never blocks the thread that streams the
 * model's answers. Each worker opens its own pdf.js copy of a document, from bytes shared once per
 * worker, and renders up to two pages at a time; jobs go to the least busy worker, preferring one that
 * already has the document. Idle workers do not keep the process alive, and `close()` ends them all.
 *
 * @example
 * const pool = createRenderPool();
 * const doc = await openDocument('paper.pdf', { renderPool: pool });
 * const image = await doc.renderPage(1, { scale: 2, format: 'png' });
 * await doc.close();
 * await pool.close();
 */
export class RenderPool {
  /** Number of worker threads the pool runs at most. */
  readonly size: number;
  #slots: Slot[] = [];
  #queue: Job[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: RenderPoolOptions = {}) {
    const size = options.workers ?? os.availableParallelism();
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`workers must be a positive integer, got ${size}`);
    this.size = size;
  }

  /**
   * Render `backend`'s pages on the pool's workers. Returns a backend that answers `pageInfo` and
   * `textLayer` from `backend` and renders in workers; closing it closes `backend` and releases the
   * workers' copies. Used by `openDocument({ renderPool })`.
   */
  attach(backend: DocumentBackend, bytes: Uint8Array, password?: string): DocumentBackend {
    if (this.#closed) throw new Error('the render pool is closed');
    const shared = new SharedArrayBuffer(bytes.byteLength);
    new Uint8Array(shared).set(bytes);
    const document: PoolDocument = { id: this.#nextId++, bytes: shared, password, name: backend.source };
    return new PooledBackend(backend, this, document);
  }

  /** @internal Queue one page of an attached document. */
  render(
    document: PoolDocument,
    page: number,
    options: RenderOptions,
    signal?: AbortSignal,
  ): Promise<PageImage> {
    signal?.throwIfAborted();
    if (this.#closed) return Promise.reject(new RenderError(page, 'the render pool is closed'));
    return new Promise<PageImage>((resolve, reject) => {
      const job: Job = {
        id: this.#nextId++,
        document,
        page,
        options: { ...options },
        resolve,
        reject,
        settled: false,
        detach: () => undefined,
      };
      if (signal) {
        const onAbort = () => {
          const queued = this.#queue.indexOf(job);
          if (queued !== -1) this.#queue.splice(queued, 1);
          else
            this.#post(
              this.#slots.find((s) => s.jobs.has(job)),
              { type: 'cancel', jobId: job.id },
            );
          this.#settle(job, () => reject(signal.reason as Error));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        job.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  /** @internal Drop the workers' copies of a document. */
  release(document: PoolDocument): void {
    for (const slot of this.#slots) {
      if (slot.documents.delete(document.id)) this.#post(slot, { type: 'release', documentId: document.id });
    }
  }

  /** Reject queued and running renders and end every worker. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closedError = (job: Job) => new RenderError(job.page, 'the render pool was closed');
    for (const job of this.#queue.splice(0)) this.#settle(job, () => job.reject(closedError(job)));
    const slots = this.#slots.splice(0);
    for (const slot of slots) {
      for (const job of slot.jobs) this.#settle(job, () => job.reject(closedError(job)));
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  #dispatch(): void {
    for (let job = this.#queue[0]; job; job = this.#queue[0]) {
      // Least busy first; among equals, one that already has the document open.
      const free = this.#slots
        .filter((slot) => slot.jobs.size < JOBS_PER_WORKER)
        .sort(
          (a, b) =>
            a.jobs.size - b.jobs.size ||
            Number(b.documents.has(job.document.id)) - Number(a.documents.has(job.document.id)),
        );
      const best = free[0];
      const canSpawn = this.#slots.length < this.size;
      if (!best && !canSpawn) return;
      const slot = best && (best.jobs.size === 0 || !canSpawn) ? best : this.#spawn();
      this.#queue.shift();
      this.#start(slot, job);
    }
  }

  #start(slot: Slot, job: Job): void {
    slot.jobs.add(job);
    slot.worker.ref();
    const first = !slot.documents.has(job.document.id);
    slot.documents.add(job.document.id);
    const { id, password, name } = job.document;
    this.#post(slot, {
      type: 'render',
      jobId: job.id,
      document: { id, password, name, bytes: first ? job.document.bytes : undefined },
      page: job.page,
      options: job.options,
    });
  }

  #spawn(): Slot {
    const worker = startWorker();
    const slot: Slot = { worker, jobs: new Set(), documents: new Set() };
    worker.on('message', (reply: WorkerReply) => {
      const job = [...slot.jobs].find((j) => j.id === reply.jobId);
      if (!job) return;
      slot.jobs.delete(job);
      if (slot.jobs.size === 0) worker.unref();
      if (reply.type === 'done') this.#settle(job, () => job.resolve(reply.image));
      else this.#settle(job, () => job.reject(rebuildError(job.page, reply.error)));
      this.#dispatch();
    });
    // A crashed worker fails its page, not the run; a new worker takes its place on the next job.
    const retire = (reason: string) => {
      const index = this.#slots.indexOf(slot);
      if (index === -1) return;
      this.#slots.splice(index, 1);
      for (const job of slot.jobs)
        this.#settle(job, () => job.reject(new RenderError(job.page, `the render worker ${reason}`)));
      slot.jobs.clear();
      this.#dispatch();
    };
    worker.on('error', (error) => retire(`crashed: ${error.message}`));
    worker.on('exit', (code) => retire(`exited with code ${code}`));
    this.#slots.push(slot);
    return slot;
  }

  #post(slot: Slot | undefined, request: WorkerRequest): void {
    slot?.worker.postMessage(request);
  }

  #settle(job: Job, answer: () => void): void {
    if (job.settled) return;
    job.settled = true;
    job.detach();
    answer();
  }
}

/**
 * Create a {@link RenderPool}. Workers start on first use.
 * @param options.workers @default os.availableParallelism()
 */
export function createRenderPool(options: RenderPoolOptions = {}): RenderPool {
  return new RenderPool(options);
}

/**
 * Start a worker on the entry beside this module: `render-worker.js` when running compiled from dist/,
 * `render-worker.ts` when running from sources under tsx. Node 20 does not carry the parent's module
 * hooks (`--import tsx`) into workers, so from sources a small bootstrap registers tsx's loader in the
 * worker before importing the entry.
 */
/**
 * Skia's font registry belongs to the process, not to a thread, and loading @napi-rs/canvas fills it
 * with the system's fonts (about 0.3 s of CPU and a scan of every font file). This thread has done so
 * by the time a worker starts (importing this module loads @napi-rs/canvas), so workers skip it: a
 * worker then starts in tens of milliseconds instead of hundreds and still draws with every font.
 * The rest of the environment is this thread's as it is now, as a worker gets by default.
 */
function startWorker(): Worker {
  const env = { ...process.env, DISABLE_SYSTEM_FONTS_LOAD: '1' };
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./render-worker.js', import.meta.url), { env });
  const entry = new URL('./render-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, env });
}

function rebuildError(page: number, error: Extract<WorkerReply, { type: 'failed' }>['error']): Error {
  const { code, message, source } = error;
  if (
    source !== undefined &&
    (code === 'INVALID_DOCUMENT' ||
      code === 'UNSUPPORTED_FORMAT' ||
      code === 'PASSWORD_REQUIRED' ||
      code === 'INCORRECT_PASSWORD' ||
      code === 'INPUT_NOT_FOUND')
  )
    return new DocumentError(code, source, message.slice(source.length + 2));
  const prefix = `page ${page}: `;
  return new RenderError(page, message.startsWith(prefix) ? message.slice(prefix.length) : message);
}

/** A document whose pages render on a {@link RenderPool}. */
class PooledBackend implements DocumentBackend {
  readonly source: string;
  readonly format: DocumentBackend['format'];
  readonly pageCount: number;
  #inner: DocumentBackend;
  #pool: RenderPool;
  #document: PoolDocument;
  #closed = false;

  constructor(inner: DocumentBackend, pool: RenderPool, document: PoolDocument) {
    this.source = inner.source;
    this.format = inner.format;
    this.pageCount = inner.pageCount;
    this.#inner = inner;
    this.#pool = pool;
    this.#document = document;
  }

  pageInfo(page: number, signal?: AbortSignal): Promise<PageInfo> {
    return this.#inner.pageInfo(page, signal);
  }

  async renderPage(page: number, options: RenderOptions, signal?: AbortSignal): Promise<PageImage> {
    if (this.#closed) throw new RenderError(page, 'the document is closed');
    // Answer bad page numbers and pages known to be broken here, without a round trip to a worker.
    if (!Number.isInteger(page) || page < 1 || page > this.pageCount)
      throw new RenderError(page, `no such page (the document has ${this.pageCount} pages)`);
    return this.#pool.render(this.#document, page, options, signal);
  }

  textLayer(page: number, signal?: AbortSignal): Promise<string | undefined> {
    return this.#inner.textLayer(page, signal);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#pool.release(this.#document);
    await this.#inner.close();
  }
}
