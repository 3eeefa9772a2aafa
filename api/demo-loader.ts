import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createKey } from './keys.ts';
import type { Line } from '../ingest/lines.ts';

export const DEMO_ACCOUNT = 'demo-co';

/**
 * First start of an empty embedded store: about 3 months of generated traffic for
 * demo-co, stored through the same ingestor as POST /api/v1/events, and a key for it
 * (kept in DATA_DIR/demo.key; it only reads demo data).
 */
export async function loadDemo(app: FastifyInstance): Promise<{ accepted: number; days: number; key: string }> {
  const { demoEvents } = await import('../tools/demo.ts');
  async function* lines(): AsyncGenerator<Line> {
    let n = 0;
    for (const e of demoEvents(1, new Date(app.ctx.clock()))) {
      const text = JSON.stringify(e);
      yield { n: ++n, text, bytes: text.length };
    }
  }
  const out = await app.ctx.ingestor.ingest(lines(), { requestId: 'demo-load', keyId: 'startup' });
  const { key } = await createKey(app.ctx.db, { account: DEMO_ACCOUNT, name: 'demo' });
  fs.writeFileSync(path.join(app.ctx.config.dataDir, 'demo.key'), key + '\n', { mode: 0o600 });
  return { accepted: out.accepted, days: 91, key };
}
