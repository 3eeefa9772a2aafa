import type { Config } from '../../core/config.ts';
import { systemClock, type Clock } from '../../core/clock.ts';
import type { Db } from '../../sql/db.ts';
import { parseAllow } from '../../core/webhook-guard.ts';
import { CronTimes } from './cron.ts';
import { Heartbeat, Owner } from './owner.ts';
import { deadRuns, interrupt, resumeClaimed } from './recover.ts';
import { sweepExports } from './retention.ts';
import { executeRun, type RunDeps } from './run.ts';
import { lastScheduledFor, runningRuns, saveRun, unfinishedRuns, type RunRow, type RunTrigger } from '../../sql/scheduler/runs.ts';
import { allSchedules, getSchedule, type ScheduleRow } from '../../sql/scheduler/schedules.ts';
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
  times: CronTimes;
  timer: NodeJS.Timeout | null;
}

/** Longest single timer wait, ms: setTimeout overflows past 2^31 ms, and a long wait re-reads the clock. */
const MAX_WAIT_MS = 3_600_000;

/** Longest wait at shutdown for runs and webhooks in flight, ms; what is still running then is marked interrupted at the next start. */
const STOP_GRACE_MS = 30_000;

/**
 * Runs export schedules on this instance, at the fires node-cron's matcher computes (CronTimes)
 * on the app's clock, with one timer per schedule (SCHEDULER=0 leaves it off, so
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
 * Every run records its owner (api/scheduler/owner.ts); `recover` takes over what a dead
 * owner left: its runs are marked interrupted, its due webhooks sent again.
 */
