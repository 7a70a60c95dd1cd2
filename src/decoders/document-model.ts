/**
 * The document model every decoder produces and every exporter reads: pages of typed items, each with the
 * page it sits on and, when the answer located it, its box. It is deliberately smaller than Docling's
 * `DoclingDocument` (no refs, no groups): {@link exportJson} builds that shape from this one.
 */

/** A box in page coordinates: points, origin at the top-left corner of the page. */
export interface BoundingBox {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/**
 * A box as the model wrote it: `<loc_N>` values on the 0..499 grid (value/500 of the page size, origin
 * top-left). Kept beside {@link BoundingBox} so nothing is lost when the page size is unknown, and so
 * DocTags export writes back exactly what was read.
 */
export type LocationGrid = BoundingBox;

/** What every item carries: its page and, when the answer gave `<loc_N>`s, where it is. */
export interface ItemBase {
  /** 1-based page number. */
  readonly page: number;
  /** Box in points (origin top-left); only present when the answer located the item and the page size is known. */
  readonly bbox?: BoundingBox;
  /** The raw `<loc_N>` grid values, when the answer gave them. */
  readonly loc?: LocationGrid;
}

/** Text-bearing item kinds that differ only by their role. */
export type TextKind = 'title' | 'text' | 'footnote' | 'formula';

/** A title, paragraph, footnote or formula (LaTeX when the model wrote LaTeX). */
export interface TextItem extends ItemBase {
  readonly kind: TextKind;
  readonly text: string;
}

/** A section heading; `level` 1 is the highest under the title. */
export interface SectionHeaderItem extends ItemBase {
  readonly kind: 'section_header';
  readonly level: 1 | 2 | 3 | 4 | 5 | 6;
  readonly text: string;
}

/** Page furniture: left out of Markdown and HTML exports by default. */
export interface FurnitureItem extends ItemBase {
  readonly kind: 'page_header' | 'page_footer';
  readonly furniture: true;
  readonly text: string;
}

/** A code block; `language` is the model's language token (e.g. `Python`, `unknown`) when it gave one. */
export interface CodeItem extends ItemBase {
  readonly kind: 'code';
  readonly text: string;
  readonly language?: string;
  readonly caption?: CaptionItem;
}

/** A checkbox and the text beside it. */
export interface CheckboxItem extends ItemBase {
  readonly kind: 'checkbox';
  readonly checked: boolean;
  readonly text: string;
}

/** A caption: standalone, or attached to a table, picture or code block. */
export interface CaptionItem extends ItemBase {
  readonly kind: 'caption';
  readonly text: string;
}

/** One entry of a list: its text, and what is nested under it (sub-lists, inline runs). */
export interface ListEntry {
  readonly text: string;
  readonly bbox?: BoundingBox;
  readonly loc?: LocationGrid;
  /** Items nested in the entry: usually a sub-list; an entry with empty text and only a sub-list continues the previous entry. */
  readonly children: readonly DocItem[];
}

/** An ordered or unordered list. */
export interface ListItem extends ItemBase {
  readonly kind: 'list';
  readonly ordered: boolean;
  readonly items: readonly ListEntry[];
}

/** Text, code and formulas that read as one line (DocTags `<inline>`). */
export interface InlineItem extends ItemBase {
  readonly kind: 'inline';
  readonly items: readonly DocItem[];
}

/** One table cell; spans are resolved, so each cell appears once at its top-left grid position. */
export interface TableCell {
  /** 0-based row of the cell's top-left corner. */
  readonly row: number;
  /** 0-based column of the cell's top-left corner. */
  readonly col: number;
  readonly rowSpan: number;
  readonly colSpan: number;
  readonly text: string;
  readonly columnHeader: boolean;
  readonly rowHeader: boolean;
  readonly rowSection: boolean;
}

/** Table structure shared by tables, document indexes and chart data. */
export interface TableData {
  readonly numRows: number;
  readonly numCols: number;
  readonly cells: readonly TableCell[];
}

/** A table (DocTags `<otsl>`) or a table of contents (`<document_index>`). */
export interface TableItem extends ItemBase, TableData {
  readonly kind: 'table' | 'document_index';
  readonly caption?: CaptionItem;
}

/** A picture or chart. Charts are pictures with `chart: true`; their data, when given, is a table. */
export interface PictureItem extends ItemBase {
  readonly kind: 'picture';
  /** True for DocTags `<chart>`. */
  readonly chart: boolean;
  /** Class token the model gave, e.g. `bar_chart`, `natural_image`, `other`. */
  readonly classification?: string;
  readonly caption?: CaptionItem;
  /** Chart data, when the model transcribed it. */
  readonly data?: TableData;
  /** A SMILES string for chemical structures. */
  readonly smiles?: string;
}

/** One key or value cell of a key-value region; `links` are the ids of the cells it points to. */
export interface KeyValueCell {
  readonly role: 'key' | 'value';
  readonly id: number;
  readonly text: string;
  readonly links: readonly number[];
  readonly bbox?: BoundingBox;
  readonly loc?: LocationGrid;
}

/** A form-like region of keys and values. */
export interface KeyValueRegionItem extends ItemBase {
  readonly kind: 'key_value_region';
  readonly cells: readonly KeyValueCell[];
}

/** Every item of a page, discriminated by `kind`. */
export type DocItem =
  | TextItem
  | SectionHeaderItem
  | FurnitureItem
  | CodeItem
  | CheckboxItem
  | CaptionItem
  | ListItem
  | InlineItem
  | TableItem
  | PictureItem
  | KeyValueRegionItem;

/** One page of a converted document. */
export interface DocumentPage {
  /** 1-based page number. */
  readonly page: number;
  /** Page width in points, when known. */
  readonly width: number | null;
  /** Page height in points, when known. */
  readonly height: number | null;
  readonly items: readonly DocItem[];
}

/** A converted document: its name and its pages in order. */
export interface ConvertedDocument {
  readonly name: string;
  readonly pages: readonly DocumentPage[];
}

/** Where a decoded page sits: its number and, when known, its size in points. */
export interface PageRef {
  /** 1-based page number. */
  readonly page: number;
  /** Page width in points, when known. */
  readonly width?: number | undefined;
  /** Page height in points, when known. */
  readonly height?: number | undefined;
}
