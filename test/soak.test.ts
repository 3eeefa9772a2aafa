import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { generateFleet } from '../tools/demo.ts';
import { runSoak } from '../bench/soak-lib.ts';
import { writeNdjson } from '../bench/util.ts';

// The short version of `npm run soak`: 100k events, one SIGKILL in the middle of the import.
test('after a SIGKILL mid-import and a restart, the store equals the source and every number equals a clean import', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-analytics-soak-'));
  const file = path.join(dir, 'events.ndjson');
  await writeNdjson(file, generateFleet({ seed: 3, accounts: 4, totalEvents: 100_000, from: new Date('2026-08-01T00:00:00+07:00'), to: new Date('2026-11-01T00:00:00+07:00') }));
  const r = await runSoak({ file, workDir: path.join(dir, 'work'), kills: 1, port: 19_500 + (process.pid % 400), minGapMs: 1500, maxGapMs: 3000, seed: 11 });
  expect(r.kills).toBe(1);
  expect(r.stored).toEqual({ events: r.source.events, distinct: r.source.events });
  expect(r.checksumMismatches).toEqual([]);
  expect(r.numberMismatches).toEqual([]);
}, 600_000);
