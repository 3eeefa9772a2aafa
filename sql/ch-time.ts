/**
 * DateTime64(3, 'UTC') as ClickHouse prints it ("YYYY-MM-DD hh:mm:ss.mmm", UTC). Stores
 * read times as unix ms (toUnixTimestamp64Milli, exact in any session zone) and turn them
 * into this text where the API answers with it, so the answers are what they always were.
 * Also accepted on input for a DateTime64(3, 'UTC') column in JSONEachRow.
 */
export const chText = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

export const chTextOrNull = (ms: number | string | null | undefined): string | null => (ms === null || ms === undefined ? null : chText(Number(ms)));
