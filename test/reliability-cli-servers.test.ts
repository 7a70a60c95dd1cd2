import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import type { RunReport } from '../src/pipeline/build-run-report.js';
import { makePdf } from '../src/simulate/pdf-writer.js';
import { startSimulatedServer } from '../src/simulate/start-simulated-server.js';
import { startRecordingServer } from './helpers/recording-server.js';
import type { RecordingServer } from './helpers/recording-server.js';
import { collect, runCli, startCli } from './helpers/run-cli.js';
import { chunk, sseData } from './helpers/sse-replay.js';

/** Stream content chunks until the client hangs up (bounded, so a broken client cannot spin the test). */
async function endless(res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const event = sseData(chunk({ content: 'again and again ' }));
  for (let i = 0; i < 100_000 && !res.destroyed; i++) {
    if (!res.write(event)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
    if (i % 50 === 0) await tick();
  }
  res.end();
}

describe('bad servers, through the real CLI: one clear line per page, exit 1, the run finishes', () => {
  let dir: string;
  let input: string;
  const servers: RecordingServer[] = [];
  let refusedUrl: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pagestream-servers-'));
    input = path.join(dir, 'one.pdf');
    await writeFile(input, makePdf([{ width: 200, height: 200, lines: ['# One'] }]));
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    refusedUrl = `http://127.0.0.1:${port}/v1/chat/completions`;
  });
  after(async () => {
    for (const server of servers) await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const serve = async (handler: Parameters<typeof startRecordingServer>[0]) => {
    const server = await startRecordingServer(handler);
    servers.push(server);
    return server;
  };

  it('refused, silent, wrong path, HTML, endless: each named on stderr, the report says why', async () => {
    const silent = await serve(() => undefined); // accepts, then never answers
    const headersOnly = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': queued\n\n');
    });
    const wrongPath = await serve((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><title>404 Not Found</title></html>'),
    );
    const proxy = await serve((_req, res) =>
      res
        .writeHead(502, { 'content-type': 'text/html' })
        .end('<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>'),
    );
    const runaway = await serve((_req, res) => void endless(res));
    const root = (url: string) => url.replace('/v1/chat/completions', '/');
    // [label, URL, extra flags, the stderr line, the report's finish reason]
    const cases: [string, string, string[], RegExp, string][] = [
      [
        'refused',
        refusedUrl,
        [],
        /^error: CONNECTION: .*page 1: connection to 127\.0\.0\.1:\d+ refused/m,
        'error',
      ],
      [
        'silent',
        silent.url,
        ['--first-token-timeout', '0.3'],
        /^error: TIMEOUT: .*page 1: timed out after 300 ms waiting for the first token$/m,
        'error',
      ],
      [
        'headers only',
        headersOnly.url,
        ['--first-token-timeout', '0.3'],
        /^error: TIMEOUT: .*page 1: timed out after 300 ms waiting for the first token$/m,
        'error',
      ],
      [
        'wrong path',
        root(wrongPath.url),
        [],
        /^error: HTTP_STATUS: .*page 1: server answered HTTP 404: 404 Not Found \(check the URL: it should end in \/v1\/chat\/completions\)$/m,
        'error',
      ],
      [
        'proxy',
        proxy.url,
        [],
        /^error: HTTP_STATUS: .*page 1: server answered HTTP 502: 502 Bad Gateway$/m,
        'error',
      ],
      // No stopper at all and a server that never stops: the hard cap (32 chars per token) ends it.
      [
        'endless',
        runaway.url,
        ['--stop-tag', 'none', '--no-repetition-stop', '--max-tokens', '16'],
        /^$/,
        'length',
      ],
    ];
    await Promise.all(
      cases.map(async ([label, url, flags, line, finishReason], index) => {
        const reportPath = path.join(dir, `report-${index}.json`);
        const result = await runCli(
          [
            'convert',
            input,
            '--url',
            url,
            '--enable-remote-services',
            '--retries',
            '0',
            '--response-format',
            'text',
            '--report',
            reportPath,
            ...flags,
          ],
          { timeoutMs: 60_000 },
        );
        const report = JSON.parse(await readFile(reportPath, 'utf8')) as RunReport;
        assert.equal(report.pages[0]?.finishReason, finishReason, `${label}: ${result.stderr}`);
        if (finishReason === 'length') {
          assert.equal(result.code, 0, `${label}: ${result.stderr}`);
          assert.equal(report.pages[0].chars, 16 * 32);
          assert.equal(result.stderr, '');
          return;
        }
        assert.equal(result.code, 1, `${label}: ${result.stderr}`);
        assert.match(result.stderr, line, label);
        assert.equal(result.stderr.trim().split('\n').length, 1, `${label}: one line\n${result.stderr}`);
        assert.doesNotMatch(result.stderr, /<|\n\s+at /, `${label}: no markup, no stack`);
        assert.ok(report.pages[0].error?.message, label);
      }),
    );
  });

  it('retries show in the report, for pages that succeed after them and pages that fail after them', async () => {
    const server = await startSimulatedServer({
      timeScale: 0.01,
      faults: { retryAfterSeconds: 0, script: ['429', 'cut', 'ok', '429', '503', '429'] },
    });
    try {
      const run = async (name: string) => {
        const reportPath = path.join(dir, name);
        const result = await runCli([
          'convert',
          input,
          '--url',
          server.url,
          '--enable-remote-services',
          '--retries',
          '2',
          '--report',
          reportPath,
        ]);
        const report = JSON.parse(await readFile(reportPath, 'utf8')) as RunReport;
        return { result, page: report.pages[0] };
      };
      const recovered = await run('recovered.json');
      assert.equal(recovered.result.code, 0, recovered.result.stderr);
      assert.equal(recovered.page?.status, 'success');
      assert.equal(recovered.page.retries, 2);
      const failed = await run('failed.json');
      assert.equal(failed.result.code, 1, failed.result.stderr);
      assert.equal(failed.page?.status, 'failed');
      assert.equal(failed.page.error?.code, 'HTTP_STATUS');
      assert.equal(failed.page.retries, 2, 'a failed page still says how often it was retried');
      assert.equal(server.stats().requests, 6);
    } finally {
      await server.close();
    }
  });

  it('SIGINT with one page done and one in flight: exit 130, the done page in the report, the socket closed', async () => {
    const twoPages = path.join(dir, 'two.pdf');
    await writeFile(
      twoPages,
      makePdf([
        { width: 200, height: 200, lines: ['# One'] },
        { width: 200, height: 200, lines: ['# Two'] },
      ]),
    );
    const server = await serve((_req, res, _recorded, index) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // The first page is answered at once; the second streams a token and then hangs.
      if (index === 0) res.end(sseData(chunk({ content: 'done' }, { finish: 'stop' })) + 'data: [DONE]\n\n');
      else res.write(sseData(chunk({ content: 'partial' })));
    });
    const reportPath = path.join(dir, 'interrupted.json');
    const child = startCli([
      'convert',
      twoPages,
      '--url',
      server.url,
      '--enable-remote-services',
      '--response-format',
      'text',
      '--concurrency',
      '2',
      '--report',
      reportPath,
    ]);
    const result = collect(child, 60_000);
    const deadline = Date.now() + 30_000;
    while (server.requests.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(server.requests.length, 2, 'both pages were requested');
    child.kill('SIGINT');
    const { code, stderr } = await result;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /^error: INTERRUPTED: /m);
    assert.doesNotMatch(stderr, /\n\s+at /);
    const closed = await server.requests[1]?.closed;
    assert.equal(closed?.byClient, true, 'the in-flight request was aborted');
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as RunReport;
    // Whichever page was answered first is reported as converted; the other as skipped, not lost.
    assert.deepEqual(
      report.pages.map((page) => page.page),
      [1, 2],
    );
    assert.deepEqual(report.pages.map((page) => page.status).sort(), ['skipped', 'success']);
  });
});
