/**
 * Cuts room-facts.sql down to the columns one query uses. ClickHouse drops unused CTE
 * columns before reading, but still analyses every expression of the CTE: ~10 ms a query
 * for all of room_facts, most of a small query's time. The file stays one valid query
 * (other callers use it whole); this reads its SELECT list, one item per top-level comma,
 * each `expression AS name` or a bare column, and keeps the items `outer` names plus
 * those they depend on; the office_ms lambda only when a kept item calls it.
 */
export function pruneRoomFacts(roomFacts: string, outer: string): string {
  const { head, withBlock, items, tail } = split(roomFacts);
  const keep = new Set<number>();
  const uses = (text: string, name: string) => new RegExp(`\\b${name}\\b`).test(text);
  let frontier = [outer.replace(/--[^\n]*/g, '')];
  while (frontier.length) {
    const next: string[] = [];
    items.forEach((it, i) => {
      if (!keep.has(i) && frontier.some((t) => uses(t, it.name))) {
        keep.add(i);
        next.push(it.expr);
      }
    });
    frontier = next;
  }
  keep.add(0); // room_id: a SELECT needs one column, and FINAL reads it anyway
  const kept = items.filter((_, i) => keep.has(i)).map((it) => it.text);
  const needsOffice = kept.some((t) => t.includes('office_ms('));
  return `${head}${needsOffice ? withBlock : ''}SELECT\n    ${kept.join(',\n    ')}\n${tail}`;
}

interface Item {
  name: string;
  expr: string;
  text: string;
}

const cache = new Map<string, ReturnType<typeof parse>>();

function split(sql: string) {
  let p = cache.get(sql);
  if (!p) cache.set(sql, (p = parse(sql)));
  return p;
}

function parse(sql: string): { head: string; withBlock: string; items: Item[]; tail: string } {
  const noComments = sql.replace(/--[^\n]*/g, '');
  const sel = noComments.search(/^SELECT\s*$/m);
  const from = noComments.search(/^FROM room_day_facts/m);
  const withAt = noComments.search(/^WITH\s*$/m);
  if (sel < 0 || from < sel) throw new Error('room-facts.sql: expected a SELECT line and a FROM room_day_facts line');
  const list = noComments.slice(sel + 'SELECT'.length, from);
  const items: Item[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i <= list.length; i++) {
    const c = list[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === "'") quote = false;
      continue;
    }
    if (c === "'") quote = true;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if ((c === ',' && depth === 0) || i === list.length) {
      const text = list.slice(start, i).trim().replace(/\s*\n\s*/g, ' ');
      if (text) {
        const m = /^([\s\S]*)\s+AS\s+(\w+)$/.exec(text);
        items.push(m ? { name: m[2], expr: m[1], text } : { name: text, expr: '', text });
      }
      start = i + 1;
    }
  }
  return {
    head: '',
    withBlock: withAt >= 0 && withAt < sel ? noComments.slice(withAt, sel) : '',
    items,
    tail: noComments.slice(from),
  };
}
