import type { StreamingWorkbook } from './sheet.ts';
import type { Words } from './words.ts';

/** One line of the About sheet: a label and its value, or a section heading (a label alone). */
export type AboutLine = [label: string, value: string | number | null] | [heading: string];

/**
 * The About sheet: who and what the workbook is about, how it was made, and the
 * definitions behind its numbers, in plain words, so it can travel without the API docs.
 */
export function writeAbout(book: StreamingWorkbook, w: Words, lines: AboutLine[]): void {
  const ws = book.wb.addWorksheet(book.uniqueName(w('About')));
  ws.columns = [{ width: 28 }, { width: 110 }];
  const title = ws.addRow([w('About this workbook')]);
  title.font = { bold: true, size: 14 };
  title.commit();
  ws.addRow([]).commit();
  for (const line of lines) {
    if (line.length === 1) {
      ws.addRow([]).commit();
      const h = ws.addRow([line[0]]);
      h.getCell(1).font = { bold: true, size: 12 };
      h.commit();
      continue;
    }
    const row = ws.addRow([line[0], line[1] ?? '']);
    row.getCell(1).font = { bold: true };
    row.getCell(1).alignment = { vertical: 'top' };
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
    row.commit();
  }
  ws.commit();
}
