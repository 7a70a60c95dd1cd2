import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildRunReport } from '../src/pipeline/build-run-report.js';
import { convertAll } from '../src/pipeline/convert.js';
import { makePdf } from '../src/simulate/pdf-writer.js';
import { startSimulatedServer } from '../src/simulate/start-simulated-server.js';
import type { SimulatedServer } from '../src/simulate/start-simulated-server.js';

describe('run report token accounting', () => {
  let server: SimulatedServer;
  before(async () => {
    server = await startSimulatedServer({ timeScale: 0.05, seed: 11 });
  });
  after(() => server.close());

  const pdf = makePdf([1, 2, 3].map((n) => ({ width: 300 + n, height: 300, lines: [`# Page ${n}`] })));
  const options = () => ({ url: server.url, enableRemoteServices: true, scale: 1, maxTokens: 1000 });

  it('counts early stops and the tokens they saved on a runaway server', async () => {
    server.configure({ runaway: true });
    try {
      server.resetStats();
      const run = await convertAll([{ source: pdf, name: 'runaway.pdf' }], options());
      const report = buildRunReport(run.documents, run.wallMs, { maxTokens: 1000 });
      assert.equal(report.totals.stoppedEarly, 3);
      assert.ok(
        report.pages.every((page) => page.finishReason === 'stopper' && page.usageSource === 'local'),
      );
      const generated = report.totals.completionTokens;
      assert.ok(generated > 0 && generated < 1000);
      assert.equal(report.totals.tokensSavedAtMost, 3 * 1000 - generated);
      // The server really stopped: it generated about what the client counted, nowhere near 3 x 1000.
      assert.ok(server.stats().tokensGenerated < generated + 3 * 10);
    } finally {
      server.configure({ runaway: false });
    }
  });

  it('counts nothing as saved when answers end naturally', async () => {
    const run = await convertAll([{ source: pdf, name: 'natural.pdf' }], options());
    const report = buildRunReport(run.documents, run.wallMs, { maxTokens: 1000 });
    assert.equal(report.totals.stoppedEarly, 0);
    assert.equal(report.totals.tokensSavedAtMost, 0);
    assert.ok(report.pages.every((page) => page.finishReason === 'stop' && page.usageSource === 'server'));
    assert.ok(report.totals.promptTokens > 0);
    assert.equal(buildRunReport(run.documents, run.wallMs).totals.tokensSavedAtMost, null);
  });
});
