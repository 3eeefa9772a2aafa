import type { Db } from '../db.ts';
import type { TotalChats } from '../../core/wire/metrics.ts';
import { groupKey, runMetricSql } from './query.ts';
import { CHANNELS, fixedKeys, ORIGINS, type Channel, type MetricFilters, type Origin, type Row, type Shape } from './types.ts';

/** SPEC "Total chats": rooms started in the window, by origin and by channel (every key listed); core/wire/metrics.ts. */
export type { TotalChats };

export const emptyTotalChats = (): TotalChats => ({
  total_chats: 0,
  chats_by_origin: fixedKeys(ORIGINS, undefined),
  chats_by_channel: fixedKeys(CHANNELS, undefined),
});

interface Raw {
  bucket: number;
  grp: string;
  origin: string;
  channel: string;
  rooms: number;
}

/** Total chats per bucket / group of `shape` (only buckets and groups with rooms). */
export async function totalChatsRows(db: Db, f: MetricFilters, shape: Shape = {}): Promise<Array<Row<TotalChats>>> {
  const rows = await runMetricSql<Raw>(db, 'total-chats.sql', f, shape);
  const out = new Map<string, Row<TotalChats>>();
  for (const r of rows) {
    const id = `${r.bucket}\u0000${r.grp}`;
    let row = out.get(id);
    if (!row) out.set(id, (row = { bucket: r.bucket, key: groupKey(shape, r.grp), value: emptyTotalChats() }));
    row.value.total_chats += r.rooms;
    if (r.origin in row.value.chats_by_origin) row.value.chats_by_origin[r.origin as Origin] += r.rooms;
    if (r.channel in row.value.chats_by_channel) row.value.chats_by_channel[r.channel as Channel] += r.rooms;
  }
  return [...out.values()];
}
