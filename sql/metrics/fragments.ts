import type { MetricFilters, Shape } from './types.ts';

/**
 * The fixed SQL fragments a metric query is completed with, chosen from whitelists by the
 * shape and filters (never from request text). Fragments replace `{{name args}}`
 * placeholders in the .sql files; args are column names written in those files.
 *
 * Why not a bound parameter and multiIf: ClickHouse does not fold a multiIf over a
 * parameter before reading columns, so an unused branch (the per-agent column, say)
 * would still be read and decoded for every room; a fixed fragment reads only what it uses.
 */

/** Start (unix ms) of the calendar bucket holding t, in {tz}. Days, weeks (Monday) and months start at local midnight. */
const BUCKET: Record<string, (t: string) => string> = {
  hour: (t) => `toInt64(toUnixTimestamp(toStartOfHour(${t}, {tz:String}))) * 1000`,
  day: (t) => `toInt64(toUnixTimestamp(toDateTime(toDate(${t}, {tz:String}), {tz:String}))) * 1000`,
  week: (t) => `toInt64(toUnixTimestamp(toDateTime(toMonday(${t}, {tz:String}), {tz:String}))) * 1000`,
  month: (t) => `toInt64(toUnixTimestamp(toDateTime(toStartOfMonth(${t}, {tz:String}), {tz:String}))) * 1000`,
  // The whole window, split at {split} for the summary's "previous" window: [lo, split) -> lo, [split, hi) -> split.
  window: (t) => `if(${t} >= {split:DateTime64(3, 'UTC')}, toUnixTimestamp64Milli({split:DateTime64(3, 'UTC')}), toUnixTimestamp64Milli({lo:DateTime64(3, 'UTC')}))`,
};

/** A window of the room closed unanswered in [close_lo, hi): expired.sql and rooms?expired=true. */
export const EXPIRED_TEST = "arrayExists((c, e) -> e = 1 AND c >= {close_lo:DateTime64(3, 'UTC')} AND c < {hi:DateTime64(3, 'UTC')}, window_closes, window_expired)";

/** `extra`: fragments of one query file (a sort key, say), which its caller picks from its own whitelist. */
export function fillFragments(sql: string, f: MetricFilters, shape: Shape, extra: Record<string, string> = {}): string {
  const office = (f.office?.spans.length ?? 0) > 0;
  // Only code is filled, not `--` comments: a comment may name a fragment ({{window}}),
  // and a fragment of several lines there would end the comment early. (No SQL here has
  // "--" inside a string literal.)
  const fill = (code: string) => code.replace(/\{\{(\w+)((?: \w+)*)\}\}/g, (whole, name: string, rawArgs: string) => {
    const args = rawArgs.trim().split(' ');
    if (Object.hasOwn(extra, name)) return extra[name];
    switch (name) {
      // {{bucket t}}: the bucket of instant column t
      case 'bucket':
        return BUCKET[shape.interval ?? 'window'](args[0]);
      // {{group agentColumn}}: the grouping key ('' when not grouped); 'sets' counts each row
      // three times in one pass, keyed '' (whole), 'c:<channel>' and 'a:<agent>' (splitSets)
      case 'group':
        if (shape.group === 'sets') return `arrayJoin(['', concat('c:', channel), concat('a:', ifNull(${args[0]}, ''))])`;
        return shape.group === 'channel' ? 'channel' : shape.group === 'agent' ? args[0] : "''";
      // {{filter agentColumn}}: the channel / agent filters, only when given
      case 'filter': {
        const parts = ['1'];
        if (f.channels?.length) parts.push('has({channels:Array(String)}, channel)');
        if (f.agents?.length) parts.push(`has({agents:Array(String)}, ${args[0]})`);
        return parts.join(' AND ');
      }
      // {{elapsed a}}: milliseconds from a to {until} (service levels), calendar or office time
      case 'elapsed':
        return office ? `office_ms(assumeNotNull(${args[0]}), {until:DateTime64(3, 'UTC')})` : `dateDiff('millisecond', ${args[0]}, {until:DateTime64(3, 'UTC')})`;
      // {{expired}}: a window of the room closed unanswered in [close_lo, hi) (expired windows)
      case 'expired':
        return EXPIRED_TEST;
      // {{window}}: rooms started in [lo, hi) (the rooms drill-down replaces it by one room_id)
      case 'window':
        return "start_at >= {lo:DateTime64(3, 'UTC')} AND start_at < {hi:DateTime64(3, 'UTC')}";
      // {{ms a b}}: milliseconds from a to b, calendar or office time
      case 'ms':
        return office ? `office_ms(assumeNotNull(${args[0]}), assumeNotNull(${args[1]}))` : `dateDiff('millisecond', ${args[0]}, ${args[1]})`;
      default:
        throw new Error(`unknown SQL fragment ${whole}`);
    }
  });
  return sql
    .split('\n')
    .map((line) => {
      const c = line.indexOf('--');
      return c < 0 ? fill(line) : fill(line.slice(0, c)) + line.slice(c);
    })
    .join('\n');
}
