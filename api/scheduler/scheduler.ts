import fs from 'node:fs';
import path from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import type { Config } from '../config.ts';
import type { Db } from '../../sql/db.ts';
import { CronTimes } from './cron.ts';
import { executeRun, runFilePath, type RunDeps } from './run.ts';
import { allSchedules, expiredRuns, getSchedule, lastScheduledFor, runningRuns, saveRun, type RunRow, type RunTrigger, type ScheduleRow } from './store.ts';
import { DEFAULT_WEBHOOK, type WebhookOptions } from './webhook.ts';

export interface SchedulerOptions {
  /** Base of the download links in webhooks when PUBLIC_URL is not set; default http://HOST:PORT. */
  baseUrl?: string;
  webhook?: Partial<Omit<WebhookOptions, 'signal'>>;
  /** How often schedules changed through other instances are picked up, ms (default 30 s). */
  syncEveryMs?: number;
  /** How often files past EXPORT_RETENTION_DAYS are deleted, ms (default 1 h). */
  retentionEveryMs?: number;
}

type Log = RunDeps['log'];

interface Armed {
  schedule: ScheduleRow;
  task: ScheduledTask;
  times: CronTimes;
}

/** Longest wait at shutdown for runs and webhooks in flight, ms; what is still running then is marked interrupted at the next start. */
const STOP_GRACE_MS = 30_000;

/**
 * Runs export schedules with node-cron on this instance (SCHEDULER=0 leaves it off, so
 * that exactly one of several instances runs them).
 *
 * - Never overlaps: a schedule whose previous run is still going skips the fire (an
 *   in-process lock, and a look for a run of it still marked running in the store).
 * - Catches up: when a schedule is armed (at start, or when it changed), if its cron
 *   should have fired since its last run (or since it was created or changed) and did
 *   not, it runs once now, for the latest fire it missed.
 * - Picks up schedules changed through other instances every `syncEveryMs`.
 * - Deletes files older than EXPORT_RETENTION_DAYS (0 keeps them).
 *
 * Manual runs (POST .../schedules/:id/run) go through the same lock on any instance.
 */
