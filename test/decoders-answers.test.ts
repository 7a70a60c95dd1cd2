import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAnswer } from '../src/decoders/decode-answer.js';
import { decodeHtml } from '../src/decoders/decode-html.js';
import { decodeMarkdown } from '../src/decoders/decode-markdown.js';
import { decodeText } from '../src/decoders/decode-text.js';
import type { DocItem } from '../src/decoders/document-model.js';
import { stripCodeFence } from '../src/decoders/strip-code-fence.js';

const kinds = (items: readonly DocItem[]) => items.map((i) => i.kind);

describe('stripCodeFence', () => {
  const cases: [string, string, string][] = [
    ['markdown fence', '```markdown\n# Hi\n```', '# Hi'],
    ['html fence', '```html\n<p>x</p>\n```\n', '<p>x</p>'],
    ['bare fence', '  ```\ntext\n```  ', 'text'],
    ['no fence', '# Hi', '# Hi'],
    ['a fence around part of the answer stays', 'intro\n```\ncode\n```', 'intro\n```\ncode\n```'],
    ['a program-language fence is code, not a wrapper', '```python\nx = 1\n```', '```python\nx = 1\n```'],
    ['two fenced blocks stay', '```\na\n```\n\n```\nb\n```', '```\na\n```\n\n```\nb\n```'],
  ];
  for (const [name, input, expected] of cases) it(name, () => assert.equal(stripCodeFence(input), expected));
});

describe('decodeMarkdown', () => {
  it('reads every block kind', () => {
    const page = decodeMarkdown(
      [
        '# Title',
        '## Section',
        '#### Deep',
        'A paragraph\nwith a soft break.',
        '- a\n- b\n    1. b.1\n    2. b.2',
        '| h1 | h2 |\n|---|---|\n| 1 | 2 |',
        '```js\nlet x = 1;\n```',
        '$$E=mc^2$$',
        '<!-- image -->',
        '![A cat](cat.png)',
        '- [x] done\n- [ ] todo',
        '> quoted',
      ].join('\n\n'),
      { page: 2, width: 100, height: 200 },
    );
    assert.equal(page.page, 2);
    assert.equal(page.width, 100);
    assert.deepEqual(kinds(page.items), [
      'title',
      'section_header',
      'section_header',
      'text',
      'list',
      'table',
      'code',
      'formula',
      'picture',
      'picture',
      'checkbox',
      'checkbox',
      'text',
    ]);
    const [, section, deep, text, list, table, code, formula, , cat, done] = page.items;
    assert.ok(section?.kind === 'section_header' && section.level === 1);
    assert.ok(deep?.kind === 'section_header' && deep.level === 3);
    assert.ok(text?.kind === 'text' && text.text === 'A paragraph\nwith a soft break.');
    assert.ok(list?.kind === 'list' && !list.ordered);
    assert.deepEqual(
      list.items.map((e) => e.text),
      ['a', 'b'],
    );
    const nested = list.items[1]?.children[0];
    assert.ok(nested?.kind === 'list' && nested.ordered);
    assert.deepEqual(
      nested.items.map((e) => e.text),
      ['b.1', 'b.2'],
    );
    assert.ok(table?.kind === 'table');
    assert.deepEqual([table.numRows, table.numCols], [2, 2]);
    assert.deepEqual(
      table.cells.map((c) => [c.text, c.columnHeader]),
      [
        ['h1', true],
        ['h2', true],
        ['1', false],
        ['2', false],
      ],
    );
    assert.ok(code?.kind === 'code' && code.language === 'js' && code.text === 'let x = 1;');
    assert.ok(formula?.kind === 'formula' && formula.text === 'E=mc^2');
    assert.ok(cat?.kind === 'picture' && cat.caption?.text === 'A cat');
    assert.ok(done?.kind === 'checkbox' && done.checked);
  });

  it('strips inline markup but keeps the words', () => {
    const page = decodeMarkdown('Some **bold**, *italic*, `code` and [a link](http://x).', { page: 1 });
    assert.deepEqual(page.items, [{ kind: 'text', page: 1, text: 'Some bold, italic, code and a link.' }]);
  });

  it('unwraps a fenced answer', () => {
    const page = decodeMarkdown('```markdown\n# Hi\n\ntext\n```', { page: 1 });
    assert.deepEqual(kinds(page.items), ['title', 'text']);
  });
});

