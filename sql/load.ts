import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cache = new Map<string, string>();

/**
 * Reads a .sql file that sits next to the calling module: `loadSql(import.meta.url, 'total-chats.sql')`.
 * Query text lives in .sql files; values only ever reach it as {name:Type} parameters.
 */
export function loadSql(moduleUrl: string, file: string): string {
  const p = path.join(path.dirname(fileURLToPath(moduleUrl)), file);
  let sql = cache.get(p);
  if (sql === undefined) {
    sql = fs.readFileSync(p, 'utf8');
    cache.set(p, sql);
  }
  return sql;
}
