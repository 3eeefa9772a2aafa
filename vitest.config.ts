import { defineConfig } from 'vitest/config';

// chDB is one engine per process and locks its data directory, so every test
// file runs in its own forked process with its own temporary DATA_DIR.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
