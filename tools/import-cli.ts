import cliProgress from 'cli-progress';
import { importStream, openInput } from './importer.ts';
import { parseArgs, resolveTarget } from './cli-target.ts';

const USAGE = `usage: npm run import -- FILE [--url URL] [--key KEY] [--batch LINES] [--parallel N]
  FILE   NDJSON events, .gz accepted, - for stdin
  --url  the running server (default: CHAT_API_URL, the server holding DATA_DIR, or http://127.0.0.1:8080)
  --key  an API key (default: CHAT_API_KEY, ADMIN_API_KEY, or DATA_DIR/admin.key)
Exits 1 when any line was rejected, 2 on a usage or connection error.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { url: { type: 'string' }, key: { type: 'string' }, batch: { type: 'string' }, parallel: { type: 'string' }, help: { type: 'boolean' } },
});
if (values.help || positionals.length !== 1) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}
const target = resolveTarget(values);
if (!target.key) {
  console.error('No API key: pass --key, set CHAT_API_KEY, or run where DATA_DIR/admin.key exists.');
  process.exit(2);
}
try {
  await fetch(`${target.url}/health`, { signal: AbortSignal.timeout(5000) });
} catch {
  console.error(`No server answers at ${target.url}. Start it with "npm start" (or pass --url).`);
  process.exit(2);
}

const bar = new cliProgress.SingleBar(
  { format: 'importing | {lines} lines | {rate} events/s | accepted {accepted} | duplicates {duplicates} | rejected {rejected}', noTTYOutput: true, notTTYSchedule: 5000 },
  cliProgress.Presets.shades_classic,
);
const t0 = performance.now();
bar.start(0, 0, { lines: 0, rate: 0, accepted: 0, duplicates: 0, rejected: 0 });
try {
  const t = await importStream(openInput(positionals[0]), {
    url: target.url,
    key: target.key,
    batchLines: values.batch ? Number(values.batch) : undefined,
    parallel: values.parallel ? Number(values.parallel) : undefined,
    onProgress: (p) => {
      const done = p.accepted + p.duplicates + p.rejected;
      bar.update(0, { lines: done, rate: Math.round(done / ((performance.now() - t0) / 1000)), accepted: p.accepted, duplicates: p.duplicates, rejected: p.rejected });
    },
  });
  bar.stop();
  console.log(
    `${t.lines} lines in ${t.seconds.toFixed(1)} s (${Math.round(t.lines / t.seconds)} lines/s): ` +
      `accepted ${t.accepted}, duplicates ${t.duplicates}, rejected ${t.rejected}${t.retries ? `, ${t.retries} batches retried` : ''}`,
  );
  for (const e of t.errors) console.log(`  line ${e.line}${e.id ? ` (id ${e.id})` : ''}: ${e.field ?? 'line'} ${e.message}`);
  if (t.rejected > t.errors.length) console.log(`  ... and ${t.rejected - t.errors.length} more rejected lines (GET /api/v1/rejected lists them all)`);
  process.exit(t.rejected > 0 ? 1 : 0);
} catch (err) {
  bar.stop();
  console.error((err as Error).message);
  process.exit(2);
}