describe('decodeHtml', () => {
  it('reads a fragment', () => {
    const page = decodeHtml(
      `<h1>T</h1><h3>S</h3><p>Para &amp; <b>bold</b><br>next</p>
       <ul><li>a<ol><li>a.1</li></ol></li><li>b</li></ul>
       <table><caption>Cap</caption><thead><tr><th colspan="2">H</th></tr></thead>
       <tbody><tr><th>r</th><td rowspan="2">v</td></tr><tr><td>w</td></tr></tbody></table>
       <pre><code class="language-python">x = 1
y = 2</code></pre>
       <figure><img src="a.png"><figcaption>Fig 1</figcaption></figure>
       <header>Running head</header><footer>3</footer>
       loose text`,
      { page: 1 },
    );
    assert.deepEqual(kinds(page.items), [
      'title',
      'section_header',
      'text',
      'list',
      'table',
      'code',
      'picture',
      'page_header',
      'page_footer',
      'text',
    ]);
    const [, section, para, list, table, code, figure] = page.items;
    assert.ok(section?.kind === 'section_header' && section.level === 2);
    assert.ok(para?.kind === 'text' && para.text === 'Para & bold\nnext');
    assert.ok(list?.kind === 'list');
    assert.deepEqual(
      list.items.map((e) => e.text),
      ['a', 'b'],
    );
    assert.ok(list.items[0]?.children[0]?.kind === 'list');
    assert.ok(table?.kind === 'table');
    assert.equal(table.caption?.text, 'Cap');
    assert.deepEqual([table.numRows, table.numCols], [3, 2]);
    assert.deepEqual(
      table.cells.map((c) => [c.row, c.col, c.rowSpan, c.colSpan, c.text, c.columnHeader, c.rowHeader]),
      [
        [0, 0, 1, 2, 'H', true, false],
        [1, 0, 1, 1, 'r', false, true],
        [1, 1, 2, 1, 'v', false, false],
        [2, 0, 1, 1, 'w', false, false],
      ],
    );
    assert.ok(code?.kind === 'code' && code.language === 'python' && code.text === 'x = 1\ny = 2');
    assert.ok(figure?.kind === 'picture' && figure.caption?.text === 'Fig 1');
  });

  it('reads a whole fenced document and ignores its head', () => {
    const page = decodeHtml(
      '```html\n<!DOCTYPE html><html><head><title>No</title><style>p{}</style></head><body><p>Yes</p></body></html>\n```',
      { page: 1 },
    );
    assert.deepEqual(page.items, [{ kind: 'text', page: 1, text: 'Yes' }]);
  });
});

describe('decodeText and decodeAnswer', () => {
  it('splits plain text into paragraphs at blank lines', () => {
    const page = decodeText('one\nline two\n\n  \n\nthree\r\n\r\nfour', { page: 5 });
    assert.deepEqual(
      page.items.map((i) => ('text' in i ? i.text : '')),
      ['one\nline two', 'three', 'four'],
    );
    assert.equal(page.items[0]?.page, 5);
  });

  const cases: [Parameters<typeof decodeAnswer>[1], string][] = [
    ['doctags', '<doctag><title>T</title></doctag>'],
    ['markdown', '# T'],
    ['html', '<h1>T</h1>'],
  ];
  for (const [format, answer] of cases) {
    it(`dispatches ${format}`, () => {
      assert.deepEqual(decodeAnswer(answer, format, { page: 1, width: 10, height: 20 }), {
        page: 1,
        width: 10,
        height: 20,
        items: [{ kind: 'title', page: 1, text: 'T' }],
      });
    });
  }
  it('dispatches text', () =>
    assert.deepEqual(kinds(decodeAnswer('# T', 'text', { page: 1 }).items), ['text']));
});
