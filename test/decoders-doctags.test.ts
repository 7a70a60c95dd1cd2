import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeDocTags, decodeDocTagsDocument } from '../src/decoders/decode-doctags.js';
import type { DocItem, TableItem } from '../src/decoders/document-model.js';
import { exportDocTags } from '../src/decoders/export-doctags.js';
import { lastCompleteElementEnd } from '../src/decoders/tokenize-doctags.js';
import { fixturePath, needsShared } from './helpers/shared-fixtures.js';

const one = (doctags: string): readonly DocItem[] => decodeDocTags(doctags, { page: 1 }).items;
const first = (doctags: string): DocItem | undefined => one(doctags)[0];
const table = (otsl: string): TableItem => {
  const item = first(`<doctag><otsl>${otsl}</otsl></doctag>`);
  assert.ok(item?.kind === 'table');
  return item;
};

describe('decodeDocTags: elements', () => {
  const cases: [string, string, Partial<DocItem> & Record<string, unknown>][] = [
    ['title', '<title>T</title>', { kind: 'title', text: 'T' }],
    ['text', '<text>Para\nline 2</text>', { kind: 'text', text: 'Para\nline 2' }],
    [
      'section level 3',
      '<section_header_level_3>S</section_header_level_3>',
      { kind: 'section_header', level: 3, text: 'S' },
    ],
    ['page header', '<page_header>H</page_header>', { kind: 'page_header', furniture: true, text: 'H' }],
    ['page footer', '<page_footer>7</page_footer>', { kind: 'page_footer', furniture: true, text: '7' }],
    ['caption', '<caption>C</caption>', { kind: 'caption', text: 'C' }],
    ['footnote', '<footnote>F</footnote>', { kind: 'footnote', text: 'F' }],
    ['formula', '<formula>E=mc^2</formula>', { kind: 'formula', text: 'E=mc^2' }],
    [
      'code with language',
      '<code><_Python_>print(1)</code>',
      { kind: 'code', language: 'Python', text: 'print(1)' },
    ],
    [
      'checkbox on',
      '<checkbox_selected>Yes</checkbox_selected>',
      { kind: 'checkbox', checked: true, text: 'Yes' },
    ],
    [
      'checkbox off',
      '<checkbox_unselected>No</checkbox_unselected>',
      { kind: 'checkbox', checked: false, text: 'No' },
    ],
    [
      'picture with class',
      '<picture><natural_image></picture>',
      { kind: 'picture', chart: false, classification: 'natural_image' },
    ],
    ['chart', '<chart><pie_chart></chart>', { kind: 'picture', chart: true, classification: 'pie_chart' }],
    ['unknown tag keeps its text', '<marginalia>Side note</marginalia>', { kind: 'text', text: 'Side note' }],
    ['stray text', 'just words', { kind: 'text', text: 'just words' }],
  ];
  for (const [name, doctags, expected] of cases) {
    it(name, () => {
      const item = first(`<doctag>${doctags}</doctag>`);
      assert.ok(item);
      assert.deepEqual(
        Object.fromEntries(
          Object.keys(expected).map((k) => [k, (item as unknown as Record<string, unknown>)[k]]),
        ),
        expected,
      );
    });
  }

  it('reads lists with nested lists and inline runs', () => {
    const [list] = one(
      '<doctag><unordered_list><list_item>a</list_item><list_item><ordered_list><list_item>a.1</list_item></ordered_list></list_item><list_item><inline><text>Run</text><code><_unknown_>x()</code></inline></list_item></unordered_list></doctag>',
    );
    assert.ok(list?.kind === 'list');
    assert.equal(list.ordered, false);
    assert.deepEqual(
      list.items.map((e) => e.text),
      ['a', '', ''],
    );
    const nested = list.items[1]?.children[0];
    assert.ok(nested?.kind === 'list' && nested.ordered);
    assert.equal(nested.items[0]?.text, 'a.1');
    assert.equal(list.items[2]?.children[0]?.kind, 'inline');
  });

  it('wraps list items found outside a list into one list', () => {
    const items = one('<doctag><list_item>x</list_item><list_item>y</list_item><text>z</text></doctag>');
    assert.equal(items.length, 2);
    assert.ok(items[0]?.kind === 'list');
    assert.deepEqual(
      items[0].items.map((e) => e.text),
      ['x', 'y'],
    );
  });

  it('reads picture captions, chart data and SMILES', () => {
    const item = first(
      '<doctag><chart><loc_1><loc_2><loc_3><loc_4><bar_chart><ched>k<ched>v<nl><fcel>a<fcel>1<nl><smiles>CCO</smiles><caption>Fig 1</caption></chart></doctag>',
    );
    assert.ok(item?.kind === 'picture');
    assert.equal(item.caption?.text, 'Fig 1');
    assert.equal(item.smiles, 'CCO');
    assert.ok(item.data);
    assert.equal(item.data.numRows, 2);
    assert.equal(item.data.cells[0]?.text, 'k');
  });

  it('reads key-value regions with links', () => {
    const item = first(
      '<doctag><key_value_region><key_0>Name:<link_1></key_0><value_1>Ada</value_1></key_value_region></doctag>',
    );
    assert.ok(item?.kind === 'key_value_region');
    assert.deepEqual(
      item.cells.map((c) => [c.role, c.id, c.text, c.links]),
      [
        ['key', 0, 'Name:', [1]],
        ['value', 1, 'Ada', []],
      ],
    );
  });
});

