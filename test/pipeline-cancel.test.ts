import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT, collect } from './helpers/run-cli.js';

interface CancelReport {
  outcome: string;
  baseline: Record<string, number>;
  after: Record<string, number>;
  active: number;
  disconnects: number;
  completed: number;
}

/** Cancel a run in a fresh process (against the built package) and read what it left behind. */
async function cancelRun(mode: 'abort' | 'unsubscribe'): Promise<CancelReport> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(PROJECT_ROOT, 'test/helpers/cancel-run.ts'), mode],
    {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // The process must exit on its own: a leaked socket, timer, worker or listener would keep it alive.
  const result = await collect(child, 60_000);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as CancelReport;
}

describe('cancellation releases everything', () => {
  for (const mode of ['abort', 'unsubscribe'] as const) {
    it(`${mode}: in-flight requests end, the server sees the disconnects, no handle is left open`, async () => {
      const report = await cancelRun(mode);
      assert.equal(report.outcome, mode === 'abort' ? 'rejected: stop' : 'unsubscribed');
      assert.equal(report.active, 0, 'the server still decodes for a cancelled request');
      assert.ok(report.disconnects >= 2, `only ${report.disconnects} disconnects`);
      assert.ok(report.completed < 8, 'the run went on after cancellation');
      // Sockets, timers and message ports (workers) are what a leak leaves; pipes and close requests
      // belong to the child's own stdio.
      const leaks = (counts: Record<string, number>) =>
        Object.fromEntries(
          Object.entries(counts).filter(([type]) => /Socket|Timeout|Immediate|MessagePort|Server/.test(type)),
        );
      assert.deepEqual(leaks(report.after), leaks(report.baseline), 'resources left open after cancellation');
    });
  }
});
