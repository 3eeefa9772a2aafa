import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../sql/db.ts';
import { aliveHere, freshOwners, type Owner } from './owner.ts';
import { resumeWebhook, type RunDeps } from './run.ts';
import { getRun, saveRun, type RunRow } from '../../sql/scheduler/runs.ts';

/**
 * What a dead process left (api/scheduler/owner.ts says who is dead): runs still marked
 * running, and webhooks still due. Every instance looks at start (and the scheduler
 * instance every sync): a run of a dead owner is marked interrupted and its files
 * removed; a due webhook is claimed and sent again by the instance that claimed it.
 */

/** A legacy row (no owner: written before migration 031) older than this, ms of the app clock, is left over: a run and its webhook retries take minutes. */
const LEGACY_STALE_MS = 3_600_000;

/** After claiming a webhook, wait this long (ms) and read the run again: of two instances claiming it at once, the later write wins and only its writer sends. */
export const CLAIM_SETTLE_MS = 1_000;

export const INTERRUPTED = 'the server stopped during the run';

/**
 * The runs of `runs` whose owner is gone. `schedulerStart`: this is the scheduler
 * instance starting, so a legacy cron or catch-up run still running died with the
 * previous scheduler (only one instance runs them).
 */
export async function deadRuns(db: Db, runs: RunRow[], opts: { self: Owner; now: number; schedulerStart: boolean }): Promise<RunRow[]> {
  const elsewhere = new Set<string>();
  const here = new Map<string, boolean | undefined>();
  for (const r of runs) {
    if (!r.owner || here.has(r.owner)) continue;
    const v = aliveHere(r.owner, opts.self);
    here.set(r.owner, v);
    if (v === undefined) elsewhere.add(r.owner);
  }
  const fresh = await freshOwners(db, [...elsewhere]);
  return runs.filter((r) => {
    if (!r.owner) {
      if (opts.schedulerStart && r.status === 'running' && r.trigger !== 'manual') return true;
      return (r.finished_at ?? r.started_at) < opts.now - LEGACY_STALE_MS;
    }
    const v = here.get(r.owner);
    return v === undefined ? !fresh.has(r.owner) : !v;
  });
}

/**
 * Marks a dead run interrupted and removes what it wrote (its `.part` file, or a file
 * renamed whole just before the crash and never recorded). It sends no webhook: nothing
 * was exported, and a cron run's fire is caught up, with its own webhook.
 */
export async function interrupt(db: Db, exportDir: string, r: RunRow, owner: string, now: number): Promise<RunRow> {
  const dir = path.join(exportDir, r.account_id);
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    // no folder: the run never got as far as writing
  }
  for (const f of names) if (f.startsWith(`${r.id}-`)) fs.rmSync(path.join(dir, f), { force: true });
  return saveRun(db, {
    ...r,
    status: 'interrupted',
    finished_at: now,
    error: INTERRUPTED,
    file: '',
    webhook_status: r.webhook_status === 'pending' ? 'none' : r.webhook_status,
    owner,
  });
}

/** Sends the webhooks of `claimed` (rows this owner wrote its name on) that are still ours after CLAIM_SETTLE_MS. */
export async function resumeClaimed(deps: RunDeps, claimed: RunRow[]): Promise<void> {
  await new Promise((r) => setTimeout(r, CLAIM_SETTLE_MS));
  for (const c of claimed) {
    const r = await getRun(deps.db, c.account_id, c.id);
    if (r?.owner === deps.owner && r.webhook_status === 'pending') await resumeWebhook(deps, r);
  }
}
