import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../core/config.ts';
import type { Db } from '../sql/db.ts';
import { createKey, KeyStore } from './keys.ts';
import { adminKeyIds } from '../sql/keys.ts';

/**
 * The admin key: ADMIN_API_KEY when given (registered if new), else one is made on the
 * first start, printed once and written to DATA_DIR/admin.key (mode 0600).
 * Returns the key when this start created it (so the banner can print it), else null.
 */
export async function ensureAdminKey(cfg: Config, db: Db): Promise<string | null> {
  if (cfg.adminApiKey) {
    if (cfg.adminApiKey.length < 16) throw new Error('ADMIN_API_KEY must be at least 16 characters');
    const ok = await new KeyStore(db).verify(cfg.adminApiKey);
    if (!ok) await createKey(db, { key: cfg.adminApiKey, name: 'ADMIN_API_KEY' });
    return null;
  }
  if ((await adminKeyIds(db)).size > 0) return null;
  const { key } = await createKey(db, { name: 'first start' });
  fs.mkdirSync(cfg.dataDir, { recursive: true });
  const file = path.join(cfg.dataDir, 'admin.key');
  fs.writeFileSync(file, key + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return key;
}

