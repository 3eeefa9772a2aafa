import type { Db } from './db.ts';
import { loadSql } from './load.ts';

/**
 * The store side of ingest's duplicate check (ingest/dedup.ts keeps the Bloom filter and
 * the in-process claims): the hashes of every stored event, and which ids are stored.
 */
const SQL = {
  hashes: loadSql(import.meta.url, 'dedup-hashes.sql'),
  stored: loadSql(import.meta.url, 'dedup-stored.sql'),
};

/**
 * Calls `add` with the hash of every stored event (see dedup-hashes.sql), streamed on the
 * write connection; returns how many there were.
 */
export async function eachEventHash(db: Db, add: (hash: number) => void): Promise<number> {
  const rs = await db.write.exec({ query: SQL.hashes });
  let rest: Buffer = Buffer.alloc(0);
  let n = 0;
  for await (const chunk of rs.stream as AsyncIterable<Buffer>) {
    // A hash may straddle two chunks: its first bytes wait for the next one.
    const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    const whole = buf.length - (buf.length % 4);
    for (let i = 0; i < whole; i += 4) add(buf.readUInt32LE(i));
    n += whole / 4;
    rest = buf.subarray(whole);
  }
  return n;
}

/** Stored (account_id, id) pairs among the given accounts and ids (a superset of the pairs asked: filter them). */
export async function storedEventIds(db: Db, accounts: string[], ids: string[]): Promise<Array<{ account_id: string; id: string }>> {
  return db.query<{ account_id: string; id: string }>(SQL.stored, { accounts, ids });
}
