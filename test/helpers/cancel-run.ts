// Run by test/pipeline-cancel.test.ts in a child process, against the built package: start a run,
// abort it mid-flight or unsubscribe, then print the process's active resources as JSON. The parent
// also checks that this process exits by itself: a leaked socket, timer or worker would keep it alive.
import { convert, convertStream } from '../../dist/index.js';
import { makePdf, startSimulatedServer } from '../../dist/simulate/index.js';

const mode = process.argv[2] ?? 'abort';
const count = () => {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
};
const server = await startSimulatedServer({ timeScale: 1, minTokens: 300, maxTokens: 300 });
const baseline = count();
const pdf = makePdf(
  Array.from({ length: 8 }, (_, i) => ({ width: 300 + i, height: 400, lines: ['# Page', 'Text.'] })),
);
const options = { url: server.url, enableRemoteServices: true, concurrency: 4, stopTag: null };
const inFlight = async () => {
  while (server.stats().active < 2) await new Promise((resolve) => setTimeout(resolve, 10));
};

let outcome: string;
if (mode === 'abort') {
  const controller = new AbortController();
  const run = convert({ source: pdf, name: 'eight.pdf' }, { ...options, signal: controller.signal });
  await inFlight();
  controller.abort(new Error('stop'));
  outcome = await run.then(
    () => 'resolved',
    (error: unknown) => `rejected: ${error instanceof Error ? error.message : String(error)}`,
  );
} else {
  const subscription = convertStream({ source: pdf, name: 'eight.pdf' }, options).subscribe();
  await inFlight();
  subscription.unsubscribe();
  outcome = 'unsubscribed';
}
// Give the sockets' close events a moment to reach the server, then measure.
const deadline = Date.now() + 5000;
while (server.stats().active > 0 && Date.now() < deadline)
  await new Promise((resolve) => setTimeout(resolve, 10));
await new Promise((resolve) => setTimeout(resolve, 200));
const after = count();
const stats = server.stats();
await server.close();
process.stdout.write(
  JSON.stringify({
    outcome,
    baseline,
    after,
    active: stats.active,
    disconnects: stats.disconnects,
    completed: stats.completed,
  }),
);
