import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DoclingDocument } from '@docling/docling-core';
import { parse } from 'parse5';
import { decodeDocTagsDocument, decodeDocTags } from '../src/decoders/decode-doctags.js';
import { decodeHtml } from '../src/decoders/decode-html.js';
import { decodeMarkdown } from '../src/decoders/decode-markdown.js';
import type { ConvertedDocument } from '../src/decoders/document-model.js';
import { exportDocTags } from '../src/decoders/export-doctags.js';
import { exportDocument } from '../src/decoders/export-document.js';
import { exportHtml } from '../src/decoders/export-html.js';
import { exportJson } from '../src/decoders/export-json.js';
import { exportMarkdown } from '../src/decoders/export-markdown.js';
import { FIDELITY_PAIRS, scoreFidelityPair } from '../benchmarks/lib/fidelity-pairs.js';
import { markdownSimilarity } from '../benchmarks/lib/text-similarity.js';
import { fixturePath, needsShared } from './helpers/shared-fixtures.js';

const SOURCE = `<doctag><page_header><loc_10><loc_5><loc_200><loc_12>Running head</page_header>
<title><loc_50><loc_20><loc_450><loc_40>Results & <discussion></title>
<section_header_level_1>1. Intro</section_header_level_1>
<text>Uses snake_case names | pipes.</text>
<unordered_list><list_item>one</list_item>
<list_item><ordered_list><list_item>one.a</list_item>
<list_item>one.b</list_item>
</ordered_list></list_item>
<list_item>two</list_item>
</unordered_list>
<otsl><ched>Year<ched>Value<lcel><nl><ucel><fcel>a|b<fcel>c<nl><fcel>2024<ecel><fcel>3<nl><caption>Table 1</caption></otsl>
<picture><natural_image><caption>Figure 1</caption></picture>
<code><_Python_>print("<hi>")</code>
<formula>a^2+b^2</formula>
<inline><text>Inline</text>
<code><_unknown_>x()</code>
<formula>y</formula>
</inline>
<page_footer>1</page_footer>
<page_break>
<text>Page two</text>
</doctag>`;

const doc: ConvertedDocument = { name: 'report <1>.pdf', pages: decodeDocTagsDocument(SOURCE) };

