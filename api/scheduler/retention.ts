import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../core/clock.ts';
import type { Db } from '../../sql/db.ts';
import type { Config } from '../../core/config.ts';
import { runFilePath } from './run.ts';
import { expiredRuns, saveRun } from '../../sql/scheduler/runs.ts';

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

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
