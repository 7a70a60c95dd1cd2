import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runCli } from './helpers/run-cli.js';

// Whole-number flags of every command are checked alike, before anything is opened or started.
it('refuses out-of-range whole-number flags with exit 2 and one line naming the flag and range', async () => {
  const cases: [args: string[], message: RegExp][] = [
    [
      ['bench', 'none.pdf', '--simulate', '--repeat', '0'],
      /--repeat: expected a whole number from 1 to 100; got "0"/,
    ],
    [
      ['bench', 'none.pdf', '--simulate', '--repeat', '2.5'],
      /--repeat: expected a whole number from 1 to 100/,
    ],
    [['simulate', '--port', '70000'], /--port: expected a whole number from 0 to 65535; got "70000"/],
    [
      ['render', 'none.pdf', '--out-dir', 'none', '--workers', ''],
      /--workers: expected a whole number 0 or more; got ""/,
    ],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /^error: INVALID_OPTIONS: /);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').length, 1);
  }
});