describe('decodeDocTags: locations', () => {
  const cases: [string, string, { width?: number; height?: number }, unknown, unknown][] = [
    [
      'grid kept without page size',
      '<text><loc_50><loc_100><loc_450><loc_200>a</text>',
      {},
      { left: 50, top: 100, right: 450, bottom: 200 },
      undefined,
    ],
    [
      'scaled to points with page size',
      '<text><loc_50><loc_100><loc_450><loc_200>a</text>',
      { width: 600, height: 800 },
      { left: 50, top: 100, right: 450, bottom: 200 },
      { left: 60, top: 160, right: 540, bottom: 320 },
    ],
    [
      'self-closing loc tags',
      '<text><loc_0/><loc_250/><loc_499/><loc_500/>a</text>',
      { width: 500, height: 1000 },
      { left: 0, top: 250, right: 499, bottom: 500 },
      { left: 0, top: 500, right: 499, bottom: 1000 },
    ],
    [
      'fewer than four locs means no box',
      '<text><loc_1><loc_2>a</text>',
      { width: 500, height: 500 },
      undefined,
      undefined,
    ],
  ];
  for (const [name, doctags, size, loc, bbox] of cases) {
    it(name, () => {
      const item = decodeDocTags(`<doctag>${doctags}</doctag>`, { page: 3, ...size }).items[0];
      assert.ok(item);
      assert.equal(item.page, 3);
      assert.deepEqual(item.loc, loc);
      assert.deepEqual(item.bbox, bbox);
      assert.ok(!('text' in item) || item.text === 'a', 'loc tokens never leak into the text');
    });
  }
});

