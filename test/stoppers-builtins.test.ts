import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClosingTagStopper } from '../src/stoppers/create-closing-tag-stopper.js';
import { createMaxLengthStopper } from '../src/stoppers/create-max-length-stopper.js';
import { createRepetitionStopper } from '../src/stoppers/create-repetition-stopper.js';
import { createStopStringsStopper } from '../src/stoppers/create-stop-strings-stopper.js';
import { createStopperRunner } from '../src/stoppers/create-stopper-runner.js';
import { resolveStoppers } from '../src/stoppers/resolve-stoppers.js';
import type { GenerationStopper } from '../src/stoppers/generation-stopper.js';
import { resolveOptions } from '../src/options.js';

/** Stream `deltas` through one stopper via the runner; return the kept text and the stopper name. */
function run(
  stopper: GenerationStopper,
  deltas: readonly string[],
): { text: string; stopper: string | null } {
  const runner = createStopperRunner([stopper]);
  let text = '';
  for (const delta of deltas) {
    text += delta;
    const decision = runner.push(delta);
    if (decision) return { text: text.slice(0, decision.end), stopper: decision.stopper };
  }
  return { text, stopper: null };
}

/** Split text into pieces of `size` characters (the way a server streams tokens). */
function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

const cell = (y: number, text = 'Total') => `<text><loc_10><loc_${y}><loc_200><loc_${y + 8}>${text}</text>\n`;

describe('createClosingTagStopper', () => {
  const cases: { name: string; deltas: string[]; text: string; stopped: boolean }[] = [
    {
      name: 'tag in one delta',
      deltas: ['<doctag>a', '</doctag>'],
      text: '<doctag>a</doctag>',
      stopped: true,
    },
    {
      name: 'tag split over three deltas, trash after it cut',
      deltas: ['<doctag>a</d', 'oct', 'ag>\n<doctag>again'],
      text: '<doctag>a</doctag>',
      stopped: true,
    },
    { name: 'no tag', deltas: ['<doctag>a', '</doc', 'x>'], text: '<doctag>a</docx>', stopped: false },
    {
      name: 'one-character deltas',
      deltas: Array.from('<doctag>ab</doctag>zz'),
      text: '<doctag>ab</doctag>',
      stopped: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = run(createClosingTagStopper(), c.deltas);
      assert.equal(result.text, c.text);
      assert.equal(result.stopper, c.stopped ? 'closing-tag' : null);
    });
  }
  it('custom tag', () => {
    assert.deepEqual(run(createClosingTagStopper('</html>'), ['<html>x</ht', 'ml>more']), {
      text: '<html>x</html>',
      stopper: 'closing-tag',
    });
  });
});

describe('createMaxLengthStopper', () => {
  it('cuts to exactly `chars`', () => {
    assert.deepEqual(run(createMaxLengthStopper({ chars: 5 }), ['abc', 'defg', 'h']), {
      text: 'abcde',
      stopper: 'max-length',
    });
  });
  it('stops after `tokens` deltas and keeps the text', () => {
    assert.deepEqual(run(createMaxLengthStopper({ tokens: 2 }), ['ab', 'cd', 'ef']), {
      text: 'abcd',
      stopper: 'max-length',
    });
  });
  it('does not fire below the limits', () => {
    assert.equal(run(createMaxLengthStopper({ chars: 100, tokens: 100 }), ['ab', 'cd']).stopper, null);
  });
  it('rejects no limit and bad limits', () => {
    assert.throws(() => createMaxLengthStopper({}), RangeError);
    assert.throws(() => createMaxLengthStopper({ chars: 0 }), RangeError);
  });
});

describe('createStopStringsStopper', () => {
  it('cuts before the earliest stop string, even split across deltas', () => {
    assert.deepEqual(run(createStopStringsStopper(['<|im_end|>', 'END']), ['hello <|im', '_end|> bye END']), {
      text: 'hello ',
      stopper: 'stop-string',
    });
  });
  it('goes on without a match', () => {
    assert.equal(run(createStopStringsStopper(['###']), ['a ## b', '# c'.slice(1)]).stopper, null);
  });
});

