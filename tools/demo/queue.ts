/** The events an account's simulation has drawn but not yet yielded, ordered by time. */

/** An event as it is written out: a flat JSON object (SPEC.md event shapes). */
export type Ev = Record<string, unknown>;

interface Pending {
  t: number;
  s: number;
  e: Ev;
}

/** Min-heap of events by (time, insertion order). */
export class Queue {
  private h: Pending[] = [];
  private seq = 0;
  get size() {
    return this.h.length;
  }
  get nextTime() {
    return this.h[0].t;
  }
  push(t: number, e: Ev) {
    const h = this.h, p = { t, s: this.seq++, e };
    let i = h.push(p) - 1;
    while (i > 0) {
      const j = (i - 1) >> 1;
      if (h[j].t < t || (h[j].t === t && h[j].s < p.s)) break;
      h[i] = h[j];
      i = j;
    }
    h[i] = p;
  }
  pop(): Pending {
    const h = this.h, top = h[0], last = h.pop()!;
    if (h.length) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= h.length) break;
        if (c + 1 < h.length && (h[c + 1].t < h[c].t || (h[c + 1].t === h[c].t && h[c + 1].s < h[c].s))) c++;
        if (last.t < h[c].t || (last.t === h[c].t && last.s < h[c].s)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
