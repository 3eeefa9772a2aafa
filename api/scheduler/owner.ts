import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import type { Db } from '../../sql/db.ts';
import { pidAlive, processIdentity } from '../../core/process.ts';
import { beatingOwners, writeHeartbeat } from '../../sql/scheduler/owners.ts';

/**
 * Who works on an export run, recorded on the run (`owner`) so that what a dead process
 * left is taken over and what a live instance is doing is not. Several API instances may
 * share one store and any of them may run a schedule now, so a run marked `running` may be
 * going on elsewhere.
 *
 * An owner names its host (host name, boot id, PID namespace: two containers on one kernel
 * share the boot id but not the namespace), its process (PID and start time, as the
 * DATA_DIR lock does, so a reused PID is not mistaken for it), its instance (host name and
 * DATA_DIR) and the app in that process (a random id: a test restarts the app in the same
 * process). Whether it lives:
 * - on this host, the process is asked directly (and in this process, whether that app is
 *   still open): a restarted instance takes over its previous incarnation's runs at once;
 * - same instance, another PID namespace: a restarted container (same host name and
 *   volume, new namespace) is this instance's previous incarnation, gone (one process per
 *   host name and DATA_DIR: embedded chDB locks the directory, and the README asks it of
 *   instances on a ClickHouse server);
 * - elsewhere, by its heartbeat in export_run_owners (migration 031): written every
 *   BEAT_MS while it has work in flight, stale after LEASE_S.
 */

/** How often a busy owner writes its heartbeat, ms. */
export const BEAT_MS = 15_000;
/** A heartbeat older than this, s, is a dead owner (6 missed beats: a slow store or a long pause is not death). */
export const LEASE_S = 90;

interface OwnerFields {
  host: string;
  pid: number;
  start: string;
  instance: string;
  app: string;
}

const me = processIdentity(process.pid);

function pidNamespace(): string {
  try {
    return fs.readlinkSync('/proc/self/ns/pid');
  } catch {
    return '';
  }
}

const HOST = [os.hostname(), me.boot ?? '', pidNamespace()].join('/');

/** The owners of this process whose app is still open. */
const openApps = new Set<string>();

/** The owner string of one app (a Scheduler) of the instance using `dataDir`. */
export class Owner {
  readonly id: string;
  readonly instance: string;

  constructor(dataDir: string) {
    this.instance = `${os.hostname()}|${realpath(dataDir)}`;
    const f: OwnerFields = { host: HOST, pid: process.pid, start: me.start ?? '', instance: this.instance, app: crypto.randomBytes(6).toString('hex') };
    this.id = JSON.stringify(f);
    this.open();
  }

  open(): void {
    openApps.add(this.id);
  }

  /** The app stopped: whatever it still owns is an orphan from now on. */
  close(): void {
    openApps.delete(this.id);
  }
}

function parse(owner: string): OwnerFields | null {
  try {
    const o = JSON.parse(owner) as OwnerFields;
    return typeof o.host === 'string' && Number.isInteger(o.pid) ? o : null;
  } catch {
    return null;
  }
}


function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** true / false for an owner on this host or of this instance; undefined for one elsewhere (its heartbeat decides). */
export function aliveHere(owner: string, self: Owner): boolean | undefined {
  const o = parse(owner);
  if (!o) return false; // unreadable: not written by any version that could still be working on it
  if (o.host !== HOST) return o.instance === self.instance ? false : undefined;
  if (o.pid === process.pid) {
    // this process (same start), or an earlier one that had our PID: gone
    return o.start === (me.start ?? '') && openApps.has(owner);
  }
  if (!pidAlive(o.pid)) return false;
  const now = processIdentity(o.pid).start;
  // without /proc, or unreadable: cannot tell, so it lives
  if (!o.start || now === undefined) return true;
  return now === o.start;
}

/** Of these owners (elsewhere), those whose heartbeat is fresh. The store's clock on both sides. */
export async function freshOwners(db: Db, owners: string[]): Promise<Set<string>> {
  return beatingOwners(db, owners, LEASE_S);
}

/** Writes an owner's heartbeat while it has work in flight (`busy`), every BEAT_MS. */
export class Heartbeat {
  private timer: NodeJS.Timeout | null = null;
  private last = 0;

  constructor(
    private readonly db: Db,
    private readonly owner: Owner,
    private readonly busy: () => boolean,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Before new work: the heartbeat fresh (a run must never be seen without one), and going. */
  async ensure(): Promise<void> {
    this.owner.open();
    if (!this.timer) {
      this.timer = setInterval(() => {
        if (this.busy()) void this.beat().catch(this.onError);
        else this.stop();
      }, BEAT_MS);
      this.timer.unref(); // a heartbeat never holds the process
    }
    // a beat younger than a third of the interval is fresh enough, ms of the system clock
    if (Date.now() - this.last > BEAT_MS / 3) await this.beat();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async beat(): Promise<void> {
    this.last = Date.now();
    await writeHeartbeat(this.db, this.owner.id);
  }
}
