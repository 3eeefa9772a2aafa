/**
 * What schedules and runs (sql/scheduler/schedules.ts, runs.ts) share: names of reports,
 * formats and periods, row versions, and how times cross to the store.
 */

import type { Format, Period, Report } from '../../core/wire/exports.ts';

/** The export names of core/wire/exports.ts, under the names the store's rows use. */
export type ExportReport = Report;
export type ExportFormat = Format;
export type ExportPeriod = Period;

let lastVersion = 0;
/** Strictly increasing in this process (µs of the clock), so two writes of a row in one ms still order. */
export function nextVersion(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}

/** 64-bit integers as JSON numbers: ms, versions (µs) and byte counts stay below 2^53. */
export const SETTINGS = { output_format_json_quote_64bit_integers: 0 };

/**
 * A query with its `{{columns}}` filled in from a columns file (its comment lines left out),
 * so that every read of a table returns the same columns.
 */
export const withColumns = (sql: string, columns: string): string => sql.replace('{{columns}}', columns.replace(/^--.*$/gm, '').trim());

/** Read as unix ms (toUnixTimestamp64Milli) and 64-bit counts: numbers, or null. */
export const num = (v: unknown): number => Number(v);
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
