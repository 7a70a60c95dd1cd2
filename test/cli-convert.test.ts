import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunReport } from '../src/pipeline/build-run-report.js';
import { makePdf } from '../src/simulate/pdf-writer.js';
import { startSimulatedServer } from '../src/simulate/start-simulated-server.js';
import type { SimulatedServer } from '../src/simulate/start-simulated-server.js';
import { PROJECT_ROOT, collect, runCli, startCli } from './helpers/run-cli.js';
import { fixturePath, needsShared } from './helpers/shared-fixtures.js';

const SAMPLE = path.join(PROJECT_ROOT, 'examples/sample.pdf');

describe('pagestream convert (the real CLI, as a child process)', () => {
  let server: SimulatedServer;
  let dir: string;
  let twoPages: string;
  before(async () => {
    server = await startSimulatedServer({ timeScale: 0.02, seed: 3 });
    dir = await mkdtemp(path.join(tmpdir(), 'pagestream-cli-'));
    twoPages = path.join(dir, 'two.pdf');
    await writeFile(
      twoPages,
      makePdf([
        { width: 300, height: 400, lines: ['# One'] },
        { width: 320, height: 400, lines: ['# Two'] },
      ]),
    );
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const connect = () => ['--url', server.url, '--enable-remote-services', '--scale', '1'];

  it('builds an executable bin, so `npx pagestream` runs it directly', async () => {
    // tsc writes plain files, and npm links the root package's bin before `prepare` builds it.
    const { mode } = await stat(path.join(PROJECT_ROOT, 'dist/cli/bin.js'));
    assert.equal(mode & 0o111, 0o111);
    const firstLine = (await readFile(path.join(PROJECT_ROOT, 'dist/cli/bin.js'), 'utf8')).split('\n', 1)[0];
    assert.equal(firstLine, '#!/usr/bin/env node');
  });

  it('converts the bundled sample with --simulate and writes only the document on stdout', async () => {
    const result = await runCli(['convert', SAMPLE, '--simulate']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '', 'no progress or noise without a TTY');
    // The sample has three pages; the simulated model titles each answer with its image size.
    assert.equal(result.stdout.match(/^# Page \d+x\d+$/gm)?.length, 3);
  });

  it('writes the run report with every contract field, pages in order', async () => {
    const reportPath = path.join(dir, 'report.json');
    const result = await runCli([
      'convert',
      twoPages,
      ...connect(),
      '--report',
      reportPath,
      '-o',
      path.join(dir, 'two.md'),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as RunReport;
    assert.equal(report.version, 1);
    assert.deepEqual(report.inputs, [{ path: twoPages, pages: 2, status: 'success', error: null }]);
    assert.deepEqual(
      report.pages.map((page) => [page.page, page.status, page.imageWidth, page.imageHeight]),
      [
        [1, 'success', 300, 400],
        [2, 'success', 320, 400],
      ],
    );
    for (const key of [
      'finishReason',
      'stopper',
      'renderMs',
      'ttftMs',
      'totalMs',
      'chars',
      'promptTokens',
      'completionTokens',
      'retries',
      'error',
    ]) {
      assert.ok(key in (report.pages[0] ?? {}), `page field ${key}`);
    }
    assert.equal(report.totals.pages, 2);
    assert.equal(report.totals.succeeded, 2);
    assert.equal(report.totals.failed, 0);
    assert.ok(report.totals.pagesPerSecond > 0);
    assert.match(await readFile(path.join(dir, 'two.md'), 'utf8'), /^# Page 300x400$/m);
  });

  it('exits 2 and sends nothing without --enable-remote-services', async () => {
    server.resetStats();
    const result = await runCli(['convert', twoPages, '--url', server.url]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^error: REMOTE_SERVICES_DISABLED: .*--enable-remote-services/m);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(server.stats().requests, 0);
  });

  it('exits 2 naming the flag for a bad value, and 3 for an input that cannot be opened', async () => {
    const bad = await runCli(['convert', twoPages, ...connect(), '--concurrency', '0']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--concurrency/);
    const missing = await runCli(['convert', path.join(dir, 'nope.pdf'), ...connect()]);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /^error: INPUT_NOT_FOUND: /m);
    const unknownFlag = await runCli(['convert', twoPages, '--frobnicate']);
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.stderr, /^error: INVALID_OPTIONS: .*frobnicate/m);
  });

  it('converts several inputs into a folder; one bad input does not stop the others (exit 3)', async () => {
    const junk = path.join(dir, 'junk.pdf');
    await writeFile(junk, 'this is not a PDF');
    const out = path.join(dir, 'out');
    const reportPath = path.join(dir, 'several.json');
    const result = await runCli([
      'convert',
      twoPages,
      junk,
      SAMPLE,
      ...connect(),
      '-o',
      out,
      '--to',
      'html',
      '--report',
      reportPath,
    ]);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /^error: UNSUPPORTED_FORMAT: .*junk\.pdf/m);
    assert.deepEqual((await readdir(out)).sort(), ['sample.html', 'two.html']);
    assert.match(await readFile(path.join(out, 'two.html'), 'utf8'), /^<!DOCTYPE html>/i);
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as RunReport;
    assert.deepEqual(
      report.inputs.map((input) => [path.basename(input.path), input.status]),
      [
        ['two.pdf', 'success'],
        ['junk.pdf', 'failed'],
        ['sample.pdf', 'success'],
      ],
    );
    assert.equal(report.inputs[1]?.error?.code, 'UNSUPPORTED_FORMAT');
  });

  it('exits 1 when a page fails, and says which page on stderr', async () => {
    server.configure({ faults: { script: ['500'] } });
    try {
      const reportPath = path.join(dir, 'failed.json');
      const result = await runCli([
        'convert',
        twoPages,
        ...connect(),
        '--retries',
        '0',
        '--concurrency',
        '1',
        '--report',
        reportPath,
      ]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /^error: HTTP_STATUS: .*two\.pdf page [12]: server answered HTTP 500/m);
      const report = JSON.parse(await readFile(reportPath, 'utf8')) as RunReport;
      assert.equal(report.inputs[0]?.status, 'partial');
      assert.equal(report.totals.failed, 1);
      // The surviving page is still written.
      assert.match(result.stdout, /^# Page 3[02]0x400$/m);
    } finally {
      server.configure({ faults: { script: [] } });
    }
  });

  it('writes a DoclingDocument for --to json', async () => {
    const result = await runCli(['convert', twoPages, ...connect(), '--to', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const document = JSON.parse(result.stdout) as {
      schema_name: string;
      pages: Record<string, unknown>;
      texts: unknown[];
    };
    assert.equal(document.schema_name, 'DoclingDocument');
    assert.deepEqual(Object.keys(document.pages), ['1', '2']);
    assert.ok(document.texts.length > 0);
  });

  it('never prints the API key, even when the server rejects it', async () => {
    const secret = 'sk-test-0123456789-SECRET';
    const rejecting = await startSimulatedServer({ timeScale: 0.02 });
    await rejecting.close();
    // A closed port refuses the connection: the error names the host, never the key.
    const reportPath = path.join(dir, 'secret.json');
    const result = await runCli([
      'convert',
      twoPages,
      '--url',
      rejecting.url,
      '--enable-remote-services',
      '--api-key',
      secret,
      '--retries',
      '0',
      '--report',
      reportPath,
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /CONNECTION/);
    const report = await readFile(reportPath, 'utf8');
    for (const text of [result.stdout, result.stderr, report]) assert.ok(!text.includes(secret));
    const help = await runCli(['convert', '--help'], { env: { PAGESTREAM_API_KEY: secret } });
    assert.equal(help.code, 0);
    assert.ok(!help.stdout.includes(secret));
  });

  it('stops at once on SIGINT, writes the report for what finished and exits 130', async () => {
    const slow = await startSimulatedServer({ timeScale: 1, minTokens: 400, maxTokens: 400 });
    try {
      const reportPath = path.join(dir, 'interrupted.json');
      const child = startCli([
        'convert',
        SAMPLE,
        '--url',
        slow.url,
        '--enable-remote-services',
        '--stop-tag',
        'none',
        '--report',
        reportPath,
      ]);
      const deadline = Date.now() + 60_000;
      while (slow.stats().active === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(slow.stats().active > 0, 'requests were in flight');
      child.kill('SIGINT');
      const result = await collect(child, 15_000);
      assert.equal(result.code, 130, result.stderr);
      const report = JSON.parse(await readFile(reportPath, 'utf8')) as RunReport;
      assert.equal(report.pages.length, 3);
      assert.ok(report.pages.every((page) => page.status === 'skipped'));
      const waitUntil = Date.now() + 5_000;
      while (slow.stats().active > 0 && Date.now() < waitUntil)
        await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(slow.stats().active, 0, 'the server saw every stream closed');
    } finally {
      await slow.close();
    }
  });
});

describe('pagestream convert on the shared real-world PDFs', needsShared, () => {
  let server: SimulatedServer;
  let dir: string;
  before(async () => {
    server = await startSimulatedServer({ timeScale: 0.02, seed: 5 });
    dir = await mkdtemp(path.join(tmpdir(), 'pagestream-shared-'));
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('converts each file as its INDEX row says: sizes, rotation, encryption, damage, invalid', async () => {
    const names = [
      'sizes.pdf',
      'font_ascent_descent.pdf',
      'issue9972-1.pdf',
      'pr6531_1.pdf',
      'govdocs1-033689.pdf',
      'bug1020226.pdf',
    ];
    const reportPath = path.join(dir, 'report.json');
    const out = path.join(dir, 'out');
    const args = [
      'convert',
      ...names.map((name) => fixturePath('pdfs', name)),
      '--url',
      server.url,
      '--enable-remote-services',
    ];
    const result = await runCli([...args, '--scale', '0.5', '-o', out, '--report', reportPath], {
      timeoutMs: 120_000,
    });
    // pr6531_1 needs a password and bug1020226 is not a PDF at all: exit 3, the others still converted.
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /^error: PASSWORD_REQUIRED: .*pr6531_1\.pdf.*--password/m);
    assert.match(result.stderr, /^error: INVALID_DOCUMENT: .*bug1020226\.pdf/m);
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as RunReport;
    assert.deepEqual(
      report.inputs.map((input) => [
        path.basename(input.path),
        input.pages,
        input.status,
        input.error?.code ?? null,
      ]),
      [
        ['sizes.pdf', 3, 'success', null],
        ['font_ascent_descent.pdf', 1, 'success', null],
        ['issue9972-1.pdf', 1, 'success', null],
        ['pr6531_1.pdf', 0, 'failed', 'PASSWORD_REQUIRED'],
        ['govdocs1-033689.pdf', 3, 'success', null],
        ['bug1020226.pdf', 0, 'failed', 'INVALID_DOCUMENT'],
      ],
    );
    const sizes = report.pages.filter((page) => page.input.endsWith('sizes.pdf'));
    // Each page gets its own size (half of 612x792, 649x323 and 792x612 points, edges floored), in page order.
    assert.deepEqual(
      sizes.map((page) => [page.page, page.imageWidth, page.imageHeight]),
      [
        [1, 306, 396],
        [2, 324, 161],
        [3, 396, 306],
      ],
    );
    const rotated = report.pages.find((page) => page.input.endsWith('font_ascent_descent.pdf'));
    assert.deepEqual(
      [rotated?.imageWidth, rotated?.imageHeight],
      [421, 297],
      '/Rotate 90 shows A4 (595x842 pt) as landscape',
    );
    const markdown = await readFile(path.join(out, 'sizes.md'), 'utf8');
    const order = [...markdown.matchAll(/^# Page (\d+x\d+)$/gm)].map((match) => match[1]);
    assert.deepEqual(order, ['306x396', '324x161', '396x306']);
  });

  it('opens an encrypted PDF with --password', async () => {
    const result = await runCli([
      'convert',
      fixturePath('pdfs', 'pr6531_1.pdf'),
      '--url',
      server.url,
      '--enable-remote-services',
      '--scale',
      '0.5',
      '--password',
      'asdfasdf',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^# Page 288x195$/m);
    const wrong = await runCli([
      'convert',
      fixturePath('pdfs', 'pr6531_1.pdf'),
      '--url',
      server.url,
      '--enable-remote-services',
      '--password',
      'nope',
    ]);
    assert.equal(wrong.code, 3);
    assert.match(wrong.stderr, /^error: INCORRECT_PASSWORD: /m);
    assert.ok(!wrong.stderr.includes('nope'), 'the password is not echoed');
  });
});
