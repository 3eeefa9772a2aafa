/**
 * `npm run bench -- load [--seconds 30] [--connections 50] [--events N] [--ingest N]`: autocannon against the
 * summary endpoint of the biggest account while the importer ingests at full speed into
 * the same server. Reports requests/s, latency p50/p99, errors, and the ingestion rate
 * during the load. Uses the cached 10M-event store of the query benchmarks (`--events` picks
 * a smaller store; `--ingest 0` measures the reads alone, without the importer).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { importStream, openInput } from '../tools/importer.ts';
import { BENCH_ADMIN_KEY, BENCH_DIR, benchServer, writeNdjson } from './util.ts';
import { generateFleet } from '../tools/demo.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    connections: { type: 'string', default: '50' },
    events: { type: 'string', default: '10000000' },
    ingest: { type: 'string', default: '3000000' },
  },
});
const seconds = Number(values.seconds);
const ingestEvents = Number(values.ingest);
// Rate limit off for the load (it would answer 429s by design); everything else as shipped.
const server = await benchServer(Number(values.events), 18_081, { RATE_LIMIT_PER_MIN: '100000000' });

// Fresh events for the importer (other accounts' ids than the store's, so they are really stored).
const file = path.join(BENCH_DIR, `load-ingest-${ingestEvents}.ndjson`);
if (ingestEvents > 0 && !fs.existsSync(file)) {
  await writeNdjson(file, generateFleet({ seed: 99, accounts: 5, totalEvents: ingestEvents, from: new Date('2027-01-01T00:00:00+07:00'), to: new Date('2027-03-01T00:00:00+07:00') }));
}
let ingested = 0;
const t0 = performance.now();
const ingest = ingestEvents <= 0 ? Promise.resolve() : importStream(openInput(file), {
  url: server.url,
  key: BENCH_ADMIN_KEY,
  onProgress: (p) => {
    if (performance.now() - t0 <= seconds * 1000) ingested = p.accepted + p.duplicates;
  },
}).catch(() => undefined);

const url = `${server.url}/api/v1/accounts/acct-01/metrics/summary?from=2026-10-01&to=2026-11-01`;
const result = await autocannon({ url, connections: Number(values.connections), duration: seconds, headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` } });
const ingestSeconds = Math.min(seconds, (performance.now() - t0) / 1000);
const ingestedDuringLoad = ingested;
// The import may still run; the numbers above are those of the load window. Stopping the
// server ends it (its retries give up when the process exits).
void ingest;
await server.stop();

const out = {
  date: new Date().toISOString(),
  connections: Number(values.connections),
  seconds,
  store_events: Number(values.events),
  requests_per_s: Math.round(result.requests.average),
  latency_ms: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  errors: result.errors + result.timeouts + result.non2xx,
  non2xx: result.non2xx,
  status: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
  ingest_events_per_s: Math.round(ingestedDuringLoad / ingestSeconds),
};
console.log(JSON.stringify(out, null, 2));
fs.writeFileSync(path.join(BENCH_DIR, 'load-result.json'), JSON.stringify(out, null, 2));
process.exit(0);
