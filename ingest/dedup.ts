import type { Db } from '../sql/db.ts';
import { Bloom } from './bloom.ts';

/**
 * "Is (account_id, id) stored already?" for every ingested line, without a store query
 * per line. Three layers, all in this process:
 * - `pending`: ids accepted into a batch whose insert has not finished; a second request
 *   carrying the same id waits for that insert and then knows the answer exactly;
 * - a Bloom filter of every stored id (filled from the store at start): "no" is certain;
 * - the store itself, asked only for the filter's "maybe" ids, by primary key.
 * With one server per store (the embedded default) this gives exact counts even for
 * concurrent requests. With several servers on one ClickHouse cluster, two servers can
 * both accept a racing duplicate; reads stay exact (see sql/migrations/001_events.sql).
 */
export class DedupIndex {
  readonly bloom = new Bloom();
  /** Batches being written: their keys and the promise their insert settles. A handful at a time. */
  private pending = new Set<{ keys: Set<string>; done: Promise<boolean> }>();

  constructor(private db: Db) {}

  /** Fills the filter from the store: 4 bytes an event cross the wire (CRC32, RowBinary). */
  async load(): Promise<number> {
    const rs = await this.db.write.exec({ query: "SELECT CRC32(concat(account_id, '\\0', id)) FROM events FORMAT RowBinary" });
    let rest: Buffer = Buffer.alloc(0);
    let n = 0;
    for await (const chunk of rs.stream as AsyncIterable<Buffer>) {
      const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      const whole = buf.length - (buf.length % 4);
      for (let i = 0; i < whole; i += 4) this.bloom.add(buf.readUInt32LE(i));
      n += whole / 4;
      rest = buf.subarray(whole);
    }
    return n;
  }

  /**
   * 'new' (certainly not stored), 'maybe' (ask the store), or a promise that an earlier
   * batch holding the same id settles with whether it got stored.
   */
  check(key: string, hash: number): 'new' | 'maybe' | Promise<boolean> {
    for (const b of this.pending) if (b.keys.has(key)) return b.done;
    return this.bloom.has(hash) ? 'maybe' : 'new';
  }

  /** Marks ids as being stored by the batch that `done` settles. */
  claim(batch: Array<{ key: string; hash: number }>, done: Promise<boolean>): void {
    const entry = { keys: new Set<string>(), done };
    for (const { key, hash } of batch) {
      entry.keys.add(key);
      this.bloom.add(hash);
    }
    this.pending.add(entry);
    void done.finally(() => this.pending.delete(entry));
  }

  /**
   * Which of these (account, id) pairs are in the store: one primary-key lookup for the
   * whole batch (a query costs milliseconds whatever its size, so never one per account).
   */
  async stored(pairs: Array<{ account: string; id: string }>): Promise<Set<string>> {
    const accounts = [...new Set(pairs.map((p) => p.account))];
    const wanted = new Set(pairs.map((p) => `${p.account}\u0000${p.id}`));
    const rows = await this.db.query<{ account_id: string; id: string }>(
      'SELECT DISTINCT account_id, id FROM events WHERE account_id IN {accounts:Array(String)} AND id IN {ids:Array(String)}',
      { accounts, ids: [...new Set(pairs.map((p) => p.id))] },
    );
    const found = new Set<string>();
    for (const r of rows) {
      const k = `${r.account_id}\u0000${r.id}`;
      if (wanted.has(k)) found.add(k);
    }
    return found;
  }
}
