import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT, collect } from './helpers/run-cli.js';

/** Run an example as a user would (offline: without PAGESTREAM_URL it uses the simulated server). */
function runExample(name: string) {
  const env = { ...process.env };
  delete env.PAGESTREAM_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('examples', name)], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, 60_000);
}

describe('examples run as documented', () => {
  it('convert-to-markdown prints Markdown and a status per page', async () => {
    const result = await runExample('convert-to-markdown.ts');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.match(/^# Page \d+x\d+$/gm)?.length, 3);
    assert.match(result.stderr, /^page 3: success/m);
  });

  it('custom-stopper ends the page with a table at the end of that table', async () => {
    const result = await runExample('custom-stopper.ts');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /stopper first-table/);
  });

  it('stream-page-results shows pages as they finish', async () => {
    const result = await runExample('stream-page-results.ts');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.match(/page \d: success/g)?.length, 3);
  });

  it('convert-many-files converts every input with one set of workers', async () => {
    const result = await runExample('convert-many-files.ts');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^9\/9 pages at /m);
  });
});
