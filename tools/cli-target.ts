import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readLock } from '../sql/db.ts';

/**
 * Where the CLIs (import, key) send their work: --url / CHAT_API_URL, else the server
 * recorded in DATA_DIR/server.lock, else http://127.0.0.1:$PORT. The key: --key /
 * CHAT_API_KEY, else ADMIN_API_KEY, else DATA_DIR/admin.key.
 */
export function resolveTarget(values: { url?: string; key?: string }): { url: string; key: string | undefined; dataDir: string } {
  const dataDir = path.resolve(process.env.DATA_DIR || './data');
  const lockUrl = readLock(path.join(dataDir, 'server.lock'))?.url;
  const url = (values.url || process.env.CHAT_API_URL || lockUrl || `http://127.0.0.1:${process.env.PORT || 8080}`).replace(/\/$/, '');
  let key = values.key || process.env.CHAT_API_KEY || process.env.ADMIN_API_KEY;
  if (!key) {
    try {
      key = fs.readFileSync(path.join(dataDir, 'admin.key'), 'utf8').trim();
    } catch {
      /* no local admin key */
    }
  }
  return { url, key, dataDir };
}

export { parseArgs };
