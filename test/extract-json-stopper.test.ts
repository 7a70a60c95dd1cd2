import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createJsonStopper } from '../src/stoppers/create-json-stopper.js';
import { createStopperRunner } from '../src/stoppers/create-stopper-runner.js';

/** Feed deltas to a fresh runner; return the kept text, or undefined when the stopper never fired. */
function run(deltas: readonly string[], stopper = createJsonStopper()): string | undefined {
  const runner = createStopperRunner([stopper]);
  const text = deltas.join('');
  for (const delta of deltas) {
    const decision = runner.push(delta);
    if (decision) return text.slice(0, decision.end);
  }
  return undefined;
}

/** Every way of cutting `text` into deltas of `size` characters. */
const chunks = (text: string, size: number): string[] =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

describe('createJsonStopper', () => {
  const table: readonly { name: string; answer: string; kept: string | undefined }[] = [
    { name: 'flat object', answer: '{"a":1}', kept: '{"a":1}' },
    {
      name: 'nested objects and arrays',
      answer: '{"a":{"b":[1,{"c":[]}]},"d":2} more',
      kept: '{"a":{"b":[1,{"c":[]}]},"d":2}',
    },
    { name: 'braces inside strings', answer: '{"t":"} ] { [","u":"}"}tail', kept: '{"t":"} ] { [","u":"}"}' },
    { name: 'escaped quotes', answer: '{"t":"say \\"}\\" ok"} x', kept: '{"t":"say \\"}\\" ok"}' },
    { name: 'escaped backslash before a quote', answer: '{"t":"c:\\\\"}{"next":1}', kept: '{"t":"c:\\\\"}' },
    { name: 'unicode escapes', answer: '{"t":"\\u007d"} ', kept: '{"t":"\\u007d"}' },
    { name: 'top-level array', answer: '[{"a":"]"},[2]]\n```', kept: '[{"a":"]"},[2]]' },
    {
      name: 'code fence and preamble skipped, trailing fence cut',
      answer: 'Here you go:\n```json\n{"a": [1, 2]}\n```\nDone.',
      kept: 'Here you go:\n```json\n{"a": [1, 2]}',
    },
    { name: 'incomplete value never fires', answer: '{"a":{"b":1}', kept: undefined },
    { name: 'unterminated string never fires', answer: '{"a":"}}}', kept: undefined },
    { name: 'no JSON at all', answer: 'I cannot read this page.', kept: undefined },
  ];
  for (const { name, answer, kept } of table) {
    it(`${name}, whatever the delta sizes`, () => {
      for (const size of [1, 2, 3, 7, answer.length])
        assert.equal(run(chunks(answer, size)), kept, `size ${size}`);
    });
  }

  it('starts over at the first delta of a new answer (a retried request)', () => {
    const stopper = createJsonStopper();
    assert.equal(run(['{"a":', '"unfinished'], stopper), undefined);
    assert.equal(run(['{"b":', '2}', ' tail'], stopper), '{"b":2}');
  });

  it('needs no look-back: each delta is read once', () => {
    const runner = createStopperRunner([createJsonStopper()]);
    const deltas = ['{"items":[', ...Array.from({ length: 500 }, (_, i) => `"item ${i} {x}",`), '"last"]}'];
    let decision;
    for (const delta of deltas) decision = runner.push(delta);
    assert.ok(decision);
    const total = deltas.reduce((sum, d) => sum + d.length, 0);
    assert.equal(decision.end, total);
    // The window shown is only the newest delta: cost linear in the answer, no rescanning.
    assert.equal(runner.charsShown, total);
  });
});
