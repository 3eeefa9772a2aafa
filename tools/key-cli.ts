import { loadConfig } from '../core/config.ts';
import { openDbOrExit } from '../sql/db.ts';
import { ACCOUNT_ID } from '../core/contract.ts';
import { migrate } from '../sql/migrate.ts';
import { createKey } from '../api/keys.ts';
import { listKeys, revokeKey } from '../sql/keys.ts';
import { parseArgs, resolveTarget } from './cli-target.ts';

const USAGE = `usage: npm run key -- create [--account ACCOUNT] [--name NAME]   (no --account: an admin key)
       npm run key -- list [--account ACCOUNT]
       npm run key -- revoke KEY_ID
Through the running server's admin API when one answers (--url, --key as for npm run import),
else directly on the store in DATA_DIR.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { account: { type: 'string' }, name: { type: 'string' }, url: { type: 'string' }, key: { type: 'string' }, help: { type: 'boolean' } },
});
const [cmd, arg] = positionals;
if (values.account !== undefined && !new RegExp(ACCOUNT_ID).test(values.account)) {
  console.error('--account must be 1-64 characters of A-Z a-z 0-9 _ . -');
  process.exit(2);
}
if (values.help || !['create', 'list', 'revoke'].includes(cmd ?? '') || (cmd === 'revoke' && !arg)) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}

const target = resolveTarget(values);
const serverUp = await fetch(`${target.url}/health`, { signal: AbortSignal.timeout(3000) }).then(
  (r) => r.ok,
  () => false,
);

if (serverUp) {
  if (!target.key) {
    console.error(`A server runs at ${target.url}; pass an admin key with --key (or CHAT_API_KEY).`);
    process.exit(2);
  }
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${target.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${target.key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const j = await r.json();
    if (!r.ok) {
      console.error(`${r.status}: ${j.error?.message ?? JSON.stringify(j)}`);
      process.exit(1);
    }
    return j;
  };
  if (cmd === 'create') print(await call('POST', '/keys', { account: values.account, name: values.name }));
  if (cmd === 'list') print(await call('GET', `/keys${values.account ? `?account=${encodeURIComponent(values.account)}` : ''}`));
  if (cmd === 'revoke') print(await call('DELETE', `/keys/${encodeURIComponent(arg)}`));
} else {
  const cfg = loadConfig();
  const db = await openDbOrExit(cfg, { readers: 1 });
  await migrate(db, { database: cfg.clickhouse.database });
  if (cmd === 'create') {
    const { key, record } = await createKey(db, { account: values.account, name: values.name });
    print({ key, ...record });
  }
  if (cmd === 'list') print({ items: await listKeys(db, values.account) });
  if (cmd === 'revoke') {
    if (!(await revokeKey(db, arg))) {
      console.error(`no key ${arg}`);
      process.exitCode = 1;
    } else print({ revoked: arg });
  }
  await db.close();
}

function print(v: unknown): void {
  console.log(JSON.stringify(v, null, 2));
}
