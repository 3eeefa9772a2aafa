import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { BACKLOG_BYTES, onceDrained, queueLength, sheetQueue } from './backpressure.ts';
import { cellXml, columnLetter, type Kind } from './row-xml.ts';

export type { Kind };
export { writeAbout, type AboutLine } from './about.ts';
import { wallClock } from '../../core/time.ts';
import { tuning } from '../../core/config.ts';

/**
 * What every sheet of every workbook shares: a bold, filled, frozen header row with an
 * autofilter over the data, column widths chosen per kind of value, and real number
 * formats, so the numbers can be summed, sorted and charted as they are.
 */

/** Excel's last row (1,048,576); a table that would pass it continues on a next sheet. */
export const EXCEL_MAX_ROWS = 1_048_576;


export const NUM_FMT: Record<Kind, string | undefined> = {
  text: undefined,
  int: '#,##0',
  rupiah: '#,##0',
  score: '0.00',
  number: '#,##0.###',
  duration: '[h]:mm:ss',
  percent: '0.0%',
  datetime: 'yyyy-mm-dd hh:mm:ss',
  date: 'yyyy-mm-dd',
  bool: undefined,
};

/** The cell style of each kind, shared by every cell of that kind (see Table.add). */
const STYLE_OF = Object.fromEntries(
  (Object.keys(NUM_FMT) as Kind[]).map((k) => [k, (NUM_FMT[k] ? { numFmt: NUM_FMT[k] } : {}) as Partial<ExcelJS.Style>]),
) as Record<Kind, ExcelJS.Style>;

const DEFAULT_WIDTH: Record<Kind, number> = {
  text: 16,
  int: 11,
  rupiah: 14,
  score: 10,
  number: 12,
  duration: 12,
  percent: 10,
  datetime: 20,
  date: 12,
  bool: 9,
};

export interface Column<R> {
  header: string;
  kind: Kind;
  value: (row: R) => unknown;
  /** Characters; default per kind, never narrower than the header. */
  width?: number;
  /** For a column whose rows hold different kinds of values (a KPI table): the kind of this row's cell. */
  kindOf?: (row: R) => Kind;
}

/** Columns with their (English) headers in the file's language (words.ts). */
export const localized = <R>(w: (english: string) => string, cols: Array<Column<R>>): Array<Column<R>> => cols.map((c) => ({ ...c, header: w(c.header) }));

/** A column definition in one line: col('Room', 'text', (r) => r.room_id, 24). */
export const col = <R>(header: string, kind: Kind, value: (row: R) => unknown, width?: number): Column<R> => ({ header, kind, value, width });

const HEADER_STYLE: Partial<ExcelJS.Style> = {
  font: { bold: true, color: { argb: 'FFFFFFFF' } },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E78' } },
  alignment: { vertical: 'middle', horizontal: 'center', wrapText: true },
  border: { bottom: { style: 'thin', color: { argb: 'FF0B2540' } } },
};

/** The cell value of `v` for a column of `kind` in zone `tz`. */
export function cellValue(kind: Kind, v: unknown, tz: string): ExcelJS.CellValue {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return null;
  switch (kind) {
    case 'duration':
      return Number(v) / 86400;
    case 'percent':
      return Number(v) / 100;
    case 'datetime':
    case 'date':
      return wallClock(tz, typeof v === 'number' ? v : Date.parse(String(v)));
    case 'int':
    case 'rupiah':
    case 'score':
    case 'number':
      return Number(v);
    case 'bool':
      return Boolean(v);
    default:
      return String(v);
  }
}

export interface WorkbookOptions {
  /** Rows per sheet before continuing on the next one (tests lower it); default Excel's maximum. */
  maxRowsPerSheet?: number;
}

/**
 * A streaming workbook: sheets are written one after the other straight into `out`
 * (a file or an HTTP response), each row committed as it is added, so memory holds a
 * batch of rows, never the sheet. Sheets must be finished in order (the zip is written
 * entry by entry).
 */
export class StreamingWorkbook {
  readonly wb: ExcelJS.stream.xlsx.WorkbookWriter;
  readonly maxRows: number;
  private readonly names = new Set<string>();

