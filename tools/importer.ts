import fs from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

export interface ImportOptions {
  url: string;
  key: string;
  /** Lines per request: big enough to amortise a request, small enough to retry cheaply. */
  batchLines?: number;
  /** Requests in flight at once. */
  parallel?: number;
  /** Attempts per batch that got no answer (network error, 5xx, 429). */
  attempts?: number;
  onProgress?: (p: ImportTotals) => void;
  /** First rejected lines, with their line numbers in the file. */
  maxErrors?: number;
}

export interface ImportTotals {
  lines: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  retries: number;
  seconds: number;
  errors: Array<{ line: number; id: string | null; field: string | null; message: string }>;
}

export function openInput(file: string): Readable {
  const raw = file === '-' ? process.stdin : fs.createReadStream(file, { highWaterMark: 1 << 20 });
  return file.endsWith('.gz') ? raw.pipe(zlib.createGunzip()) : raw;
}

/**
 * Streams NDJSON lines to POST /api/v1/events in batches. A batch that gets no answer is
 * sent again (with backoff): the server drops ids it already stored, so a retry can never
 * store an event twice. A 4xx answer is final and stops the import.
 */
export async function importStream(input: Readable, opts: ImportOptions): Promise<ImportTotals> {
  const batchLines = opts.batchLines ?? 100_000;
  const parallel = opts.parallel ?? 2;
  const t0 = performance.now();
  const totals: ImportTotals = { lines: 0, accepted: 0, duplicates: 0, rejected: 0, retries: 0, seconds: 0, errors: [] };
  const inflight = new Set<Promise<void>>();
  let failure: Error | null = null;

  const send = async (body: Buffer, count: number, firstLine: number) => {
    const attempts = opts.attempts ?? 6;
    for (let a = 1; ; a++) {
      let res: Response | undefined;
      try {
        res = await fetch(`${opts.url}/api/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${opts.key}` },
          body: body as unknown as BodyInit,
          signal: AbortSignal.timeout(300_000),
        });
      } catch (err) {
        if (a >= attempts) throw new Error(`no answer from ${opts.url} after ${a} attempts: ${(err as Error).message}`);
      }
      const countable = res && (res.ok || res.status === 400);
      const j0 = countable ? ((await res!.json()) as { error?: { code: string }; accepted?: number }) : undefined;
      if (res && !res.ok && j0?.error?.code === 'empty_body') return;
      if (res && (res.ok || j0?.error?.code === 'nothing_parseable')) {
        const j = j0 as { accepted: number; duplicates: number; rejected: number; errors: ImportTotals['errors'] };
        totals.accepted += j.accepted;
        totals.duplicates += j.duplicates;
        totals.rejected += j.rejected;
        for (const e of j.errors) if (totals.errors.length < (opts.maxErrors ?? 20)) totals.errors.push({ ...e, line: e.line + firstLine - 1 });
        return;
      }
      if (res && res.status < 500 && res.status !== 429) {
        const text = j0 ? JSON.stringify(j0) : await res.text();
        throw new Error(`the server refused lines ${firstLine}-${firstLine + count - 1}: ${res.status} ${text}`);
      }
      if (res && !countable) await res.body?.cancel();
      if (a >= attempts) throw new Error(`lines ${firstLine}-${firstLine + count - 1} failed after ${a} attempts (last status ${res?.status})`);
      totals.retries++;
      await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** a)));
    }
  };

  // Lines are cut as bytes: a request body is a slice of the input, never decoded or
  // re-encoded (readline plus join cost the importer ~3.9 µs of CPU an event, on the
  // cores the server needs). A line ends at \n (a \r before it is the server's to drop).
  let parts: Buffer[] = [];
  let count = 0;
  let first = 1;
  const flush = async () => {
    if (!count) return;
    const p: Promise<void> = send(Buffer.concat(parts), count, first)
      .then(() => opts.onProgress?.(totals))
      .catch((e) => {
        failure ??= e;
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
    first += count;
    parts = [];
    count = 0;
    while (inflight.size >= parallel) await Promise.race(inflight);
  };
  let tail = false; // bytes after the last \n so far: an unterminated line
  for await (const chunk of input as AsyncIterable<Buffer>) {
    if (failure) break;
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, nl + 1)) {
      // Blank lines keep their number so the server's line numbers map back to the file.
      count++;
      totals.lines++;
      tail = false;
      if (count >= batchLines) {
        parts.push(chunk.subarray(start, nl + 1));
        start = nl + 1;
        await flush();
        if (failure) break;
      }
    }
    if (start < chunk.length) {
      parts.push(chunk.subarray(start));
      tail = true;
    }
  }
  if (tail) {
    count++;
    totals.lines++;
  }
  await flush();
  await Promise.all(inflight);
  totals.seconds = (performance.now() - t0) / 1000;
  if (failure) throw failure;
  return totals;
}
