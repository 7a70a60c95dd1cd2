import type { TableData } from './document-model.js';

/**
 * The table as a full grid of cell texts, a spanning cell's text repeated in every position it covers
 * (as Docling's Markdown export does, so every row has every column).
 * @example
 * tableGrid({ numRows: 1, numCols: 2, cells: [{ row: 0, col: 0, rowSpan: 1, colSpan: 2, text: 'a', columnHeader: true, rowHeader: false, rowSection: false }] });
 * // [['a', 'a']]
 */
export function tableGrid(table: TableData): string[][] {
  const grid = Array.from({ length: table.numRows }, () => Array.from({ length: table.numCols }, () => ''));
  for (const cell of table.cells) {
    for (let r = cell.row; r < Math.min(cell.row + cell.rowSpan, table.numRows); r++) {
      const line = grid[r];
      if (!line) continue;
      for (let c = cell.col; c < Math.min(cell.col + cell.colSpan, table.numCols); c++) line[c] = cell.text;
    }
  }
  return grid;
}