  constructor(
    private readonly out: Writable,
    readonly tz: string,
    opts: WorkbookOptions = {},
  ) {
    this.maxRows = opts.maxRowsPerSheet ?? EXCEL_MAX_ROWS;
    this.wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false, zip: { zlib: { level: tuning().zipLevel } } } as unknown as ExcelJS.stream.xlsx.WorkbookStreamWriterOptions);
    this.wb.creator = 'Chat analytics';
    this.wb.created = new Date();
  }

  /** A sheet name that is unique in the workbook, at most 31 characters (Excel's limit). */
  uniqueName(base: string): string {
    let name = base.slice(0, 31);
    for (let i = 2; this.names.has(name); i++) name = `${base.slice(0, 31 - ` (${i})`.length)} (${i})`;
    this.names.add(name);
    return name;
  }

  /**
   * Holds the producer back while the compressor is behind. exceljs writes each sheet into
   * an in-memory buffer that the zip reads at its own pace and never pushes back, so
   * without this a 1M-row sheet piles up ~500 MB of XML ahead of the compressor. Waits
   * while that queue holds more than BACKLOG_BYTES, or while the destination (a slow
   * HTTP client) asks to drain.
   */
  async drain(sheet: ExcelJS.Worksheet | null): Promise<void> {
    for (;;) {
      if (this.out.destroyed) throw new Error('the destination was closed before the workbook was complete');
      const queue = sheetQueue(sheet);
      const queued = queue ? queueLength(queue) : 0;
      if (queue && queued > BACKLOG_BYTES) await onceDrained(queue);
      else if (this.out.writableNeedDrain) await onceDrained(this.out);
      else return;
    }
  }

  table<R>(name: string, columns: Array<Column<R>>): Table<R> {
    return new Table(this, name, columns);
  }

  async commit(): Promise<void> {
    await this.wb.commit();
  }
}

/** Rows between two backpressure checks: a few hundred KB of XML at most. */
const DRAIN_EVERY = 256;

/** One table: a header row and its data rows, continued on "Name (2)", ... past the sheet's row limit. */
export class Table<R> {
  private ws: ExcelJS.Worksheet | null = null;
  private rowsInSheet = 0;
  /** Row XML not yet handed to the sheet's stream. */
  private pending: string[] = [];
  private readonly styleIds: Record<Kind, number>;
  private readonly letters: string[];
  /** Data rows written over all of this table's sheets. */
  rows = 0;
  readonly sheetNames: string[] = [];

  constructor(
    private readonly book: StreamingWorkbook,
    private readonly name: string,
    private readonly columns: Array<Column<R>>,
  ) {
    // The style id of each kind, registered once in the workbook's styles.
    const styles = (book.wb as unknown as { styles: { addStyleModel(m: object, t: number): number } }).styles;
    this.styleIds = Object.fromEntries(
      (Object.keys(NUM_FMT) as Kind[]).map((k) => [k, styles.addStyleModel(STYLE_OF[k], k === 'text' ? ExcelJS.ValueType.String : ExcelJS.ValueType.Number)]),
    ) as Record<Kind, number>;
    this.letters = columns.map((_, i) => columnLetter(i));
  }

  private open(): ExcelJS.Worksheet {
    const name = this.book.uniqueName(this.sheetNames.length ? `${this.name} (${this.sheetNames.length + 1})` : this.name);
    this.sheetNames.push(name);
    const ws = this.book.wb.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }] });
    ws.columns = this.columns.map((c) => ({
      key: c.header,
      width: Math.max(c.width ?? DEFAULT_WIDTH[c.kind], Math.min(40, c.header.length + 3)),
      style: STYLE_OF[c.kind],
    }));
    // The header goes through exceljs (which also opens <sheetData>); data rows are written as XML (row-xml.ts).
    const header = ws.addRow(this.columns.map((c) => c.header));
    header.height = 30;
    header.eachCell((cell) => {
      cell.style = HEADER_STYLE as ExcelJS.Style;
    });
    header.commit();
    this.rowsInSheet = 0;
    return ws;
  }

  private flush(): void {
    if (!this.ws || !this.pending.length) return;
    (this.ws as unknown as { stream: { write(s: string): void } }).stream.write(this.pending.join(''));
    this.pending = [];
  }

  private close(): void {
    if (!this.ws) return;
    this.flush();
    // The filter covers the header and every data row of this sheet.
    this.ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: this.rowsInSheet + 1, column: this.columns.length } };
    this.ws.commit();
    this.ws = null;
  }

  async add(r: R): Promise<void> {
    if (!this.ws) this.ws = this.open();
    else if (this.rowsInSheet + 1 >= this.book.maxRows) {
      this.close();
      this.ws = this.open();
    }
    const tz = this.book.tz;
    const cols = this.columns;
    const n = this.rowsInSheet + 2;
    let xml = `<row r="${n}">`;
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i];
      const kind = c.kindOf ? c.kindOf(r) : c.kind;
      const raw = c.value(r);
      const v = kind === 'datetime' || kind === 'date' ? raw : cellValue(kind, raw, tz);
      xml += cellXml(this.letters[i] + n, this.styleIds[kind], kind, v, tz);
    }
    this.pending.push(xml + '</row>');
    this.rowsInSheet++;
    this.rows++;
    if (this.pending.length >= DRAIN_EVERY) {
      this.flush();
      await this.book.drain(this.ws);
    }
  }

  async addAll(rows: Iterable<R> | AsyncIterable<R>): Promise<void> {
    for await (const r of rows) await this.add(r);
  }

  /** Ends the table (an empty table still gets its header row). */
  finish(): number {
    if (!this.ws) this.ws = this.open();
    this.close();
    return this.rows;
  }
}
