/**
 * Entry of a render worker thread (see `render-pool.ts`). Each worker keeps its own pdf.js copy of
 * every document it has been asked to render, opened from bytes the pool shares once per worker, and
 * renders and encodes one page at a time.
 */
import { parentPort } from 'node:worker_threads';
import type { DocumentBackend } from '../backends/document-backend.js';
import { installNativeImageDecoder } from '../backends/native-image-decoder.js';
import { openDocument } from '../backends/open-document.js';
import { PagestreamError } from '../errors.js';
import type { WorkerReply, WorkerRequest } from './render-pool.js';

if (!parentPort) throw new Error('render-worker must run in a worker thread');
// This thread is ours: pdf.js may decode JPEG images natively here (it loads later, on first open).
installNativeImageDecoder();
const port = parentPort;
const documents = new Map<number, Promise<DocumentBackend>>();
const running = new Map<number, AbortController>();

port.on('message', (request: WorkerRequest) => {
  switch (request.type) {
    case 'render':
      void render(request);
      break;
    case 'cancel':
      running.get(request.jobId)?.abort();
      break;
    case 'release': {
      const document = documents.get(request.documentId);
      documents.delete(request.documentId);
      void document?.then((d) => d.close()).catch(() => undefined);
      break;
    }
  }
});

async function render(request: Extract<WorkerRequest, { type: 'render' }>): Promise<void> {
  const controller = new AbortController();
  running.set(request.jobId, controller);
  try {
    let document = documents.get(request.document.id);
    if (!document) {
      const { bytes, password, name } = request.document;
      if (!bytes) throw new Error(`document ${request.document.id} was never sent to this worker`);
      document = openDocument(new Uint8Array(bytes), { password, name });
      documents.set(request.document.id, document);
      // A document that fails to open is not cached: the next request gets the same clear error.
      document.catch(() => documents.delete(request.document.id));
    }
    const image = await (await document).renderPage(request.page, request.options, controller.signal);
    // Copy only when the bytes share a larger buffer, so that transferring cannot detach other data.
    const data =
      image.data.byteOffset === 0 && image.data.byteLength === image.data.buffer.byteLength
        ? image.data
        : new Uint8Array(image.data);
    const reply: WorkerReply = { type: 'done', jobId: request.jobId, image: { ...image, data } };
    port.postMessage(reply, [data.buffer as ArrayBuffer]);
  } catch (error) {
    const reply: WorkerReply = {
      type: 'failed',
      jobId: request.jobId,
      error:
        error instanceof PagestreamError
          ? {
              code: error.code,
              message: error.message,
              source: (error as { source?: string }).source,
            }
          : { code: undefined, message: error instanceof Error ? error.message : String(error) },
    };
    port.postMessage(reply);
  } finally {
    running.delete(request.jobId);
  }
}
