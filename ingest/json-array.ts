import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { BodyTooLargeError, MAX_LINE_BYTES, type Line } from './lines.ts';

/**
 * Splits an `application/json` body, an array of events, into one "line" per element
 * while it streams: element i is line i + 1, with the same limits as an NDJSON line
 * (MAX_LINE_BYTES; a longer element keeps only its head, for the dead letters). Memory is
 * one chunk plus one element, whatever the body's size (256 MiB bodies, several at once).
 *
 * The scanner only finds where elements start and end (strings, escapes, nesting depth as
 * a counter, so 100k levels cost nothing); each element's text is then parsed and
 * validated by the ingestor like any line. A body that is not an array (its first
 * character is not `[`) is one element: a single event. Where the array's own structure
 * breaks (`[,`, `[1 2]`, text after the closing `]`), the rest of the body becomes one
 * more line, rejected as invalid JSON; the elements before it are taken as usual. An
 * array cut off before its `]` keeps the elements read so far (the last, if cut, is
 * rejected by the parser): the same as an NDJSON body cut off in a line.
 */
export async function* splitJsonArray(body: Readable, maxBytes: number): AsyncGenerator<Line[]> {
  const decoder = new StringDecoder('utf8');
  const el = new Element();
  let total = 0;
  let n = 0;
  /** start: before the first character; array: between elements; element; single: not an array; done: after `]`; broken: the rest is one bad line. */
  const p: { state: State } = { state: 'start' };
  let sawComma = false;
  let depth = 0;
  let inStr = false;
  let esc = false;
  let first = true;

  const breakHere = (i: number) => {
    p.state = 'broken';
    el.reset();
    return i; // the element now starts at i: the rest of the body
  };

  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw new BodyTooLargeError(maxBytes);
    let s = decoder.write(chunk);
    if (first && s.length) {
      first = false;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1); // a UTF-8 byte-order mark is not part of the JSON
    }
    const out: Line[] = [];
    let start = 0; // where the current element's text begins in s
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      switch (p.state) {
        case 'start':
          if (isSpace(c)) continue;
          if (c === 0x5b /* [ */) p.state = 'array';
          else {
            p.state = 'single';
            start = i;
          }
          continue;
        case 'array':
          // After `[` or a `,`: a value comes next (an element ends only at its `,` or `]`).
          if (isSpace(c)) continue;
          if (c === 0x5d /* ] */ && !sawComma) {
            p.state = 'done'; // `[]`
          } else if (c !== 0x2c /* , */ && c !== 0x5d) {
            p.state = 'element';
            el.reset();
            start = i;
            depth = 0;
            inStr = false;
            i--; // the element's first character is scanned as part of it
          } else {
            start = breakHere(i);
          }
          continue;
        case 'element':
          if (inStr) {
            if (esc) esc = false;
            else if (c === 0x5c /* \ */) esc = true;
            else if (c === 0x22 /* " */) inStr = false;
            continue;
          }
          if (c === 0x22) inStr = true;
          else if (c === 0x7b /* { */ || c === 0x5b) depth++;
          else if (c === 0x7d /* } */) depth--;
          else if (c === 0x5d && depth > 0) depth--;
          else if ((c === 0x2c && depth <= 0) || (c === 0x5d && depth <= 0)) {
            el.add(s.slice(start, i));
            out.push(el.line(++n));
            if (c === 0x2c) {
              p.state = 'array';
              sawComma = true;
            } else p.state = 'done';
          }
          continue;
        case 'done':
          if (!isSpace(c)) start = breakHere(i);
          continue;
        default: // single, broken: everything is the one element
          continue;
      }
    }
    if (p.state === 'element' || p.state === 'single' || p.state === 'broken') el.add(s.slice(start));
    if (out.length) yield out;
  }
  const tail = decoder.end();
  if (tail && p.state !== 'done' && p.state !== 'start' && p.state !== 'array') el.add(tail);
  if (p.state === 'element' || p.state === 'single' || p.state === 'broken') {
    if (!el.blank()) yield [el.line(++n)];
  }
}

/** The text of one element, bounded like an NDJSON line. */
class Element {
  private text = '';
  private bytes = 0;
  private head: string | null = null;

  reset(): void {
    this.text = '';
    this.bytes = 0;
    this.head = null;
  }

  add(piece: string): void {
    if (!piece) return;
    this.bytes += Buffer.byteLength(piece);
    if (this.head !== null) return;
    this.text += piece;
    if (this.bytes > MAX_LINE_BYTES) {
      const b = Buffer.from(this.text);
      this.head = b.subarray(0, MAX_LINE_BYTES).toString('utf8');
      this.text = '';
    }
  }

  blank(): boolean {
    return this.head === null && this.text.trim() === '';
  }

  line(n: number): Line {
    const l: Line = this.head !== null ? { n, text: null, head: this.head, bytes: this.bytes } : { n, text: this.text.trim(), bytes: this.bytes };
    this.reset();
    return l;
  }
}

type State = 'start' | 'array' | 'element' | 'single' | 'done' | 'broken';

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
