import { DAY, HOUR, HOURS, MEAN_DAY_WEIGHT, MIN, TZ_MS, dowOf, fmt, hourOf, localDay } from './calendar.ts';
import { queueBillingEvents } from './billing.ts';
import { Outbox } from './events.ts';
import type { Ev } from './queue.ts';
import { Rng, hash } from './random.ts';
import { CAMPAIGN_SHARE, RoomSim } from './rooms.ts';

/**
 * One account's simulation, hour by hour: rooms start as a Poisson process shaped by Jakarta
 * office hours (plus campaign broadcasts), each room's whole life is queued at its start, and
 * the queue is drained in time order.
 */

export interface AccountOptions {
  account: string;
  seed: number;
  from: Date;
  to: Date;
  /** Average rooms a day over a week, campaign rooms included (default 60). */
  roomsPerDay?: number;
}

/** Events per room, a prior for fleet sizing (the simulation measures and corrects it as it runs). */
const EVENTS_PER_ROOM = 11.5;
/**
 * Mean time from a room's start to its events, in days (6.4 h, measured). Events after `to` are not
 * made, so a run loses about this many days' worth of rooms' events at its end.
 */
const EVENT_LAG_DAYS = 0.27;

interface DayPlan {
  factor: number;
  campaign: { at: number; size: number } | null;
}

/** One account's simulation. With `target`, the room rate is steered so about that many events come out. */
export class AccountSim {
  private rng: Rng;
  private out: Outbox;
  private rooms: RoomSim;
  /** The simulated period [from, to), UTC ms. */
  private from: number;
  private to: number;
  private days: DayPlan[] = [];
  private firstDay: number;
  /** Rate multiplier, steered towards `target`. */
  private m = 1;
  /** Expected rooms of the remaining hours at roomsPerDay 1 and m 1. */
  private expectedLeft = 0;

  constructor(private o: AccountOptions, private rpd: number, private target?: number, private midPlan?: number) {
    this.rng = new Rng(hash(o.account, o.seed));
    this.from = o.from.getTime();
    this.to = o.to.getTime();
    const r = this.rng;
    this.out = new Outbox(o.account, this.to);
    // Draws the agents first: the order of draws from r is part of the output.
    this.rooms = new RoomSim(r, this.out);
    this.firstDay = localDay(this.from);
    for (let d = this.firstDay; d <= localDay(this.to - 1); d++) {
      const dow = (d + 4) % 7;
      // Campaigns on ~2 of 5 weekdays, sized so campaign rooms are CAMPAIGN_SHARE of all rooms.
      const campaign = dow >= 1 && dow <= 5 && r.chance(0.4)
        ? { at: d * DAY - TZ_MS + r.pick([9, 10, 11, 13, 14, 15, 16, 19]) * HOUR + r.int(30) * MIN, size: ((7 * CAMPAIGN_SHARE) / 2) * r.range(0.6, 1.4) }
        : null;
      this.days.push({ factor: r.range(0.85, 1.15), campaign });
    }
    for (let h = Math.floor(this.from / HOUR) * HOUR; h < this.to; h += HOUR) this.expectedLeft += this.hourRate(h) * this.hourSpan(h);
    for (const d of this.days) if (d.campaign && d.campaign.at >= this.from && d.campaign.at < this.to) this.expectedLeft += d.campaign.size;
    if (target) this.rpd = target / (EVENTS_PER_ROOM * Math.max(this.expectedLeft - EVENT_LAG_DAYS, this.expectedLeft / 2));
    queueBillingEvents(this.out, r, this.from, this.to, this.rpd, this.midPlan);
  }

  /** Organic rooms an hour at roomsPerDay 1 and m 1. */
  private hourRate(h: number): number {
    return ((1 - CAMPAIGN_SHARE) * this.days[localDay(h) - this.firstDay].factor * HOURS[dowOf(h)][hourOf(h)]) / MEAN_DAY_WEIGHT;
  }
  /** Part of hour h inside [from, to), 0..1. */
  private hourSpan(h: number): number {
    return (Math.min(h + HOUR, this.to) - Math.max(h, this.from)) / HOUR;
  }

  *run(): Generator<Ev> {
    const q = this.out.q, to = this.to;
    const prefix = `${this.o.account}-`;
    let n = 0;
    for (let h = Math.floor(this.from / HOUR) * HOUR; h < to; h += HOUR) {
      const dayIdx = localDay(h) - this.firstDay;
      if (this.target) this.steer();
      const starts = this.roomStarts(h, dayIdx);
      for (let i = 0; i < starts.length; i += 2) {
        const t = starts[i];
        while (q.size && q.nextTime <= t) {
          const p = q.pop();
          p.e.id = prefix + ++n;
          p.e.occurred_at = fmt(p.t);
          yield p.e;
        }
        this.rooms.room(t, starts[i + 1] === 1);
      }
    }
    while (q.size) {
      const p = q.pop();
      p.e.id = prefix + ++n;
      p.e.occurred_at = fmt(p.t);
      yield p.e;
    }
  }

  /**
   * Hourly: re-aims the rate at the events still to make over the rooms still expected (less the
   * end's loss). Frozen for the last day, where catching up would show as a burst of traffic.
   */
  private steer() {
    if (this.expectedLeft < 1) return;
    const perRoom = (this.out.created + EVENTS_PER_ROOM * 50) / (this.rooms.started + 50);
    const want = (this.target! - this.out.created) / (perRoom * this.rpd * (this.expectedLeft - EVENT_LAG_DAYS));
    this.m = Math.min(2, Math.max(0.5, want));
  }

  /** Room start times in hour h, flattened as [t, isCampaign, t, isCampaign, ...], sorted by t. */
  private roomStarts(h: number, dayIdx: number): number[] {
    const r = this.rng, lo = Math.max(h, this.from), hi = Math.min(h + HOUR, this.to);
    const rate = this.hourRate(h), span = this.hourSpan(h);
    this.expectedLeft -= rate * span;
    const n = r.poisson(this.rpd * this.m * rate * span);
    const ts: number[] = [];
    for (let i = 0; i < n; i++) ts.push(Math.floor(lo + r.u() * (hi - lo)));
    ts.sort((a, b) => a - b);
    const plan = this.days[dayIdx].campaign;
    if (plan && plan.at >= h && plan.at < h + HOUR && plan.at >= this.from) {
      this.expectedLeft -= plan.size;
      const size = Math.max(1, Math.round(plan.size * this.rpd * this.m));
      const stamp = new Date(plan.at + TZ_MS).toISOString().slice(0, 10).replace(/-/g, '');
      this.rooms.startCampaign(`cmp-${stamp}-${hourOf(plan.at)}`, plan.at, size);
    }
    const out: number[] = [];
    const c = this.rooms.campaign;
    let i = 0;
    while (i < ts.length || (c && c.left > 0 && c.next < hi)) {
      if (c && c.left > 0 && c.next < hi && (i >= ts.length || c.next <= ts[i])) {
        out.push(Math.floor(c.next), 1);
        c.next += c.gap * r.range(0.5, 1.5);
        c.left--;
      } else out.push(ts[i++], 0);
    }
    return out;
  }
}
