import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeDocTagsDocument } from '../../src/decoders/decode-doctags.js';
import { exportMarkdown } from '../../src/decoders/export-markdown.js';
import { markdownSimilarity } from './text-similarity.js';

/** A DocTags file and the Markdown docling exported for the same document, under ../shared/fixtures/doctags. */
export interface FidelityPair {
  readonly doctags: string;
  readonly markdown: string;
  /**
   * Why the pair cannot reach 1 whatever the decoder does; `comparable: false` pairs are not exports of
   * the same content and stay out of the mean.
   */
  readonly note?: string;
  readonly comparable?: boolean;
}

const FORMATTING = 'DocTags carry no bold/italic/links; the Markdown has them';

/** Every DocTags/Markdown pair in the fixtures. */
export const FIDELITY_PAIRS: readonly FidelityPair[] = [
  ...[
    '2206.01062',
    '2305.03393v1-pg9',
    'amt_handbook_sample',
    'code_and_formula',
    'multi_page',
    'nemotron_multipage.nemotron_ocr.full_page',
    'nemotron_multipage.nemotron_ocr.pdf_aware_layout_regions',
    'ocr_test_rotated_90.tesseract.full_page',
    'right_to_left_01',
    'table_mislabeled_as_picture',
  ].map((name) => ({ doctags: `docling/${name}.doctags.txt`, markdown: `docling/${name}.md` })),
  { doctags: 'docling-core/2206.01062.yaml.dt', markdown: 'docling-core/2206.01062.yaml.md' },
  {
    doctags: 'docling-core/2408.09869v3_enriched.dt',
    markdown: 'docling-core/2408.09869v3_enriched.gt.md',
    note: 'the .gt.md is a partial export (a page range, with picture descriptions), not the same content',
    comparable: false,
  },
  {
    doctags: 'docling-core/bad_doc.yaml.dt',
    markdown: 'docling-core/bad_doc.yaml.md',
    note: 'section level 1 of the YAML source is exported as ### there; the DocTags say level 1',
  },
  { doctags: 'docling-core/barchart.dt', markdown: 'docling-core/barchart.gt.md' },
  {
    doctags: 'docling-core/constructed_doc.dt',
    markdown: 'docling-core/constructed_doc.placeholder.md.gt',
    note: `${FORMATTING}; list markers "(i)" and "42." and key-value/form placeholders are not in the DocTags`,
  },
  {
    doctags: 'docling-core/constructed_document.yaml.dt',
    markdown: 'docling-core/constructed_document.yaml.md',
    note: 'same document as constructed_doc',
  },
  {
    doctags: 'docling-core/dummy_doc.yaml.dt',
    markdown: 'docling-core/dummy_doc.yaml.md',
    note: 'picture annotations (descriptions, misc data) are not in the DocTags',
  },
  {
    doctags: 'docling-core/inline_and_formatting.gt.dt',
    markdown: 'docling-core/inline_and_formatting.gt.md',
    note: FORMATTING,
  },
  {
    doctags: 'docling-core/rich_table.out.dt',
    markdown: 'docling-core/rich_table.gt.md',
    note: `${FORMATTING}; list markers inside table cells are dropped`,
  },
];

/** Score of one pair: our DocTags -> Markdown against docling's Markdown. */
export function scoreFidelityPair(fixturesDir: string, pair: FidelityPair): number {
  const doctags = readFileSync(path.join(fixturesDir, pair.doctags), 'utf8');
  const expected = readFileSync(path.join(fixturesDir, pair.markdown), 'utf8');
  const actual = exportMarkdown({ name: pair.doctags, pages: decodeDocTagsDocument(doctags) });
  return markdownSimilarity(actual, expected);
}
