import type { Durations } from './types.ts';

/** Raw row of response-time.sql / first-response-time.sql. */
export interface DurationsRaw {
  bucket: number;
  grp: string;
  count: number;
  avg_s: number;
  /** [p50, p90] in ms */
  q_ms: [number, number];
}

export const toDurations = (r: DurationsRaw): Durations => ({ avg_s: r.avg_s, p50_s: r.q_ms[0] / 1000, p90_s: r.q_ms[1] / 1000, count: r.count });
