import path from 'node:path';
import type { RunRow } from '../../sql/scheduler/runs.ts';

/** Where a run's file lives, relative to EXPORT_DIR: one folder per account. */
export const runFilePath = (exportDir: string, run: Pick<RunRow, 'account_id' | 'file'>) => path.join(accountDir(exportDir, run.account_id), path.basename(run.file));

/**
 * An account's folder in EXPORT_DIR, built from a safe encoding of its id: never a
 * separator, never `.` or `..`, so no id (even one a future check lets through) leaves
 * EXPORT_DIR. Valid ids encode to themselves, so existing folders keep their names.
 */
export function accountDir(exportDir: string, account: string): string {
  const seg = encodeURIComponent(account);
  if (seg === '' || /^\.+$/.test(seg)) throw new Error(`account id ${JSON.stringify(account.slice(0, 64))} cannot name a folder`);
  return path.join(exportDir, seg);
}
