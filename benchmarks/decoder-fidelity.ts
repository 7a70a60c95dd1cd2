// How close our DocTags -> Markdown comes to docling's own Markdown for the same documents.
// Run: node --import tsx benchmarks/decoder-fidelity.ts
import { existsSync } from 'node:fs';
import { FIXTURES_DIR } from '../test/helpers/shared-fixtures.js';
import { FIDELITY_PAIRS, scoreFidelityPair } from './lib/fidelity-pairs.js';
import { markdownTable, writeResultsSection } from './lib/write-results.js';

const dir = `${FIXTURES_DIR}/doctags`;
if (!existsSync(dir)) {
  console.error(`decoder-fidelity: ${dir} is absent (../shared is not in this clone); nothing to measure`);
  process.exit(0);
}

const started = performance.now();
const rows = FIDELITY_PAIRS.map((pair) => ({ pair, score: scoreFidelityPair(dir, pair) }));
const ms = performance.now() - started;
const comparable = rows.filter((r) => r.pair.comparable !== false);
const mean = (list: typeof rows) => list.reduce((sum, r) => sum + r.score, 0) / list.length;

const table = markdownTable(
  ['DocTags', 'expected Markdown', 'similarity', 'why not 1'],
  rows.map(({ pair, score }) => [
    pair.doctags,
    pair.markdown.split('/').at(-1) ?? '',
    score.toFixed(3),
    `${pair.comparable === false ? '(not in mean) ' : ''}${pair.note ?? ''}`,
  ]),
);
const markdown = `## Decoder fidelity (DocTags -> Markdown)

Each DocTags file of \`../shared/fixtures/doctags\` is decoded and exported to Markdown, then compared with the
Markdown docling exported for the same document. Score: 1 - word-level Levenshtein distance / longer word
count, after normalising whitespace runs and table separator rows (\`|---|\` = \`| - |\`), so table padding
does not count.

**Mean ${mean(comparable).toFixed(4)}** over ${comparable.length} comparable pairs (mean over all ${rows.length}: ${mean(rows).toFixed(4)}); ${ms.toFixed(0)} ms in all.

${table}`;
writeResultsSection('decoder-fidelity', markdown);
console.log(markdown);
