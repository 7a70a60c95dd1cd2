import type { ConversionEvent } from '../pipeline/conversion-event.js';

const WIDTH = 24;
const REDRAW_MS = 100;

/**
 * A one-line progress display for a TTY: pages done of total, in flight, pages/s and ETA. It redraws at
 * most every 100 ms, so it costs nothing next to the work it shows.
 */
export class ProgressBar {
  readonly #stream: NodeJS.WriteStream;
  readonly #started = performance.now();
  #total = 0;
  #done = 0;
  #failed = 0;
  readonly #inFlight = new Set<string>();
  #lastDraw = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
    // Keep the time and ETA moving while a slow page streams; unref'd so it never holds the process.
    this.#timer = setInterval(() => this.#draw(true), 500).unref();
  }

  /** Feed every pipeline event; the display keeps its own counts. */
  update(event: ConversionEvent): void {
    switch (event.type) {
      case 'document-opened':
        this.addPages(event.pages.length);
        break;
      case 'request-sent':
        this.started(`${event.input}#${event.page}`);
        break;
      case 'page-done':
        this.finished(`${event.result.input}#${event.result.page}`, event.result.status === 'failed');
        break;
    }
  }

  /** `count` more pages to do. */
  addPages(count: number): void {
    this.#total += count;
    this.#draw(false);
  }

  /** A page (any unique key) is in flight. */
  started(key: string): void {
    this.#inFlight.add(key);
    this.#draw(false);
  }

  /** A page is done, or failed. */
  finished(key: string, failed: boolean): void {
    this.#inFlight.delete(key);
    this.#done++;
    if (failed) this.#failed++;
    this.#draw(false);
  }

  /** Clear the line and stop redrawing. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stream.write('\r\x1b[2K');
  }

  #draw(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = now;
    const seconds = (now - this.#started) / 1000;
    const rate = seconds > 0 ? this.#done / seconds : 0;
    const filled = this.#total > 0 ? Math.round((this.#done / this.#total) * WIDTH) : 0;
    const eta =
      rate > 0 && this.#total > this.#done ? `ETA ${formatSeconds((this.#total - this.#done) / rate)}` : '';
    const failed = this.#failed > 0 ? ` · ${this.#failed} failed` : '';
    // Rendering alone reports no requests, so it shows no "in flight".
    const inFlight = this.#inFlight.size > 0 ? ` · ${this.#inFlight.size} in flight` : '';
    const line = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${this.#done}/${this.#total} pages${inFlight} · ${rate.toFixed(2)} pages/s${failed} ${eta}`;
    this.#stream.write(`\r\x1b[2K${line.trimEnd()}`);
  }
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
}
