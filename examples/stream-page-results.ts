/**
 * Stream page results as they arrive: convertStream returns an RxJS Observable of events. Pages finish
 * in any order; each result says which page it is. Unsubscribing cancels everything in flight.
 *   node --import tsx examples/stream-page-results.ts [file.pdf]
 */
import { filter } from 'rxjs';
import { convertStream } from 'pagestream';
import { connect } from './endpoint.js';

const input = process.argv[2] ?? new URL('sample.pdf', import.meta.url).pathname;
const endpoint = await connect();
const started = performance.now();
convertStream(input, { ...endpoint.options, concurrency: 2 })
  .pipe(filter((event) => event.type === 'first-token' || event.type === 'page-done'))
  .subscribe({
    next(event) {
      const at = `${(performance.now() - started).toFixed(0).padStart(5)} ms`;
      if (event.type === 'first-token')
        console.log(`${at}  page ${event.page}: first token after ${event.ttftMs.toFixed(0)} ms`);
      if (event.type === 'page-done')
        console.log(
          `${at}  page ${event.result.page}: ${event.result.status}, ${event.result.chars} characters`,
        );
    },
    error(error: unknown) {
      console.error(error);
      void endpoint.close();
    },
    complete() {
      void endpoint.close();
    },
  });
