// How much generation the stoppers save on a model that runs away past </doctag>, and how fast the server
// learns the client has gone. Run: node --import tsx benchmarks/early-abort.ts [--quick]
import { convert } from '../src/index.js';
import type { DocumentResult } from '../src/index.js';
import type { SimulatedRequestRecord, SimulatedServerOptions } from '../src/simulate/index.js';
import { percentile } from '../src/internal/percentile.js';
import { isQuick } from './lib/bench-args.js';
import { makeBenchPdf } from './lib/make-bench-pdf.js';
import { spawnSimServer } from './lib/spawn-sim-server.js';
import { describeLoad, loadNow } from './lib/describe-load.js';
import { markdownTable, writeResultsSection } from './lib/write-results.js';

const quick = isQuick();
const loadAtStart = loadNow();
const PAGES = quick ? 8 : 32;
const CONCURRENCY = 16;
const MAX_TOKENS = 2048;
/** Default timings (8 ms + 0.5 ms per sequence a step), so tokens after the end mean what they would on a real server. */
const BASE: SimulatedServerOptions = { capacity: 16, answerFormat: 'doctags', seed: 3 };
const FLOOR_AFTER_END = 2;

interface Case {
  readonly name: string;
  readonly runaway: boolean;
  readonly stoppers: boolean;
}

const CASES: readonly Case[] = [
  { name: 'runaway, stoppers on (default)', runaway: true, stoppers: true },
  { name: 'runaway, stoppers off', runaway: true, stoppers: false },
  { name: 'well-behaved, stoppers on (default)', runaway: false, stoppers: true },
];

interface Outcome {
  readonly kase: Case;
  readonly result: DocumentResult;
  readonly records: readonly SimulatedRequestRecord[];
  readonly wallMs: number;
}

const pdf = makeBenchPdf(PAGES);
const outcomes: Outcome[] = [];
for (const kase of CASES) {
  // A fresh server per case, so its records are this case's only.
  const server = await spawnSimServer({ ...BASE, runaway: kase.runaway });
  try {
    const started = performance.now();
    const result = await convert(pdf, {
      url: server.url,
      enableRemoteServices: true,
      concurrency: CONCURRENCY,
      maxTokens: MAX_TOKENS,
      imageFormat: 'jpeg',
      ...(kase.stoppers ? {} : { stopTag: null, repetitionStop: false }),
    });
    const wallMs = performance.now() - started;
    // The server notices a disconnect a moment after the client closes; give it that moment.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { records } = await server.stats();
    outcomes.push({ kase, result, records, wallMs });
    console.log(`${kase.name}: ${(wallMs / 1000).toFixed(1)} s, ${records.length} requests`);
  } finally {
    await server.close();
  }
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const fixed = (value: number | null, digits = 1) => (value === null ? 'n/a' : value.toFixed(digits));
const rows = outcomes.map(({ kase, result, records, wallMs }) => {
  const generated = records.map((r) => r.tokens);
  const after = records.map((r) => r.afterEnd);
  const gaps = records.flatMap((r) =>
    r.naturalEndAt !== null && r.endedAt !== null && r.disconnected ? [r.endedAt - r.naturalEndAt] : [],
  );
  const reasons = new Map<string, number>();
  for (const page of result.pages) {
    const key = `${page.finishReason ?? 'none'}${page.stopper ? `/${page.stopper}` : ''}`;
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  return {
    kase,
    tokensPerPage: sum(generated) / records.length,
    afterPerPage: sum(after) / records.length,
    afterMax: Math.max(...after),
    gapP50: percentile(gaps, 50),
    gapP95: percentile(gaps, 95),
    disconnected: records.filter((r) => r.disconnected).length,
    requests: records.length,
    reasons: [...reasons.entries()].map(([key, count]) => `${key}: ${count}`).join(', '),
    ok: result.pages.filter((page) => page.status === 'success').length,
    wallMs,
  };
});

const withStoppers = rows[0];
const without = rows[1];
const behaved = rows[2];
if (!withStoppers || !without || !behaved) throw new Error('a case did not run');
const table = markdownTable(
  [
    'case',
    'pages ok',
    'requests',
    'tokens generated / page',
    'after natural end / page (max)',
    'disconnects',
    'natural end -> server sees disconnect p50 / p95 ms',
    'finish reasons',
    'wall s',
  ],
  rows.map((row) => [
    row.kase.name,
    row.ok,
    row.requests,
    row.tokensPerPage.toFixed(1),
    `${row.afterPerPage.toFixed(2)} (${row.afterMax})`,
    row.disconnected,
    `${fixed(row.gapP50)} / ${fixed(row.gapP95)}`,
    row.reasons,
    (row.wallMs / 1000).toFixed(1),
  ]),
);
const floorMet = withStoppers.afterPerPage <= FLOOR_AFTER_END;
const behavedStop = behaved.reasons === `stop: ${PAGES}`;
writeResultsSection(
  'early-abort',
  `## Early abort on runaway answers (\`benchmarks/early-abort.ts\`${quick ? ', --quick' : ''})

One run per case, ${PAGES} pages (\`makePdf\`, JPEG at scale 2), concurrency ${CONCURRENCY}, \`maxTokens\` ${MAX_TOKENS}, DocTags.
The simulated server runs in its own child process (a fresh one per case) with default timings (decode
step 8 ms + 0.5 ms per sequence, capacity ${BASE.capacity}); \`runaway: true\` repeats the last element after
\`</doctag>\` until the token cap. Token counts and times are the server's own records (\`GET /stats\`):
"after natural end" counts tokens generated past \`</doctag>\`; the latency is \`endedAt - naturalEndAt\` of
each request the client closed, i.e. from the server generating \`</doctag>\` to it seeing the socket close,
which includes the client's drain grace after a stopper fires. ${describeLoad(loadAtStart)}

${table}

- Stoppers cut generation from **${without.tokensPerPage.toFixed(0)}** to **${withStoppers.tokensPerPage.toFixed(0)}** tokens per page
  (${(without.tokensPerPage / withStoppers.tokensPerPage).toFixed(1)}x less).
- Tokens generated after the natural end with stoppers: **${withStoppers.afterPerPage.toFixed(2)} per page** (floor <= ${FLOOR_AFTER_END}: ${floorMet ? 'met' : '**not met**'}).
- \`</doctag>\` to the server seeing the disconnect: p50 **${fixed(withStoppers.gapP50)} ms**, p95 **${fixed(withStoppers.gapP95)} ms**.
- Why not fewer: the client tells a runaway from a natural end by the next content chunk during its drain
  grace, so at least one token past \`</doctag>\` is generated, and usually a second one while the abort
  reaches the server (one decode step is ${(8 + 0.5 * CONCURRENCY).toFixed(0)} ms here); more than that is event-loop latency on the client: its
  main thread reads the streams late when the machine is loaded (its render workers, the server's process
  and other jobs share 2 cores).
- Well-behaved server (no runaway): ${behavedStop ? `every page ended with finishReason \`stop\`, none counted as stopped early` : `finish reasons were ${behaved.reasons} (expected \`stop\` for all ${PAGES})`}; ${behaved.disconnected} of ${behaved.requests} requests were closed by the client before the server finished.`,
);
