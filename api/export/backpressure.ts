import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';

/**
 * Backpressure for a streaming workbook: how much of a sheet's XML is still waiting for the
 * zip's compressor, and waiting for a stream to drain (see StreamingWorkbook.drain).
 */

/** XML allowed to wait for the compressor, bytes. */
export const BACKLOG_BYTES = 4 * 1024 * 1024;

/** A writable exceljs and archiver share: what the zip has not yet taken of a sheet's XML. */
type Queue = NodeJS.EventEmitter & { writableLength?: number; _writableState?: { length?: number }; destroyed?: boolean };

/**
 * The stream a streaming sheet writes into: the sheet's exceljs StreamBuf pipes into a
 * stream of archiver's (readable-stream), whose write queue is what grows. Internal
 * shapes, read defensively: unknown shapes give null (and only the destination is watched).
 */
export function sheetQueue(sheet: ExcelJS.Worksheet | null): Queue | null {
  const pipes = (sheet as unknown as { stream?: { pipes?: unknown[] } } | null)?.stream?.pipes;
  return Array.isArray(pipes) && pipes.length === 1 && typeof (pipes[0] as Queue).once === 'function' ? (pipes[0] as Queue) : null;
}

export const queueLength = (q: Queue): number => q._writableState?.length ?? q.writableLength ?? 0;

/** Resolves on the stream's next 'drain' (its queue emptied), or when it closes or fails. */
export function onceDrained(s: Queue | Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      s.off('drain', done);
      s.off('close', done);
      s.off('error', done);
      resolve();
    };
    s.once('drain', done);
    s.once('close', done);
    s.once('error', done);
  });
}