describe('decodeDocTags: OTSL tables', () => {
  const cases: [
    string,
    string,
    { numRows: number; numCols: number; cells: [number, number, number, number, string][] },
  ][] = [
    [
      'plain 2x2',
      '<fcel>a<fcel>b<nl><fcel>c<fcel>d<nl>',
      {
        numRows: 2,
        numCols: 2,
        cells: [
          [0, 0, 1, 1, 'a'],
          [0, 1, 1, 1, 'b'],
          [1, 0, 1, 1, 'c'],
          [1, 1, 1, 1, 'd'],
        ],
      },
    ],
    [
      'lcel spans columns',
      '<fcel>wide<lcel><lcel><nl><fcel>1<fcel>2<fcel>3<nl>',
      {
        numRows: 2,
        numCols: 3,
        cells: [
          [0, 0, 1, 3, 'wide'],
          [1, 0, 1, 1, '1'],
          [1, 1, 1, 1, '2'],
          [1, 2, 1, 1, '3'],
        ],
      },
    ],
    [
      'ucel spans rows',
      '<fcel>tall<fcel>x<nl><ucel><fcel>y<nl>',
      {
        numRows: 2,
        numCols: 2,
        cells: [
          [0, 0, 2, 1, 'tall'],
          [0, 1, 1, 1, 'x'],
          [1, 1, 1, 1, 'y'],
        ],
      },
    ],
    [
      'xcel spans both',
      '<fcel>big<lcel><fcel>r<nl><ucel><xcel><fcel>s<nl>',
      {
        numRows: 2,
        numCols: 3,
        cells: [
          [0, 0, 2, 2, 'big'],
          [0, 2, 1, 1, 'r'],
          [1, 2, 1, 1, 's'],
        ],
      },
    ],
    [
      'ecel is an empty cell',
      '<ecel><fcel>b<nl>',
      {
        numRows: 1,
        numCols: 2,
        cells: [
          [0, 0, 1, 1, ''],
          [0, 1, 1, 1, 'b'],
        ],
      },
    ],
    [
      'short rows are padded',
      '<fcel>a<fcel>b<nl><fcel>c<nl>',
      {
        numRows: 2,
        numCols: 2,
        cells: [
          [0, 0, 1, 1, 'a'],
          [0, 1, 1, 1, 'b'],
          [1, 0, 1, 1, 'c'],
          [1, 1, 1, 1, ''],
        ],
      },
    ],
    [
      'orphan lcel becomes an empty cell',
      '<lcel><fcel>b<nl>',
      {
        numRows: 1,
        numCols: 2,
        cells: [
          [0, 0, 1, 1, ''],
          [0, 1, 1, 1, 'b'],
        ],
      },
    ],
    [
      'missing final nl',
      '<fcel>a<fcel>b',
      {
        numRows: 1,
        numCols: 2,
        cells: [
          [0, 0, 1, 1, 'a'],
          [0, 1, 1, 1, 'b'],
        ],
      },
    ],
  ];
  for (const [name, otsl, expected] of cases) {
    it(name, () => {
      const t = table(otsl);
      assert.equal(t.numRows, expected.numRows);
      assert.equal(t.numCols, expected.numCols);
      assert.deepEqual(
        t.cells.map((c) => [c.row, c.col, c.rowSpan, c.colSpan, c.text]),
        expected.cells,
      );
    });
  }

  it('marks column headers, row headers and section rows', () => {
    const t = table('<ched>h1<ched>h2<nl><rhed>r<fcel>v<nl><srow>section<lcel><nl>');
    assert.deepEqual(
      t.cells.map((c) => [c.text, c.columnHeader, c.rowHeader, c.rowSection]),
      [
        ['h1', true, false, false],
        ['h2', true, false, false],
        ['r', false, true, false],
        ['v', false, false, false],
        ['section', false, false, true],
      ],
    );
  });

  it('keeps the caption and box of a table, and flattens rich cells to text', () => {
    const t = table(
      '<loc_1><loc_2><loc_3><loc_4><fcel><unordered_list><list_item>x</list_item><list_item>y</list_item></unordered_list><fcel>z<nl><caption>Table 1</caption>',
    );
    assert.equal(t.caption?.text, 'Table 1');
    assert.deepEqual(t.loc, { left: 1, top: 2, right: 3, bottom: 4 });
    assert.deepEqual(
      t.cells.map((c) => c.text),
      ['x y', 'z'],
    );
  });
});

