import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makePdf } from '../src/simulate/pdf-writer.js';
import { startRecordingServer } from './helpers/recording-server.js';
import type { RecordingServer } from './helpers/recording-server.js';
import { runCli } from './helpers/run-cli.js';
import type { CliResult } from './helpers/run-cli.js';

// Distinct secrets per channel, so a leak says which channel leaked.
const FLAG_KEY = 'sk-flag-7c1e9a0b5d3f';
const ENV_KEY = 'sk-env-2b8d4f6a1c9e';
const OPENAI_KEY = 'sk-openai-5e3a7c9b1d2f';
const HEADER_TOKEN = 'hdr-token-9f8e7d6c5b4a';
const ALL = [FLAG_KEY, ENV_KEY, OPENAI_KEY, HEADER_TOKEN];

function assertNoSecret(label: string, ...texts: string[]) {
  for (const text of texts)
    for (const secret of ALL) assert.ok(!text.includes(secret), `${label}: ${secret} leaked in:\n${text}`);
}

describe('secrets never appear in output, reports or help (the real CLI)', () => {
  let dir: string;
  let input: string;
  let server: RecordingServer;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pagestream-secrets-'));
    input = path.join(dir, 'doc.pdf');
    await writeFile(input, makePdf([{ width: 200, height: 200, lines: ['# Secret test'] }]));
    // The worst case: a server that rejects the key and quotes every credential it was sent.
    server = await startRecordingServer((req, res) =>
      res.writeHead(401, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          error: {
            message: `Invalid credentials: authorization=${String(req.headers.authorization)} x-api-key=${String(req.headers['x-api-key'])}`,
          },
        }),
      ),
    );
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const env = { PAGESTREAM_API_KEY: ENV_KEY, OPENAI_API_KEY: OPENAI_KEY };

  it('--help of every command, with keys in the environment and on the command line', async () => {
    const runs: Promise<CliResult>[] = [
      runCli(['--help'], { env }),
      // render and simulate take no connection flags: the keys are in their environment only.
      runCli(['render', '--help'], { env }),
      runCli(['simulate', '--help'], { env }),
      ...['convert', 'bench'].map((command) =>
        runCli(
          [command, '--help', '--api-key', FLAG_KEY, '--header', `Authorization: Bearer ${HEADER_TOKEN}`],
          {
            env,
          },
        ),
      ),
      // Flags a command does not know, with the secret inline, are named without their value.
      runCli(['render', 'x.pdf', '--out-dir', dir, `--api-key=${FLAG_KEY}`], { env }),
    ];
    for (const result of await Promise.all(runs)) {
      assertNoSecret('help', result.stdout, result.stderr);
    }
  });

  // [how the key is given, the extra args, the extra env, the Authorization the server must have seen]
  const channels: [string, string[], Record<string, string>, string][] = [
    ['--api-key', ['--api-key', FLAG_KEY], env, `Bearer ${FLAG_KEY}`],
    ['PAGESTREAM_API_KEY', [], env, `Bearer ${ENV_KEY}`],
    ['OPENAI_API_KEY', [], { OPENAI_API_KEY: OPENAI_KEY }, `Bearer ${OPENAI_KEY}`],
    [
      '--header Authorization',
      ['--header', `Authorization: Bearer ${HEADER_TOKEN}`, '--header', `X-Api-Key: ${HEADER_TOKEN}`],
      {},
      `Bearer ${HEADER_TOKEN}`,
    ],
  ];
  it('convert with the key from each channel: sent, rejected and echoed, never printed or reported', async () => {
    // The channels run at once, each with its own model name, to tell their requests apart.
    await Promise.all(
      channels.map(async ([label, args, extraEnv, sent], index) => {
        const reportPath = path.join(dir, `report-${index}.json`);
        const model = `model-${index}`;
        const result = await runCli(
          [
            'convert',
            input,
            '--url',
            server.url,
            '--enable-remote-services',
            '--model',
            model,
            '--report',
            reportPath,
            ...args,
          ],
          { env: extraEnv },
        );
        assert.equal(result.code, 1, result.stderr);
        // The key really went out: the test would prove nothing otherwise.
        const request = server.requests.find((r) => (r.body as { model?: string }).model === model);
        assert.equal(request?.headers.authorization, sent, label);
        assert.match(
          result.stderr,
          /HTTP_STATUS: .*401.*Invalid credentials: authorization=(Bearer )?\[redacted\]/,
        );
        assert.match(result.stderr, /API key is missing or wrong/);
        const report = await readFile(reportPath, 'utf8');
        assert.match(report, /\[redacted\]/);
        assertNoSecret(label, result.stdout, result.stderr, report);
      }),
    );
  });

  it('with PAGESTREAM_DEBUG=1 the stack is printed too: still no secret', async () => {
    const result = await runCli(
      [
        'convert',
        input,
        '--url',
        server.url,
        '--enable-remote-services',
        '--header',
        `X-Api-Key: ${HEADER_TOKEN}`,
      ],
      { env: { ...env, PAGESTREAM_DEBUG: '1' } },
    );
    assert.equal(result.code, 1, result.stderr);
    assertNoSecret('debug', result.stdout, result.stderr);
  });

  it('bench with a key: the report and the output hold no secret', async () => {
    const reportPath = path.join(dir, 'bench.json');
    const result = await runCli(
      [
        'bench',
        input,
        '--url',
        server.url,
        '--enable-remote-services',
        '--concurrency',
        '1',
        '--api-key',
        FLAG_KEY,
        '--header',
        `Authorization: Bearer ${HEADER_TOKEN}`,
        '--report',
        reportPath,
      ],
      { env },
    );
    const report = await readFile(reportPath, 'utf8').catch(() => '');
    assertNoSecret('bench', result.stdout, result.stderr, report);
  });

  it('usage errors next to a key do not echo it', async () => {
    const results = await Promise.all([
      runCli(['convert', input, '--api-key', FLAG_KEY, '--concurrency', 'many'], { env }),
      runCli(['convert', input, '--header', `Bearer ${HEADER_TOKEN}`], { env }),
      runCli(['convert', input, '--api-key', '', '--url', server.url], { env }),
      runCli(['bench', input, '--api-key', FLAG_KEY], { env }),
    ]);
    for (const result of results) {
      assert.equal(result.code, 2, result.stderr);
      assertNoSecret('usage', result.stdout, result.stderr);
    }
  });
});
