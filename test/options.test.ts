import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidOptionsError } from '../src/errors.js';
import { resolveOptions } from '../src/options.js';

describe('resolveOptions', () => {
  it('applies the documented defaults', () => {
    const options = resolveOptions({});
    assert.equal(options.scale, 2);
    assert.equal(options.temperature, 0);
    assert.equal(options.concurrency, 4);
    assert.equal(options.responseFormat, 'doctags');
    assert.equal(options.imageFormat, 'png');
    assert.equal(options.maxTokens, 4096);
    assert.equal(options.retries, 3);
    assert.equal(options.enableRemoteServices, false);
    assert.deepEqual(options.params, {});
  });

  it('names every bad field, the value and what was expected, in one error', () => {
    const error = captureError(() =>
      resolveOptions({ concurrency: 0, scale: -1, responseFormat: 'pdf' as 'html', url: 'ftp://x' }),
    );
    assert.ok(error instanceof InvalidOptionsError);
    assert.equal(error.code, 'INVALID_OPTIONS');
    for (const field of ['concurrency', 'scale', 'responseFormat', 'url'])
      assert.match(error.message, new RegExp(`${field}:`));
    assert.match(error.message, /concurrency: .*got 0/);
    assert.match(error.message, /responseFormat: .*"pdf"/);
  });

  it('rejects unknown fields instead of ignoring them', () => {
    const error = captureError(() => resolveOptions({ concurency: 8 } as never));
    assert.match(error.message, /concurency/);
  });

  it('never echoes an API key or header value it rejects', () => {
    const error = captureError(() =>
      resolveOptions({ apiKey: 42 as unknown as string, headers: { Authorization: 7 as unknown as string } }),
    );
    assert.doesNotMatch(error.message, /42|7/);
  });
});

function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof Error);
    return error;
  }
  assert.fail('expected an error');
}

describe('resolveOptions and secrets in URLs', () => {
  it('shows a rejected URL without its query, where keys travel', () => {
    try {
      resolveOptions({ url: 'ftp://example.test/v1/chat/completions?api-key=SECRET123' });
      assert.fail('expected an error');
    } catch (error) {
      assert.ok(error instanceof InvalidOptionsError);
      assert.match(error.message, /url: .*ftp:\/\/example\.test\/v1\/chat\/completions\?\.\.\./);
      assert.doesNotMatch(error.message, /SECRET123/);
    }
  });
});
