import { offsetAt } from '../../core/time.ts';

/**
 * How a column's values are written:
 * - text, int (count, `#,##0`), rupiah (whole rupiah, `#,##0`), score (`0.00`), number (`#,##0.###`);
 * - duration: seconds in, Excel days out (seconds / 86400), shown `[h]:mm:ss` (ms kept in the value);
 * - percent: 0-100 in (as the API gives it), a fraction out, shown `0.0%`;
 * - datetime / date: unix ms in, written as the account's wall clock (Excel has no zones), `yyyy-mm-dd hh:mm:ss` / `yyyy-mm-dd`;
 * - bool: TRUE / FALSE.
 * null and undefined leave the cell empty (an average over nothing is not zero).
 */
export type Kind = 'text' | 'int' | 'rupiah' | 'score' | 'number' | 'duration' | 'percent' | 'datetime' | 'date' | 'bool';

/**
 * The XML of one worksheet row, written directly instead of through exceljs's Row and
 * Cell objects: for a 1M-row sheet exceljs spent ~4 s per 100k rows building, styling
 * and serialising cell objects; a string per row takes a fraction of that. The output
 * is what exceljs writes for the same cells (`t="str"` strings, `<v>` numbers, Excel
 * serial dates, `t="b"` booleans, a style id per cell), so readers see no difference.
 */

/** Excel's day 0 is 1899-12-30; unix ms 0 is day 25569. */
const EXCEL_EPOCH_DAYS = 25569;
const DAY_MS = 86_400_000;

const LETTERS = Array.from({ length: 702 }, (_, i) => (i < 26 ? String.fromCharCode(65 + i) : String.fromCharCode(64 + Math.floor(i / 26)) + String.fromCharCode(65 + (i % 26))));
/** "A", "B", ..., "Z", "AA", ... for column index 0, 1, ... */
export const columnLetter = (i: number): string => LETTERS[i];

// Control characters are the point: XML 1.0 cannot carry them, so they are escaped or dropped.
// eslint-disable-next-line no-control-regex
const XML_SPECIAL = /[<>&'"\x7F\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ENTITY: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' };

/** Text as XML character data; characters XML cannot carry (control characters, lone surrogates) are dropped, as exceljs does. */
export function xmlText(s: string): string {
  return s.replace(XML_SPECIAL, (c) => ENTITY[c] ?? '');
}

/** One cell, or '' for an empty one. `v` is already the value for its kind (see cellValue in sheet.ts), except dates: unix ms. */
export function cellXml(ref: string, style: number, kind: Kind, v: unknown, tz: string): string {
  if (v === null || v === undefined) return '';
  switch (kind) {
    case 'text':
      return `<c r="${ref}" s="${style}" t="str"><v>${xmlText(String(v))}</v></c>`;
    case 'bool':
      return `<c r="${ref}" s="${style}" t="b"><v>${v ? 1 : 0}</v></c>`;
    case 'datetime':
    case 'date': {
      const ms = typeof v === 'number' ? v : Date.parse(String(v));
      if (!Number.isFinite(ms)) return '';
      return `<c r="${ref}" s="${style}"><v>${EXCEL_EPOCH_DAYS + (ms + offsetAt(tz, ms)) / DAY_MS}</v></c>`;
    }
    default: {
      const n = Number(v);
      if (!Number.isFinite(n)) return '';
      return `<c r="${ref}" s="${style}"><v>${n}</v></c>`;
    }
  }
}
