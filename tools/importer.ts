import fs from 'node:fs';
import readline from 'node:readline';
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

  const send = async (lines: string[], firstLine: number) => {
    const body = Buffer.from(lines.join('\n') + '\n');
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
        throw new Error(`the server refused lines ${firstLine}-${firstLine + lines.length - 1}: ${res.status} ${text}`);
      }
      if (res && !countable) await res.body?.cancel();
      if (a >= attempts) throw new Error(`lines ${firstLine}-${firstLine + lines.length - 1} failed after ${a} attempts (last status ${res?.status})`);
      totals.retries++;
      await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** a)));
    }
  };

  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  let batch: string[] = [];
  let first = 1;
  const flush = async () => {
    if (!batch.length) return;
    const p: Promise<void> = send(batch, first)
      .then(() => opts.onProgress?.(totals))
      .catch((e) => {
        failure ??= e;
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
    first += batch.length;
    batch = [];
    while (inflight.size >= parallel) await Promise.race(inflight);
  };
  for await (const line of rl) {
    if (failure) break;
    totals.lines++;
    // Blank lines keep their number so the server's line numbers map back to the file.
    batch.push(line);
    if (batch.length >= batchLines) await flush();
  }
  await flush();
  await Promise.all(inflight);
  totals.seconds = (performance.now() - t0) / 1000;
  if (failure) throw failure;
  return totals;
}