describe('exportMarkdown', () => {
  const md = exportMarkdown(doc);

  it("writes docling-core's conventions", () => {
    assert.equal(
      md,
      `# Results &amp; &lt;discussion&gt;

## 1. Intro

Uses snake\\_case names | pipes.

- one
    1. one.a
    2. one.b
- two

Table 1

| Year | Value | Value |
| - | - | - |
| Year | a\\|b | c |
| 2024 |  | 3 |

Figure 1

<!-- image -->

\`\`\`python
print("<hi>")
\`\`\`

$$a^2+b^2$$

Inline \`x()\` $y$

Page two
`,
    );
  });

  it('writes well-formed GitHub tables that parse back to the same grid', () => {
    const table = decodeMarkdown(md, { page: 1 }).items.find((i) => i.kind === 'table');
    assert.ok(table?.kind === 'table');
    assert.deepEqual([table.numRows, table.numCols], [3, 3]);
    assert.deepEqual(
      table.cells.map((c) => c.text),
      ['Year', 'Value', 'Value', 'Year', 'a|b', 'c', '2024', '', '3'],
    );
  });

  it('includes furniture and a page marker on request', () => {
    const full = exportMarkdown(doc, {
      includeFurniture: true,
      pageBreak: '<!-- page break -->',
      escapeUnderscores: false,
    });
    assert.match(full, /^Running head\n\n# Results/);
    assert.match(full, /\n\n1\n\n<!-- page break -->\n\nPage two\n$/);
    assert.match(full, /snake_case/);
  });

  it('is empty for an empty document', () => assert.equal(exportMarkdown({ name: 'x', pages: [] }), ''));
});

describe('exportHtml', () => {
  const html = exportHtml(doc);

  it('is a complete HTML5 document that parses without errors', () => {
    const errors: string[] = [];
    parse(html, { onParseError: (error) => errors.push(error.code) });
    assert.deepEqual(errors, []);
    assert.match(
      html,
      /^<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>report &lt;1&gt;\.pdf<\/title>/,
    );
    assert.match(html, /<\/body>\n<\/html>\n$/);
  });

  it('escapes every text', () => {
    assert.match(html, /<h1>Results &amp; &lt;discussion&gt;<\/h1>/);
    assert.match(html, /<code class="language-python">print\(&quot;&lt;hi&gt;&quot;\)<\/code>/);
    assert.doesNotMatch(html, /<discussion>|<hi>/);
  });

  it('keeps spans and headers, and decodes back to the same table', () => {
    assert.match(html, /<th colspan="2">Value<\/th>/);
    assert.match(html, /<th rowspan="2">Year<\/th>/);
    const back = decodeHtml(html, { page: 1 }).items.find((i) => i.kind === 'table');
    const original = doc.pages[0]?.items.find((i) => i.kind === 'table');
    assert.ok(back?.kind === 'table' && original?.kind === 'table');
    assert.deepEqual(
      back.cells.map((c) => [c.row, c.col, c.rowSpan, c.colSpan, c.text]),
      original.cells.map((c) => [c.row, c.col, c.rowSpan, c.colSpan, c.text]),
    );
    assert.equal(back.caption?.text, 'Table 1');
  });

  it('leaves furniture out by default', () => {
    assert.doesNotMatch(html, /Running head/);
    assert.match(exportHtml(doc, { includeFurniture: true }), /<header>Running head<\/header>/);
  });
});

describe('exportDocTags', () => {
  it('round-trips: decode -> export -> decode gives the same model', () => {
    const text = exportDocTags(doc);
    assert.equal(text.match(/<page_break>/g)?.length, 1);
    assert.deepEqual(decodeDocTagsDocument(text), doc.pages);
  });

  it('keeps boxes through the round trip at any page size', () => {
    const page = decodeDocTags('<doctag><text><loc_1><loc_2><loc_3><loc_4>a</text></doctag>', {
      page: 1,
      width: 612,
      height: 792,
    });
    const again = decodeDocTags(exportDocTags({ name: 'x', pages: [page] }), {
      page: 1,
      width: 612,
      height: 792,
    });
    assert.deepEqual(again, page);
  });
});

describe('exportJson', () => {
  const sized: ConvertedDocument = {
    name: 'sized',
    pages: [
      decodeDocTags(
        '<doctag><title><loc_0><loc_0><loc_250><loc_50>T</title><unordered_list><list_item>a</list_item><list_item><unordered_list><list_item>a.1</list_item></unordered_list></list_item></unordered_list><otsl><ched>h<lcel><nl><fcel>1<fcel>2<nl><caption>Cap</caption></otsl><picture><pie_chart></picture></doctag>',
        { page: 1, width: 600, height: 800 },
      ),
    ],
  };
  // Type-level check: the output is assignable to docling-core's DoclingDocument.
  const json: DoclingDocument = exportJson(sized);

  it('has the DoclingDocument shape, with refs that resolve', () => {
    assert.equal(json.schema_name, 'DoclingDocument');
    assert.deepEqual(json.pages, { '1': { page_no: 1, size: { width: 600, height: 800 } } });
    assert.deepEqual(
      json.body?.children?.map((r) => r.$ref),
      ['#/texts/0', '#/groups/0', '#/tables/0', '#/pictures/0'],
    );
    const resolve = (ref: string): unknown => {
      const [, collection, index] = ref.split('/');
      return (json as unknown as Record<string, unknown[]>)[collection ?? '']?.[Number(index)];
    };
    const all = [
      ...(json.texts ?? []),
      ...(json.groups ?? []),
      ...(json.tables ?? []),
      ...(json.pictures ?? []),
    ];
    for (const item of all) {
      assert.equal((resolve(item.self_ref) as { self_ref: string }).self_ref, item.self_ref);
      for (const child of item.children ?? []) {
        const target = resolve(child.$ref) as { parent?: { $ref: string } };
        assert.equal(target.parent?.$ref, item.self_ref, `${child.$ref} points back to ${item.self_ref}`);
      }
    }
  });

  it('writes provenance in points with a top-left origin', () => {
    const title = json.texts?.[0];
    assert.deepEqual(title?.prov, [
      { page_no: 1, bbox: { l: 0, t: 0, r: 300, b: 80, coord_origin: 'TOPLEFT' }, charspan: [0, 1] },
    ]);
  });

  it('nests a sub-list under the list item above it', () => {
    const list = json.groups?.[0];
    assert.ok(list?.children);
    assert.equal(list.label, 'list');
    assert.equal(list.children.length, 1);
    const first = list.children[0]?.$ref;
    const item = json.texts?.find((t) => t.self_ref === first);
    assert.equal(item?.children?.[0]?.$ref, '#/groups/1');
  });

  it('writes table data with spans and a full grid, and picture classes', () => {
    const table = json.tables?.[0];
    assert.ok(table?.data.table_cells && table.captions);
    assert.equal(table.data.num_cols, 2);
    assert.equal(table.data.table_cells[0]?.col_span, 2);
    assert.equal(table.data.grid[0]?.[1]?.text, 'h');
    const caption = table.captions[0]?.$ref;
    assert.equal(json.texts?.find((t) => t.self_ref === caption)?.text, 'Cap');
    assert.deepEqual(json.pictures?.[0]?.annotations, [
      {
        kind: 'classification',
        provenance: 'pagestream',
        predicted_classes: [{ class_name: 'pie_chart', confidence: 1 }],
      },
    ]);
  });
});

describe('exportDocument', () => {
  it('dispatches on the format', () => {
    assert.equal(exportDocument(doc, 'md'), exportMarkdown(doc));
    assert.equal(exportDocument(doc, 'html'), exportHtml(doc));
    assert.equal(exportDocument(doc, 'doctags'), exportDocTags(doc));
    assert.deepEqual(JSON.parse(exportDocument(doc, 'json')), exportJson(doc));
  });
});

describe('markdownSimilarity', () => {
  const cases: [string, string, string, number][] = [
    ['identical', 'a b c', 'a b c', 1],
    ['whitespace and table padding ignored', '| a | b |\n| - | - |', '|  a  |  b  |\n|-----|:---:|', 1],
    ['one word of four changed', 'a b c d', 'a b x d', 0.75],
    ['empty against empty', '', ' ', 1],
    ['empty against text', '', 'a b', 0],
  ];
  for (const [name, a, b, score] of cases) it(name, () => assert.equal(markdownSimilarity(a, b), score));
});

describe('decoder fidelity against docling (../shared fixtures)', () => {
  // Floors a little under what the decoder reaches (benchmarks/RESULTS.md), so a regression fails here.
  const floors: Record<string, number> = {
    'docling-core/2408.09869v3_enriched.dt': 0.2,
    'docling-core/bad_doc.yaml.dt': 0.88,
    'docling-core/constructed_doc.dt': 0.89,
    'docling-core/constructed_document.yaml.dt': 0.89,
    'docling-core/dummy_doc.yaml.dt': 0.6,
    'docling-core/inline_and_formatting.gt.dt': 0.78,
    'docling-core/rich_table.out.dt': 0.92,
  };
  const scores: number[] = [];
  for (const pair of FIDELITY_PAIRS) {
    it(pair.doctags, needsShared, () => {
      const score = scoreFidelityPair(fixturePath('doctags'), pair);
      if (pair.comparable !== false) scores.push(score);
      assert.ok(score >= (floors[pair.doctags] ?? 0.98), `${pair.doctags}: ${score.toFixed(3)}`);
    });
  }
  it('mean over comparable pairs', needsShared, () => {
    assert.equal(scores.length, FIDELITY_PAIRS.filter((p) => p.comparable !== false).length);
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    assert.ok(mean >= 0.94, `mean ${mean.toFixed(4)}`);
  });
});
