import { defineConfig } from 'vitest/config';

// chDB is one engine per process and locks its data directory, so every test
// file runs in its own forked process with its own temporary DATA_DIR.
//
// Under libfaketime (`faketime '2027-02-28 19:30:00' npm test`, which sets FAKETIME) chDB
// runs about 10x slower: the library's pthread_cond_timedwait wrapper makes the engine's
// timed waits return at once, so its threads spin (7x the futex calls; 200 small queries
// take 3.3 s instead of 0.3 s). The timeouts stretch by the same factor there.
const SLOW = process.env.FAKETIME ? 10 : 1;

export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000 * SLOW,
    hookTimeout: 120_000 * SLOW,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