describe('decodeDocTags: real-world output', () => {
  it('drops the Assistant: prefix and <end_of_utterance>', () => {
    const items = one('Assistant: <doctag><text>a</text></doctag><end_of_utterance>');
    assert.deepEqual(items, [{ kind: 'text', page: 1, text: 'a' }]);
  });

  it('decodes an answer with no <doctag> root', () => {
    assert.deepEqual(
      one('<title>T</title>\n<text>b</text>').map((i) => i.kind),
      ['title', 'text'],
    );
  });

  const truncated: [string, string, DocItem['kind'], string][] = [
    [
      'mid-paragraph',
      '<doctag><text>done</text><text><loc_1><loc_2><loc_3><loc_4>half a sente',
      'text',
      'half a sente',
    ],
    ['mid-title never closed anywhere', '<doctag><title>Cut ti', 'title', 'Cut ti'],
    ['mid-list', '<doctag><unordered_list><list_item>one</list_item><list_item>tw', 'list', ''],
    ['mid-table', '<doctag><otsl><fcel>a<fcel>b<nl><fcel>c', 'table', ''],
    ['mid-tag', '<doctag><text>kept</text><tex', 'text', 'kept'],
  ];
  for (const [name, doctags, kind, text] of truncated) {
    it(`keeps generated text when cut off ${name}`, () => {
      const items = one(doctags);
      const last = items.at(-1);
      assert.ok(last);
      assert.equal(last.kind, kind);
      if (text !== '' && 'text' in last) assert.equal(last.text, text);
    });
  }

  it('keeps the last list entry and table cell of a cut-off answer', () => {
    const list = one('<doctag><unordered_list><list_item>one</list_item><list_item>tw').at(-1);
    assert.ok(list?.kind === 'list');
    assert.deepEqual(
      list.items.map((e) => e.text),
      ['one', 'tw'],
    );
    const t = one('<doctag><otsl><fcel>a<fcel>b<nl><fcel>c').at(-1);
    assert.ok(t?.kind === 'table');
    assert.deepEqual(
      t.cells.map((c) => c.text),
      ['a', 'b', 'c', ''],
    );
  });

  it('closes inner elements when an outer close tag comes first', () => {
    const items = one('<doctag><picture><caption>Fig</picture><text>after</text></doctag>');
    assert.deepEqual(
      items.map((i) => i.kind),
      ['picture', 'text'],
    );
  });

  it('treats a lone < as text', () => {
    assert.deepEqual(one('<doctag><text>a < b and c<3</text></doctag>'), [
      { kind: 'text', page: 1, text: 'a < b and c<3' },
    ]);
  });
});

describe('decodeDocTagsDocument', () => {
  it('splits pages at <page_break>', () => {
    const pages = decodeDocTagsDocument(
      '<doctag><text>a</text><page_break><text>b</text><page_break><title>c</title></doctag>',
    );
    assert.deepEqual(
      pages.map((p) => [p.page, p.items.map((i) => i.kind)]),
      [
        [1, ['text']],
        [2, ['text']],
        [3, ['title']],
      ],
    );
    assert.equal(pages[1]?.items[0]?.page, 2);
  });

  it('decodeDocTags keeps every item of a multi-page string on its one page', () => {
    assert.equal(
      decodeDocTags('<doctag><text>a</text><page_break><text>b</text></doctag>', { page: 4 }).items.length,
      2,
    );
  });
});

describe('lastCompleteElementEnd', () => {
  const cases: [string, string, string][] = [
    ['nothing complete', '<doctag><text>a', ''],
    ['one complete element', '<doctag><text>a</text><text>b', '<doctag><text>a</text>'],
    ['nested elements count once closed', '<doctag><unordered_list><list_item>x</list_item>', ''],
    ['a page break', '<doctag><text>a</text><page_break><text>b', '<doctag><text>a</text><page_break>'],
    ['the whole answer', '<doctag><text>a</text></doctag>', '<doctag><text>a</text></doctag>'],
    ['no root', '<text>a</text><text>b', '<text>a</text>'],
  ];
  for (const [name, text, prefix] of cases) {
    it(name, () => assert.equal(text.slice(0, lastCompleteElementEnd(text)), prefix));
  }
});

