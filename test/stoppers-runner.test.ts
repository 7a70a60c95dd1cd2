import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStopperRunner } from '../src/stoppers/create-stopper-runner.js';
import { resolveStoppers } from '../src/stoppers/resolve-stoppers.js';
import type { GenerationStopper, StopperContext } from '../src/stoppers/generation-stopper.js';
import { resolveOptions } from '../src/options.js';

/** A realistic, non-repeating DocTags answer of about `chars` characters. */
function doctagsAnswer(chars: number): string {
  const parts = ['<doctag>'];
  let length = parts[0]!.length;
  for (let i = 0; length < chars; i++) {
    const y = i % 480;
    const part = `<text><loc_${i % 37}><loc_${y}><loc_${400 + (i % 50)}><loc_${y + 9}>Paragraph ${i} talks about item ${(i * 7919) % 10007}.</text>\n`;
    parts.push(part);
    length += part.length;
  }
  return parts.join('');
}

describe('createStopperRunner', () => {
  it('shows each stopper its lookback plus the whole delta, at the right offset', () => {
    const seen: { window: string; context: StopperContext }[] = [];
    const spy: GenerationStopper = {
      name: 'spy',
      lookback: 3,
      shouldStop: (window, context) => (seen.push({ window, context }), false),
    };
    const runner = createStopperRunner([spy]);
    for (const delta of ['ab', 'cdef', 'g', 'hijklmnop']) runner.push(delta);
    assert.deepEqual(
      seen.map((s) => [s.window, s.context.offset, s.context.totalChars, s.context.deltas]),
      [
        ['ab', 0, 2, 1],
        ['abcdef', 0, 6, 2],
        ['defg', 3, 7, 3],
        ['efghijklmnop', 4, 16, 4],
      ],
    );
  });

  it('returns the first decision in stopper order, clamps `end`, and then stays stopped', () => {
    const a: GenerationStopper = {
      name: 'a',
      lookback: 0,
      shouldStop: (_w, c) => (c.deltas >= 2 ? { end: 99 } : false),
    };
    const b: GenerationStopper = { name: 'b', lookback: 0, shouldStop: (_w, c) => c.deltas >= 2 };
    const runner = createStopperRunner([a, b]);
    assert.equal(runner.push('xx'), undefined);
    assert.deepEqual(runner.push('yy'), { stopper: 'a', end: 4 });
    assert.deepEqual(runner.push('zz'), { stopper: 'a', end: 4 });
    assert.equal(runner.totalChars, 4);
  });

  it('ignores empty deltas', () => {
    const runner = createStopperRunner([{ name: 'n', shouldStop: () => true }]);
    assert.equal(runner.push(''), undefined);
    assert.equal(runner.deltas, 0);
  });

  it('costs O(chunks x lookback), not O(answer length) per chunk, over a 100 kB answer', () => {
    const answer = doctagsAnswer(100_000);
    const stoppers = resolveStoppers(resolveOptions({ maxChars: 1_000_000, stopStrings: ['<|im_end|>'] }));
    const runner = createStopperRunner(stoppers);
    const sizes = [1, 3, 5, 8, 13];
    let chunks = 0;
    let maxDelta = 0;
    for (let i = 0, k = 0; i < answer.length; k++) {
      const delta = answer.slice(i, i + (sizes[k % sizes.length] ?? 1));
      i += delta.length;
      chunks++;
      maxDelta = Math.max(maxDelta, delta.length);
      assert.equal(runner.push(delta), undefined, 'a normal answer must not be stopped');
    }
    const lookbacks = stoppers.reduce((sum, s) => sum + (s.lookback ?? 256) + maxDelta, 0);
    assert.ok(runner.charsShown <= chunks * lookbacks, `${runner.charsShown} > ${chunks} x ${lookbacks}`);
    // A runner that re-showed the whole text each chunk would have shown about chunks x 50 kB.
    assert.ok(runner.charsShown < (chunks * answer.length) / 20);
    assert.equal(runner.totalChars, answer.length);
  });

  it('stops a 100 kB answer that starts looping, keeping one copy', () => {
    const good = doctagsAnswer(50_000);
    const loop = '<text><loc_10><loc_300><loc_400><loc_309>Same again.</text>\n';
    const answer = good + loop.repeat(1000);
    const runner = createStopperRunner(resolveStoppers(resolveOptions({})));
    let decision;
    for (let i = 0; i < answer.length && decision === undefined; i += 5)
      decision = runner.push(answer.slice(i, i + 5));
    assert.equal(decision?.stopper, 'repetition');
    assert.equal(answer.slice(0, decision.end), good + loop.trimEnd());
  });
});
