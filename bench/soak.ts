/**
 * `npm run soak [-- --events 2000000 --kills 3]`: imports generated events while the
 * server is killed with SIGKILL at random moments and restarted, then compares the store
 * with the source and every summary and billing number with a clean import (bench/soak-lib.ts).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runSoak } from './soak-lib.ts';
import { BENCH_DIR, fleetFile } from './util.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '2000000' }, kills: { type: 'string', default: '3' }, seed: { type: 'string', default: '7' } } });
const file = await fleetFile(Number(values.events), 20);
const r = await runSoak({
  file,
  workDir: path.join(BENCH_DIR, 'soak'),
  kills: Number(values.kills),
  port: 18_095,
  minGapMs: 3000,
  maxGapMs: 15_000,
  seed: Number(values.seed),
  log: (s) => console.error(s),
});
console.log(JSON.stringify({ date: new Date().toISOString(), ...r }, null, 2));
const ok = r.kills >= Number(values.kills) && r.stored.events === r.source.events && r.stored.distinct === r.source.events && !r.checksumMismatches.length && !r.numberMismatches.length;
console.log(ok ? 'SOAK PASSED' : 'SOAK FAILED');
process.exit(ok ? 0 : 1);
