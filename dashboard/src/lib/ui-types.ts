/** Types the components share with the pages that use them. */
import type { Snippet } from 'svelte';
import type { GlossaryKey } from '../../../core/glossary.ts';

/** A column of DataTable: `value` sorts, `format` (or `cell`) shows. */
export interface Column<Row> {
  key: string;
  label: string;
  value: (r: Row) => number | string | null | undefined;
  format?: (r: Row) => string;
  numeric?: boolean;
  /** false: no sort button (the server cannot sort by it). */
  sortable?: boolean;
  cell?: Snippet<[Row]>;
  /** Long text that wraps instead of being cut with an ellipsis. */
  wrap?: boolean;
  /** The column's definition in the glossary (an ⓘ in its header). */
  info?: GlossaryKey;
}

/** What a click on a chart point tells (ECharts' event, the parts the pages use). */
export interface ChartPoint {
  seriesName?: string;
  /** The `id` the page gave the series (a channel, a score...). */
  seriesId?: string;
  seriesIndex?: number;
  dataIndex: number;
  name: string;
  value: unknown;
  data: unknown;
}
