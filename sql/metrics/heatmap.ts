import type { Db } from '../db.ts';
import { runMetricSql } from './query.ts';
import type { MetricFilters } from './types.ts';

/** Rooms started in the window by weekday x hour of day in f.tz: rooms[0] is Monday, rooms[d][h] the hour h:00-h:59. */
export async function roomsHeatmap(db: Db, f: MetricFilters): Promise<number[][]> {
  const rows = await runMetricSql<{ weekday: number; hour: number; rooms: number }>(db, 'heatmap.sql', f);
  const grid = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const r of rows) grid[r.weekday - 1][r.hour] = r.rooms;
  return grid;
}