export class Scheduler {
  private readonly armed = new Map<string, Armed>();
  private readonly running = new Map<string, Promise<RunRow | null>>();
  private readonly webhooks = new Set<Promise<unknown>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private abort = new AbortController();
  private started = false;
  private opts: Required<Omit<SchedulerOptions, 'webhook'>> & { webhook: Omit<WebhookOptions, 'signal'> };

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly log: Log,
  ) {
    this.opts = this.resolve({});
  }

  private resolve(o: SchedulerOptions) {
    return {
      baseUrl: process.env.PUBLIC_URL || o.baseUrl || `http://${this.config.host}:${this.config.port}`,
      webhook: { ...DEFAULT_WEBHOOK, ...o.webhook },
      syncEveryMs: o.syncEveryMs ?? 30_000,
      retentionEveryMs: o.retentionEveryMs ?? 3_600_000,
    };
  }

  get isStarted(): boolean {
    return this.started;
  }

  private deps(): RunDeps {
    return { db: this.db, exportDir: this.config.exportDir, baseUrl: this.opts.baseUrl, webhook: { ...this.opts.webhook, signal: this.abort.signal }, log: this.log };
  }

  async start(opts: SchedulerOptions = {}): Promise<void> {
    if (this.started) return;
    this.opts = this.resolve(opts);
    this.abort = new AbortController();
    this.started = true;
    // Runs a previous scheduler process left running died with it.
    for (const r of await runningRuns(this.db)) {
      if (r.trigger !== 'manual') await saveRun(this.db, { ...r, status: 'interrupted', finished_at: Date.now(), error: 'the server stopped during the run' });
    }
    await this.sweep();
    await this.sync();
    const every = (ms: number, fn: () => Promise<void>) => {
      const t = setInterval(() => void fn().catch((err) => this.log.error({ err }, 'scheduler housekeeping failed')), ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.opts.syncEveryMs, () => this.sync());
    every(this.opts.retentionEveryMs, () => this.sweep());
    this.log.info({ schedules: this.armed.size, exportDir: this.config.exportDir }, 'export scheduler started');
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const t of this.timers.splice(0)) clearInterval(t);
    for (const key of [...this.armed.keys()]) this.disarm(key);
    this.abort.abort();
    await this.settle();
  }

  /** Waits (bounded) for runs and webhook deliveries in flight. */
  private async settle(): Promise<void> {
    const inflight = [...this.running.values(), ...this.webhooks];
    if (!inflight.length) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(inflight), new Promise((r) => (timer = setTimeout(r, STOP_GRACE_MS)))]);
    clearTimeout(timer);
  }

  /** Arms new and changed schedules (catching up what they missed), disarms deleted and disabled ones. */
  async sync(): Promise<void> {
    if (!this.started) return;
    const seen = new Set<string>();
    for (const s of await allSchedules(this.db)) {
      const key = keyOf(s);
      if (s.deleted || !s.enabled) continue;
      seen.add(key);
      const cur = this.armed.get(key);
      if (cur && cur.schedule.version === s.version) continue;
      if (cur) this.disarm(key);
      this.arm(s);
      await this.catchUp(s);
    }
    for (const key of [...this.armed.keys()]) if (!seen.has(key)) this.disarm(key);
  }

  /** A schedule was changed through this instance's API: apply it now rather than at the next sync. */
  async changed(s: ScheduleRow): Promise<void> {
    if (!this.started) return;
    const key = keyOf(s);
    if (this.armed.get(key)?.schedule.version === s.version) return;
    this.disarm(key);
    if (s.enabled && !s.deleted) {
      this.arm(s);
      await this.catchUp(s);
    }
  }

  /** The next fire of a schedule's cron, unix ms (computed, whether or not this instance runs it). */
  nextRunAt(s: ScheduleRow): number | null {
    if (!s.enabled) return null;
    try {
      return new CronTimes(s.cron, s.tz).next(new Date()).getTime();
    } catch {
      return null;
    }
  }

  private arm(s: ScheduleRow): void {
    const key = keyOf(s);
    const times = new CronTimes(s.cron, s.tz);
    const task = cron.schedule(s.cron, (ctx) => void this.fire(key, ctx.date), { timezone: s.tz, name: key });
    this.armed.set(key, { schedule: s, task, times });
  }

  private disarm(key: string): void {
    const a = this.armed.get(key);
    if (!a) return;
    this.armed.delete(key);
    void a.task.destroy();
  }

  private async fire(key: string, date: Date): Promise<void> {
    const a = this.armed.get(key);
    if (!a) return;
    // node-cron hands the fire time with the current milliseconds; the fire is the whole second
    const at = Math.floor(date.getTime() / 1000) * 1000;
    await this.trigger(a.schedule, 'cron', at).catch((err) => this.log.error({ err, schedule: a.schedule.id }, 'export run could not start'));
  }

  private async catchUp(s: ScheduleRow): Promise<void> {
    const a = this.armed.get(keyOf(s));
    if (!a) return;
    const last = await lastScheduledFor(this.db, s.account_id, s.id);
    const due = a.times.latestAtOrBefore(new Date(), new Date(Math.max(s.armed_at, last ?? 0)));
    if (!due) return;
    this.log.info({ schedule: s.id, missed: due.toISOString() }, 'export run missed while the scheduler was down; running it now');
    void this.trigger(s, 'catch_up', due.getTime()).catch((err) => this.log.error({ err, schedule: s.id }, 'catch-up run could not start'));
  }

  /**
   * Starts a run unless one of the same schedule is going; resolves when the file is
   * written (the webhook may still be on its way). `onStart` gets the run as recorded
   * when it starts. Null when skipped.
   */
  trigger(s: ScheduleRow, trigger: RunTrigger, scheduledFor: number | null, onStart?: (run: RunRow) => void): Promise<RunRow | null> {
    const key = keyOf(s);
    if (this.running.has(key)) {
      this.log.warn({ schedule: s.id, trigger }, 'export run skipped: the previous run of this schedule is still going');
      return Promise.resolve(null);
    }
    const p = (async (): Promise<RunRow | null> => {
      // another instance's manual run of the same schedule, still going
      if ((await runningRuns(this.db, s.id)).some((r) => r.account_id === s.account_id)) {
        this.log.warn({ schedule: s.id, trigger }, 'export run skipped: a run of this schedule is still marked running');
        return null;
      }
      if (trigger === 'catch_up' && scheduledFor !== null && ((await lastScheduledFor(this.db, s.account_id, s.id)) ?? 0) >= scheduledFor) return null;
      const { run, webhook } = await executeRun(this.deps(), s, trigger, scheduledFor, onStart);
      if (webhook) {
        const w = webhook.catch((err) => this.log.error({ err, run: run.id }, 'recording the webhook result failed')).finally(() => this.webhooks.delete(w));
        this.webhooks.add(w);
      }
      return run;
    })().finally(() => this.running.delete(key));
    this.running.set(key, p);
    return p;
  }

  /** Runs a schedule now (POST .../schedules/:id/run); null when its previous run is still going. */
  async runNow(account: string, id: string, onStart?: (run: RunRow) => void): Promise<RunRow | null | undefined> {
    const s = await getSchedule(this.db, account, id);
    if (!s) return undefined;
    return this.trigger(s, 'manual', null, onStart);
  }

  /** Waits for the webhook deliveries in flight (tests). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
    await Promise.allSettled([...this.webhooks]);
  }

  /** Deletes files past the retention, and temporary files a crashed run left (older than a day). */
  async sweep(): Promise<void> {
    const days = this.config.exportRetentionDays;
    if (days > 0) {
      for (const r of await expiredRuns(this.db, Date.now() - days * 86_400_000)) {
        fs.rmSync(runFilePath(this.config.exportDir, r), { force: true });
        await saveRun(this.db, { ...r, file: '', file_deleted_at: Date.now() });
      }
    }
    const dayAgo = Date.now() - 86_400_000;
    for (const dir of safeList(this.config.exportDir)) {
      const full = path.join(this.config.exportDir, dir);
      for (const f of safeList(full)) {
        const p = path.join(full, f);
        if (f.endsWith('.part') && fs.statSync(p).mtimeMs < dayAgo) fs.rmSync(p, { force: true });
      }
    }
  }
}

const keyOf = (s: Pick<ScheduleRow, 'account_id' | 'id'>) => `${s.account_id}/${s.id}`;

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

const schedulers = new WeakMap<object, Scheduler>();

/** The one scheduler of an app (made on first use; started only by api/main.ts, or a test). */
export function schedulerFor(app: { ctx: { db: Db; config: Config }; log: Log }): Scheduler {
  let s = schedulers.get(app.ctx);
  if (!s) {
    s = new Scheduler(app.ctx.db, app.ctx.config, app.log);
    schedulers.set(app.ctx, s);
  }
  return s;
}
