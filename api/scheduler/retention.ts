import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../core/clock.ts';
import type { Db } from '../../sql/db.ts';
import type { Config } from '../../core/config.ts';
import { runFilePath } from './paths.ts';
import { expiredRuns, keptRuns, saveRun } from '../../sql/scheduler/runs.ts';

/**
 * Deletes files past EXPORT_RETENTION_DAYS (their runs stay, marked), and temporary
 * `.part` files older than a day (a run's own are removed when it is found interrupted;
 * this catches what no run names).
 */
export async function sweepExports(db: Db, config: Config, clock: Clock): Promise<void> {
  const days = config.exportRetentionDays;
  if (days > 0) {
    for (const r of await expiredRuns(db, clock() - days * 86_400_000)) {
      fs.rmSync(runFilePath(config.exportDir, r), { force: true });
      await saveRun(db, { ...r, file: '', file_deleted_at: clock() });
    }
  }
  // file ages are the file system's: the system clock, ms
  const dayAgo = Date.now() - 86_400_000;
  for (const dir of safeList(config.exportDir)) {
    const full = path.join(config.exportDir, dir);
    for (const f of safeList(full)) {
      const p = path.join(full, f);
      if (f.endsWith('.part') && fs.statSync(p).mtimeMs < dayAgo) fs.rmSync(p, { force: true });
    }
  }
}

/**
 * Keeps an account's scheduled files within EXPORT_BYTES_PER_ACCOUNT: past it the oldest
 * files are deleted (their runs stay, marked, as retention does), never the newest one.
 * Called after every successful run, so one tenant's schedules cannot fill the disk.
 */
export async function trimAccountFiles(db: Db, exportDir: string, account: string, maxBytes: number, now: number): Promise<number> {
  if (maxBytes <= 0) return 0;
  let kept = 0;
  let removed = 0;
  for (const [i, r] of (await keptRuns(db, account)).entries()) {
    kept += r.bytes;
    if (i === 0 || kept <= maxBytes) continue;
    fs.rmSync(runFilePath(exportDir, r), { force: true });
    await saveRun(db, { ...r, file: '', file_deleted_at: now });
    removed++;
  }
  return removed;
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