export class Scheduler {
  private readonly armed = new Map<string, Armed>();
  private readonly running = new Map<string, Promise<RunRow | null>>();
  private readonly webhooks = new Set<Promise<unknown>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private abort = new AbortController();
  private started = false;
  /** This app's name on its runs, and its heartbeat while it has work in flight. */
  readonly owner: Owner;
  private readonly heart: Heartbeat;
  private opts: Required<Omit<SchedulerOptions, 'webhook'>> & { webhook: Omit<WebhookOptions, 'signal'> };

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly log: Log,
    private readonly clock: Clock = systemClock,
  ) {
    this.opts = this.resolve({});
    this.owner = new Owner(config.dataDir);
    this.heart = new Heartbeat(db, this.owner, () => this.running.size + this.webhooks.size > 0, (err) => this.log.warn({ err }, 'export run heartbeat failed'));
  }

  private resolve(o: SchedulerOptions) {
    return {
      baseUrl: this.config.publicUrl || o.baseUrl || `http://${this.config.host}:${this.config.port}`,
      webhook: { ...DEFAULT_WEBHOOK, ...o.webhook },
      syncEveryMs: o.syncEveryMs ?? 30_000,
      retentionEveryMs: o.retentionEveryMs ?? 3_600_000,
    };
  }

  get isStarted(): boolean {
    return this.started;
  }

  private deps(): RunDeps {
    const webhook = { ...this.opts.webhook, signal: this.abort.signal, now: this.clock, allow: parseAllow(this.config.webhookAllow) };
    return { db: this.db, exportDir: this.config.exportDir, maxAccountBytes: this.config.exportBytesPerAccount, baseUrl: this.opts.baseUrl, webhook, log: this.log, clock: this.clock, owner: this.owner.id };
  }

  async start(opts: SchedulerOptions = {}): Promise<void> {
    if (this.started) return;
    this.opts = this.resolve(opts);
    this.abort = new AbortController();
    this.started = true;
    this.owner.open(); // again, after a stop
    await this.recover(true);
    await this.sweep();
    await this.sync();
    const every = (ms: number, fn: () => Promise<void>) => {
      const t = setInterval(() => void fn().catch((err) => this.log.error({ err }, 'scheduler housekeeping failed')), ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.opts.syncEveryMs, async () => {
      await this.recover();
      await this.sync();
    });
    every(this.opts.retentionEveryMs, () => this.sweep());
    this.log.info({ schedules: this.armed.size, exportDir: this.config.exportDir }, 'export scheduler started');
  }

  /** Stops firing (when started) and waits (bounded) for the runs and webhooks in flight, manual ones included. */
  async stop(): Promise<void> {
    this.started = false;
    for (const t of this.timers.splice(0)) clearInterval(t);
    for (const key of [...this.armed.keys()]) this.disarm(key);
    this.abort.abort();
    await this.settle();
    this.heart.stop();
    this.owner.close();
  }

  /**
   * Takes over what dead processes left (recover.ts): their running runs are marked
   * interrupted now; their due webhooks are claimed, and sent in the background by this
   * instance if the claim holds. Every instance calls it as its app starts; the scheduler
   * instance at its start (`schedulerStart`) and at every sync.
   */
  async recover(schedulerStart = false): Promise<void> {
    const dead = await deadRuns(this.db, await unfinishedRuns(this.db), { self: this.owner, now: this.clock(), schedulerStart });
    const claimed: RunRow[] = [];
    for (const r of dead) {
      if (r.status === 'running') {
        await interrupt(this.db, this.config.exportDir, r, this.owner.id, this.clock());
        this.log.warn({ run: r.id, schedule: r.schedule_id, owner: r.owner }, 'export run left running by a stopped server marked interrupted');
      } else {
        if (!claimed.length) await this.heart.ensure();
        claimed.push(await saveRun(this.db, { ...r, owner: this.owner.id }));
      }
    }
    if (claimed.length) this.track(resumeClaimed(this.deps(), claimed));
  }

  private track(w: Promise<unknown>): void {
    const t = w.catch((err) => this.log.error({ err }, 'export webhook failed')).finally(() => this.webhooks.delete(t));
    this.webhooks.add(t);
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
      return new CronTimes(s.cron, s.tz).next(new Date(this.clock())).getTime();
    } catch {
      return null;
    }
  }

  private arm(s: ScheduleRow): void {
    const key = keyOf(s);
    const a: Armed = { schedule: s, times: new CronTimes(s.cron, s.tz), timer: null };
    this.armed.set(key, a);
    this.wait(key, a, a.times.next(new Date(this.clock())).getTime());
  }

  /** Sleeps until the fire at `at` (clock ms), fires it, and waits for the one after. */
  private wait(key: string, a: Armed, at: number): void {
    const ms = at - this.clock();
    a.timer = setTimeout(() => {
      if (this.armed.get(key) !== a) return;
      if (this.clock() < at) return this.wait(key, a, at); // a long wait cut short, or a timer a little early
      this.wait(key, a, a.times.next(new Date(Math.max(at, this.clock()))).getTime());
      void this.fire(key, at);
    }, Math.min(Math.max(ms, 0), MAX_WAIT_MS));
    a.timer.unref(); // app.close() stops the scheduler; a pending fire never holds the process
  }

  private disarm(key: string): void {
    const a = this.armed.get(key);
    if (!a) return;
    this.armed.delete(key);
    if (a.timer) clearTimeout(a.timer);
  }

  private async fire(key: string, at: number): Promise<void> {
    const a = this.armed.get(key);
    if (!a) return;
    await this.trigger(a.schedule, 'cron', at).catch((err) => this.log.error({ err, schedule: a.schedule.id }, 'export run could not start'));
  }

  private async catchUp(s: ScheduleRow): Promise<void> {
    const a = this.armed.get(keyOf(s));
    if (!a) return;
    const last = await lastScheduledFor(this.db, s.account_id, s.id);
    const due = a.times.latestAtOrBefore(new Date(this.clock()), new Date(Math.max(s.armed_at, last ?? 0)));
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
      // another instance's run of the same schedule, still going (one a dead process left is not)
      const marked = (await runningRuns(this.db, s.id)).filter((r) => r.account_id === s.account_id);
      const dead = await deadRuns(this.db, marked, { self: this.owner, now: this.clock(), schedulerStart: false });
      for (const r of dead) await interrupt(this.db, this.config.exportDir, r, this.owner.id, this.clock());
      if (marked.length > dead.length) {
        this.log.warn({ schedule: s.id, trigger }, 'export run skipped: a run of this schedule is still going on another instance');
        return null;
      }
      if (trigger === 'catch_up' && scheduledFor !== null && ((await lastScheduledFor(this.db, s.account_id, s.id)) ?? 0) >= scheduledFor) return null;
      await this.heart.ensure();
      const { run, webhook } = await executeRun(this.deps(), s, trigger, scheduledFor, onStart);
      if (webhook) this.track(webhook);
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
    await sweepExports(this.db, this.config, this.clock);
  }
}

const keyOf = (s: Pick<ScheduleRow, 'account_id' | 'id'>) => `${s.account_id}/${s.id}`;

