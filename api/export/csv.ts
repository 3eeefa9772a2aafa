import type { Writable } from 'node:stream';
import type { Column, Kind } from './sheet.ts';
import { isoLocal, dateIn } from '../../core/time.ts';

/**
 * CSV of the same table as a sheet (same columns, same rows), for tools that do not read
 * Excel: RFC 4180 (comma, CRLF, fields quoted when needed), UTF-8 with a byte-order mark
 * so Excel opens accents and emoji correctly. Values as the API gives them: durations in
 * seconds, percentages 0-100 (the header says which), times as local wall clock
 * "YYYY-MM-DD hh:mm:ss.mmm" in the report's zone.
 *
 * A text cell that starts with = + - @ or a tab/CR (a customer's comment can) is prefixed
 * with ' so a spreadsheet shows it as text instead of running it as a formula (CSV
 * injection); the xlsx files need no such guard, their cells are typed as text.
 */
export function csvHeader(c: Column<unknown>): string {
  if (c.kind === 'duration') return `${c.header} (s)`;
  if (c.kind === 'percent' && !c.header.endsWith('%')) return `${c.header} (%)`;
  return c.header;
}

export function csvCell(kind: Kind, v: unknown, tz: string): string {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '';
  switch (kind) {
    case 'datetime':
      return isoLocal(tz, typeof v === 'number' ? v : Date.parse(String(v)), true);
    case 'date':
      return dateIn(tz, typeof v === 'number' ? v : Date.parse(String(v)));
    case 'bool':
      return v ? 'TRUE' : 'FALSE';
    case 'text':
      return quote(guard(String(v)));
    default:
      return String(Number(v));
  }
}

const guard = (s: string): string => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
const quote = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** Lines buffered before a write: ~100 KB per write, not one syscall per row. */
const LINES_PER_WRITE = 500;

export class CsvTable<R> {
  rows = 0;
  private buf: string[] = [];

  constructor(
    private readonly out: Writable,
    private readonly columns: Array<Column<R>>,
    private readonly tz: string,
  ) {
    this.buf.push('\uFEFF' + columns.map((c) => quote(csvHeader(c as Column<unknown>))).join(','));
  }

  async add(r: R): Promise<void> {
    this.buf.push(this.columns.map((c) => csvCell(c.kind, c.value(r), this.tz)).join(','));
    this.rows++;
    if (this.buf.length >= LINES_PER_WRITE) await this.flush();
  }

  async addAll(rows: Iterable<R> | AsyncIterable<R>): Promise<void> {
    for await (const r of rows) await this.add(r);
  }

  private async flush(): Promise<void> {
    if (!this.buf.length) return;
    const ok = this.out.write(this.buf.join('\r\n') + '\r\n');
    this.buf = [];
    if (!ok && !this.out.destroyed) await new Promise<void>((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.once('drain', done);
      this.out.once('close', done);
    });
    if (this.out.destroyed) throw new Error('the destination was closed before the CSV was complete');
  }

  /** Writes what is left and ends the stream. */
  async finish(): Promise<number> {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    return this.rows;
  }
}