/** Project-made DocTags: the round trip is tested even in a clone without ../shared. */
const PROJECT_DOCTAGS = `<doctag><page_header><loc_10><loc_5><loc_200><loc_12>Header</page_header>
<title><loc_50><loc_20><loc_450><loc_40>A title</title>
<section_header_level_2><loc_50><loc_50><loc_300><loc_60>2.1 Methods</section_header_level_2>
<text><loc_50><loc_70><loc_450><loc_120>Body text with & and "quotes".</text>
<ordered_list><list_item><loc_55><loc_130><loc_450><loc_140>first</list_item>
<list_item><unordered_list><list_item>nested</list_item>
</unordered_list></list_item>
</ordered_list>
<otsl><loc_50><loc_150><loc_450><loc_250><ched>A<ched>B<lcel><nl><rhed>r1<fcel>1<ecel><nl><ucel><fcel>2<fcel>3<nl><srow>s<lcel><lcel><nl><caption><loc_50><loc_140><loc_450><loc_148>Table 1</caption></otsl>
<picture><loc_50><loc_260><loc_450><loc_400><natural_image><caption><loc_50><loc_402><loc_450><loc_410>Figure 1</caption></picture>
<code><loc_50><loc_420><loc_450><loc_440><_Python_>def f():
    return 1<caption>Listing 1</caption></code>
<formula><loc_50><loc_445><loc_450><loc_455>\\frac{a}{b}</formula>
<inline><text>Run</text>
<formula>x^2</formula>
</inline>
<key_value_region><key_1>K<link_2></key_1><value_2>V</value_2></key_value_region>
<checkbox_selected>Done</checkbox_selected>
<page_footer><loc_240><loc_480><loc_260><loc_490>1</page_footer>
<page_break>
<text>Second page</text>
</doctag>`;

describe('DocTags round trip (decode -> export -> decode)', () => {
  it('project-made DocTags', () => {
    const pages = decodeDocTagsDocument(PROJECT_DOCTAGS);
    assert.equal(pages.length, 2);
    assert.deepEqual(decodeDocTagsDocument(exportDocTags({ name: 'x', pages })), pages);
  });

  const fixtures = [
    'docling-core/constructed_doc.dt',
    'docling-core/page_with_pic.dt',
    'docling-core/doc_with_kv.dt',
    'docling-core/01030000000083.dt',
    'docling-core/01030000000111.dt',
    'docling-core/ddoc_0.v2.gt.dt',
    'docling-core/rich_table.out.dt',
    'docling-core/barchart.dt',
    'docling/2206.01062.doctags.txt',
    'docling/multi_page.doctags.txt',
  ];
  for (const name of fixtures) {
    it(name, needsShared, () => {
      const pages = decodeDocTagsDocument(readFileSync(fixturePath('doctags', name), 'utf8'));
      assert.ok(pages.some((p) => p.items.length > 0));
      assert.deepEqual(decodeDocTagsDocument(exportDocTags({ name, pages })), pages);
    });
  }

  it('raw SmolDocling output (page_with_pic.dt) decodes fully', needsShared, () => {
    const page = decodeDocTags(
      readFileSync(fixturePath('doctags', 'docling-core/page_with_pic.dt'), 'utf8'),
      { page: 7, width: 612, height: 792 },
    );
    assert.deepEqual(
      page.items.map((i) => i.kind),
      [
        'page_header',
        'page_header',
        'picture',
        'section_header',
        'text',
        'list',
        'text',
        'list',
        'text',
        'text',
      ],
    );
    const picture = page.items[2];
    assert.ok(picture?.kind === 'picture');
    assert.equal(picture.classification, 'other');
    assert.match(picture.caption?.text ?? '', /^Fig\. 3\. OTSL description/);
    assert.deepEqual(picture.bbox, {
      left: (104 * 612) / 500,
      top: (85 * 792) / 500,
      right: (413 * 612) / 500,
      bottom: (170 * 792) / 500,
    });
  });
});

describe('several roots and unknown containers', () => {
  it('reads each <doctag> root as a page', () => {
    const pages = decodeDocTagsDocument('<doctag><text>a</text></doctag>\n<doctag><text>b</text></doctag>');
    assert.deepEqual(
      pages.map((p) => p.items.length),
      [1, 1],
    );
  });

  it('counts a closed unknown element as complete', () => {
    const text = '<doctag><marginalia>x</marginalia><text>b';
    assert.equal(text.slice(0, lastCompleteElementEnd(text)), '<doctag><marginalia>x</marginalia>');
  });
});
