import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

/** Longest accepted NDJSON line, bytes (SPEC: one event is small; this bounds memory). */
export const MAX_LINE_BYTES = 64 * 1024;

export interface Line {
  /** 1-based line number in the request. */
  n: number;
  /** The line's text, or null when it was longer than MAX_LINE_BYTES. */
  text: string | null;
  /** The first MAX_LINE_BYTES of an over-long line, kept for the dead-letter table. */
  head?: string;
  /** Real length in bytes (UTF-8). */
  bytes: number;
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the request body is larger than ${limit} bytes`);
  }
}

/**
 * Splits a byte stream into lines without holding the body: memory is one chunk plus
 * one partial line (at most MAX_LINE_BYTES; the rest of a longer line is skipped and
 * only counted). Blank lines are skipped but keep their number. Counts body bytes and
 * throws BodyTooLargeError past maxBytes. Yields the lines of each chunk together: an
 * await per line would cost about a microsecond each.
 */
export async function* splitLines(body: Readable, maxBytes: number): AsyncGenerator<Line[]> {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let partialBytes = 0;
  let overflow = false;
  let head = '';
  let n = 0;
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw new BodyTooLargeError(maxBytes);
    let s = decoder.write(chunk);
    // A UTF-8 byte-order mark (some Windows tools write one) is not part of line 1.
    if (total === chunk.length && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    const out: Line[] = [];
    let start = 0;
    for (;;) {
      const nl = s.indexOf('\n', start);
      if (nl === -1) break;
      const piece = s.slice(start, nl);
      start = nl + 1;
      n++;
      const line = finish(partial + piece, partialBytes + byteLen(piece), overflow, head, n);
      partial = '';
      partialBytes = 0;
      overflow = false;
      head = '';
      if (line) out.push(line);
    }
    if (out.length) yield out;
    const rest = s.slice(start);
    if (overflow) {
      partialBytes += byteLen(rest);
    } else {
      partial += rest;
      partialBytes += byteLen(rest);
      if (partialBytes > MAX_LINE_BYTES) {
        overflow = true;
        head = truncateBytes(partial, MAX_LINE_BYTES);
        partial = '';
      }
    }
  }
  const tail = decoder.end();
  const last = finish(partial + tail, partialBytes + byteLen(tail), overflow, head, n + 1);
  if (last) yield [last];
}

function finish(text: string, bytes: number, overflow: boolean, head: string, n: number): Line | null {
  if (overflow || bytes > MAX_LINE_BYTES) {
    return { n, text: null, head: overflow ? head : truncateBytes(text, MAX_LINE_BYTES), bytes };
  }
  const t = text.endsWith('\r') ? text.slice(0, -1) : text;
  if (t.trim() === '') return null;
  return { n, text: t, bytes };
}

function byteLen(s: string): number {
  return Buffer.byteLength(s);
}

function truncateBytes(s: string, max: number): string {
  const b = Buffer.from(s);
  return b.length <= max ? s : b.subarray(0, max).toString('utf8');
}