describe('createRepetitionStopper', () => {
  const stopper = () => createRepetitionStopper();
  const prefix =
    '<doctag><section_header_level_1><loc_5><loc_5><loc_100><loc_12>Title</section_header_level_1>\n';
  const cases: { name: string; text: string; kept?: string; size?: number }[] = [
    {
      name: 'DocTags element repeated with an identical box',
      text: prefix + cell(40).repeat(12),
      kept: prefix + cell(40).trimEnd(),
    },
    {
      name: 'DocTags element repeated with an evenly stepping box',
      text: prefix + [40, 50, 60, 70, 80, 90, 100].map((y) => cell(y)).join(''),
      kept: prefix + cell(40).trimEnd(),
    },
    {
      name: 'same text, boxes not stepping evenly: a real table column, no stop',
      text: prefix + [40, 50, 65, 70, 92, 93, 120].map((y) => cell(y)).join('') + '</doctag>',
    },
    {
      name: 'different texts with stepping boxes: normal paragraphs, no stop',
      text: prefix + [40, 50, 60, 70, 80].map((y, i) => cell(y, `para ${i}`)).join(''),
    },
    {
      name: 'markdown line repeated',
      text: '# Report\n\nIntro text.\n\n' + '| 0.00 | 0.00 |\n'.repeat(30),
      kept: '# Report\n\nIntro text.\n\n| 0.00 | 0.00 |\n',
    },
    {
      name: 'lines repeated with blank lines between them',
      text: 'Start\n' + 'Lorem ipsum dolor.\n\n'.repeat(20),
      kept: 'Start\nLorem ipsum dolor.\n',
    },
    {
      name: 'a few identical lines are fine',
      text: 'a\n' + '| | |\n'.repeat(5) + 'end\n',
    },
    {
      name: 'n-gram loop without newlines',
      text: 'The answer is: ' + 'the same words again '.repeat(100),
      // The unit's own leading space is part of the loop, so the copy kept ends at 'again'.
      kept: 'The answer is: the same words again',
    },
    {
      name: 'a dot leader or rule of ordinary length is fine',
      text: 'Chapter 1 ' + '.'.repeat(200) + ' 7\n' + '-'.repeat(300) + '\n',
    },
    {
      name: 'ordinary prose is fine',
      text: Array.from({ length: 200 }, (_, i) => `Sentence number ${i} says something new.`).join(' '),
    },
  ];
  for (const c of cases) {
    for (const size of [1, 7, 64]) {
      it(`${c.name} (deltas of ${size})`, () => {
        const result = run(stopper(), pieces(c.text, size));
        if (c.kept === undefined) {
          assert.equal(result.stopper, null);
          assert.equal(result.text, c.text);
        } else {
          assert.equal(result.stopper, 'repetition');
          assert.equal(result.text, c.kept);
        }
      });
    }
  }
  it('validates its options', () => {
    assert.throws(() => createRepetitionStopper({ minLineRepeats: 1 }), RangeError);
  });
});

describe('resolveStoppers', () => {
  const names = (options: Parameters<typeof resolveOptions>[0]) =>
    resolveStoppers(resolveOptions(options)).map((s) => s.name);
  const custom: GenerationStopper = { name: 'mine', shouldStop: () => false };
  const cases: { options: Parameters<typeof resolveOptions>[0]; expected: string[] }[] = [
    { options: {}, expected: ['closing-tag', 'repetition'] },
    { options: { responseFormat: 'markdown' }, expected: ['repetition'] },
    { options: { responseFormat: 'markdown', stopTag: '</html>' }, expected: ['closing-tag', 'repetition'] },
    { options: { stopTag: null, repetitionStop: false }, expected: [] },
    {
      options: { maxChars: 10, stopStrings: ['x'], stoppers: [custom] },
      expected: ['closing-tag', 'max-length', 'repetition', 'stop-string', 'mine'],
    },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.options), () => assert.deepEqual(names(c.options), c.expected));
  }
  it('default closing tag is </doctag> for doctags', () => {
    const [tag] = resolveStoppers(resolveOptions({ repetitionStop: false }));
    assert.deepEqual(
      tag?.shouldStop('x</doctag>y', { offset: 100, totalChars: 111, delta: 'y', deltas: 3 }),
      {
        end: 110,
      },
    );
  });
});
