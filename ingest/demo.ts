import { DEFAULT_PLAN, type Channel } from '../core/contract.ts';

/**
 * Seeded, deterministic generator of realistic SPEC.md event traffic, for the demo account,
 * tests and benchmark files. The same options always give byte-identical output (a small
 * PRNG, never Math.random, and no dependence on the current time unless passed in).
 *
 * Per account the simulation walks hour by hour: rooms start as a Poisson process shaped by
 * Jakarta office hours, each room's whole life (messages, assignment, resolve, CSAT) is
 * drawn at its start and queued, and the queue is drained in time order, so an account's
 * output is sorted by occurred_at. Memory is the queue of not-yet-due events (rooms that
 * are still going), not the output.
 */

type Ev = Record<string, unknown>;

const SEC = 1000, MIN = 60 * SEC, HOUR = 60 * MIN, DAY = 24 * HOUR;
/** Asia/Jakarta is UTC+7 all year (no DST): local clock = UTC + 7 h, and local hours align with UTC hours. */
const TZ_MS = 7 * HOUR;

/** mulberry32: a 32-bit state PRNG, fast and good enough for traffic simulation. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, to turn (seed, account) into a PRNG seed. */
function hash(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

class Rng {
  readonly u: () => number;
  constructor(seed: number) {
    this.u = mulberry32(seed);
  }
  int(n: number): number {
    return Math.floor(this.u() * n);
  }
  range(a: number, b: number): number {
    return a + (b - a) * this.u();
  }
  chance(p: number): boolean {
    return this.u() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  /** Index drawn with probability proportional to weights[i]. */
  weighted(weights: readonly number[]): number {
    let sum = 0;
    for (const w of weights) sum += w;
    let r = this.u() * sum;
    for (let i = 0; i < weights.length - 1; i++) if ((r -= weights[i]) < 0) return i;
    return weights.length - 1;
  }
  gauss(): number {
    return Math.sqrt(-2 * Math.log(1 - this.u())) * Math.cos(2 * Math.PI * this.u());
  }
  /** Log-normal duration in ms with the given median (ms) and spread (sigma of the log). */
  logn(median: number, sigma: number): number {
    return Math.round(median * Math.exp(sigma * this.gauss()));
  }
  poisson(lambda: number): number {
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.gauss()));
    const l = Math.exp(-lambda);
    let k = 0, p = this.u();
    while (p > l) {
      k++;
      p *= this.u();
    }
    return k;
  }
}

/** Share of rooms per channel (SPEC channels; a typical Indonesian inbox). */
const CHANNEL_MIX: Record<Channel, number> = {
  whatsapp: 0.55, instagram: 0.15, facebook: 0.08, webchat: 0.08, email: 0.05, telegram: 0.04, line: 0.03, twitter: 0.02,
};
const CHANNEL_LIST = Object.keys(CHANNEL_MIX) as Channel[];
/** Share of all rooms opened by campaign broadcasts (all WhatsApp). */
const CAMPAIGN_SHARE = 0.12;
/** Other rooms draw channels so that, campaigns included, rooms follow CHANNEL_MIX. */
const ORGANIC_WEIGHTS = CHANNEL_LIST.map((c) => (CHANNEL_MIX[c] - (c === 'whatsapp' ? CAMPAIGN_SHARE : 0)) / (1 - CAMPAIGN_SHARE));
/** Share of organic WhatsApp rooms an agent opens with a template (HSM) message, in working hours. */
const HSM_SHARE = 0.12;

/** Relative rooms started per Jakarta local hour 0..23: office-hour peaks, light nights. */
const WEEKDAY_HOURS = [0.15, 0.1, 0.08, 0.07, 0.08, 0.15, 0.35, 0.7, 1.3, 1.7, 1.8, 1.7, 1.3, 1.5, 1.7, 1.6, 1.4, 1.2, 0.9, 0.8, 0.75, 0.6, 0.4, 0.25];
const WEEKEND_HOURS = [0.15, 0.1, 0.08, 0.06, 0.06, 0.1, 0.2, 0.35, 0.6, 0.8, 0.9, 0.9, 0.85, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.6, 0.55, 0.45, 0.3, 0.2];
/** HOURS[dow][hour], dow 0 = Sunday; Sunday is quieter than Saturday. */
const HOURS = [0, 1, 2, 3, 4, 5, 6].map((d) => (d === 0 ? WEEKEND_HOURS.map((w) => w * 0.8) : d === 6 ? WEEKEND_HOURS : WEEKDAY_HOURS));
/** Mean over a week of a day's weight sum: rooms per hour = roomsPerDay * weight / this. */
const MEAN_DAY_WEIGHT = HOURS.reduce((a, h) => a + h.reduce((x, y) => x + y, 0), 0) / 7;
/** Agents' shift [start, end) in local hours per dow; outside it rooms wait (unless someone on call picks them up). */
const SHIFTS: Array<[number, number]> = [[10, 14], [8, 20], [8, 20], [8, 20], [8, 20], [8, 20], [9, 15]];

const AGENT_NAMES = ['rina', 'budi', 'sari', 'dewi', 'agus', 'putri', 'fajar', 'ayu', 'rizky', 'indah', 'hendra', 'wulan', 'yoga', 'maya', 'dimas', 'nadia', 'bayu', 'citra'];
const WA_PREFIXES = ['62811', '62812', '62813', '62821', '62822', '62852', '62857', '62858', '62877', '62878', '62895', '62896'];
const MAIL_DOMAINS = ['gmail.com', 'yahoo.co.id', 'outlook.com', 'hotmail.com'];

/** CSAT score weights for 1..5: skewed high, as real surveys are. */
const SCORE_WEIGHTS = [0.04, 0.05, 0.11, 0.3, 0.5];
const COMMENTS: Record<'bad' | 'meh' | 'good', string[]> = {
  bad: ['Lama banget balasnya 😡', 'Masalah belum selesai', 'Not helpful at all', 'Saya sudah tunggu 2 hari, "sedang dicek" terus', 'Refund belum masuk!!', 'Very slow response', 'Adminnya gak jelas 🙄'],
  meh: ['Lumayan, tapi agak lama', 'OK', 'Cukup membantu', 'Took a while but solved', 'Jawabannya agak template: "mohon ditunggu ya kak"', 'Oke lah'],
  good: ['Pelayanan cepat, terima kasih!', 'Mantap 👍', 'Very helpful, thanks!', 'Adminnya ramah banget 😊', 'Great service', 'Sangat membantu', 'Agent bilang "besok sampai" dan beneran sampai 🙏', 'Fast response, recommended', 'Top! ⭐⭐⭐⭐⭐', 'Terima kasih kak.\nSukses selalu'],
};

interface Plan {
  mcc_free_monthly: number;
  muv_free_monthly: number;
  price_mcc_service: number;
  price_mcc_initiated: number;
  price_muv: number;
  mcc_rollover: boolean;
  timezone: string;
}
/** Starting plan (SPEC default prices plus free quotas), then one of these mid-period. */
const START_PLAN: Plan = { mcc_free_monthly: 1000, muv_free_monthly: 500, price_mcc_service: 275, price_mcc_initiated: 460, price_muv: 600, mcc_rollover: true, timezone: 'Asia/Jakarta' };
const MID_PLANS: Plan[] = [
  { mcc_free_monthly: 2000, muv_free_monthly: 1000, price_mcc_service: 250, price_mcc_initiated: 420, price_muv: 550, mcc_rollover: true, timezone: 'Asia/Jakarta' },
  { mcc_free_monthly: 500, muv_free_monthly: 300, price_mcc_service: 300, price_mcc_initiated: 500, price_muv: 650, mcc_rollover: false, timezone: 'Asia/Jakarta' },
];
/** For sizing top-ups: a month's unique inbound contacts (MUV) and WhatsApp conversations (MCC) per room of that month, as simulated. */
const VISITORS_PER_ROOM = 0.65, CONVERSATIONS_PER_ROOM = 0.5;
const ADJUSTMENTS: Array<[number, string]> = [
  [1, 'Goodwill credit: WhatsApp delivery outage'],
  [1, 'Refund: duplicate charge on invoice INV-0042'],
  [1, 'Promo bonus "Ramadan" 5%'],
  [-1, 'Correction: top-up recorded twice'],
  [-1, 'Bank transfer fee'],
];

/** Events per room, a prior for fleet sizing (the simulation measures and corrects it as it runs). */
const EVENTS_PER_ROOM = 11.5;
/**
 * Mean time from a room's start to its events, in days (6.4 h, measured). Events after `to` are not
 * made, so a run loses about this many days' worth of rooms' events at its end.
 */
const EVENT_LAG_DAYS = 0.27;

const P2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const P3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let cachedDay = NaN, cachedDate = '';
/** RFC 3339 in Jakarta time with milliseconds, e.g. 2026-11-02T09:15:00.123+07:00 (hand-built: toISOString is a hot spot). */
function fmt(t: number): string {
  const local = t + TZ_MS, day = Math.floor(local / DAY);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = new Date(day * DAY).toISOString().slice(0, 11);
  }
  let ms = local - day * DAY;
  const h = Math.floor(ms / HOUR);
  ms -= h * HOUR;
  const m = Math.floor(ms / MIN);
  ms -= m * MIN;
  const sec = Math.floor(ms / SEC);
  return cachedDate + P2[h] + ':' + P2[m] + ':' + P2[sec] + '.' + P3[ms - sec * SEC] + '+07:00';
}
const localDay = (t: number) => Math.floor((t + TZ_MS) / DAY);
/** 0 = Sunday (1970-01-01 was a Thursday). */
const dowOf = (t: number) => (localDay(t) + 4) % 7;
const hourOf = (t: number) => Math.floor(((t + TZ_MS) % DAY) / HOUR);
function inShift(t: number): boolean {
  const shift = SHIFTS[dowOf(t)], h = hourOf(t);
  return h >= shift[0] && h < shift[1];
}
/** Start of the next local calendar month after t, as UTC ms. */
function nextMonthStart(t: number): number {
  const d = new Date(t + TZ_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - TZ_MS;
}

interface Agent {
  id: string;
  /** Relative share of assignments. */
  load: number;
  /** Median time to answer a customer message, ms. */
  reply: number;
}
interface Room {
  id: string;
  ch: Channel;
  contact: string;
  agent: Agent | null;
  /** Time of the customer's last message, ms (for the WhatsApp 24 h window). */
  lastIn: number;
}
interface Campaign {
  id: string;
  /** Existing WhatsApp contacts when it started, and the first one of the segment it goes to. */
  pool: number;
  base: number;
  sent: number;
  next: number;
  left: number;
  /** ms between two sends. */
  gap: number;
}
interface DayPlan {
  factor: number;
  campaign: { at: number; size: number } | null;
}
interface Pending {
  t: number;
  s: number;
  e: Ev;
}

/** Min-heap of events by (time, insertion order). */
class Queue {
  private h: Pending[] = [];
  private seq = 0;
  get size() {
    return this.h.length;
  }
  get nextTime() {
    return this.h[0].t;
  }
  push(t: number, e: Ev) {
    const h = this.h, p = { t, s: this.seq++, e };
    let i = h.push(p) - 1;
    while (i > 0) {
      const j = (i - 1) >> 1;
      if (h[j].t < t || (h[j].t === t && h[j].s < p.s)) break;
      h[i] = h[j];
      i = j;
    }
    h[i] = p;
  }
  pop(): Pending {
    const h = this.h, top = h[0], last = h.pop()!;
    if (h.length) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= h.length) break;
        if (c + 1 < h.length && (h[c + 1].t < h[c].t || (h[c + 1].t === h[c].t && h[c + 1].s < h[c].s))) c++;
        if (last.t < h[c].t || (last.t === h[c].t && last.s < h[c].s)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

export interface AccountOptions {
  account: string;
  seed: number;
  from: Date;
  to: Date;
  /** Average rooms a day over a week, campaign rooms included (default 60). */
  roomsPerDay?: number;
}

/** One account's simulation. With `target`, the room rate is steered so about that many events come out. */
class AccountSim {
  private rng: Rng;
  private q = new Queue();
  private from: number;
  private to: number;
  private rooms = 0;
  private created = 0;
  private agents: Agent[];
  private loads: number[];
  private hasBot: boolean;
  /** Makes contact ids differ between accounts. */
  private salt: number;
  /** Contacts seen so far per channel; contact n's id is a fixed function of n. */
  private contacts = new Map<Channel, number>();
  private days: DayPlan[] = [];
  private firstDay: number;
  private campaign: Campaign | null = null;
  /** Rate multiplier, steered towards `target`. */
  private m = 1;
  /** Expected rooms of the remaining hours at roomsPerDay 1 and m 1. */
  private expectedLeft = 0;

  constructor(private o: AccountOptions, private rpd: number, private target?: number, private midPlan?: number) {
    this.rng = new Rng(hash(o.account, o.seed));
    this.from = o.from.getTime();
    this.to = o.to.getTime();
    const r = this.rng;
    this.agents = Array.from({ length: 8 + r.int(8) }, (_, i) => ({
      id: `agent-${AGENT_NAMES[i]}`,
      load: r.range(0.4, 2),
      reply: r.logn(80 * SEC, 0.5),
    }));
    this.loads = this.agents.map((a) => a.load);
    this.hasBot = r.chance(0.6);
    this.salt = r.int(100_000_000);
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
    this.accountEvents();
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
    const { q, to } = this;
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
        this.room(t, starts[i + 1] === 1);
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
    const perRoom = (this.created + EVENTS_PER_ROOM * 50) / (this.rooms + 50);
    const want = (this.target! - this.created) / (perRoom * this.rpd * (this.expectedLeft - EVENT_LAG_DAYS));
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
      // A broadcast goes out over at most ~40 minutes, ~1.5 s apart when small.
      const pool = this.contacts.get('whatsapp') ?? 0;
      this.campaign = { id: `cmp-${stamp}-${hourOf(plan.at)}`, pool, base: r.int(pool), sent: 0, next: plan.at, left: size, gap: Math.min(1500, (40 * MIN) / size) };
    }
    const out: number[] = [];
    const c = this.campaign;
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

  private push(t: number, e: Ev) {
    if (t >= this.to) return; // not happened yet
    this.q.push(Math.floor(t), e);
    this.created++;
  }
  // Events are object literals of a fixed shape per type (no spreads): V8 builds and stringifies those fastest.
  // `id` and `occurred_at` are filled in when the event leaves the queue.
  private opened(t: number, room: Room, origin: string) {
    this.push(t, { id: '', type: 'room.opened', account_id: this.o.account, occurred_at: '', room_id: room.id, channel: room.ch, contact_id: room.contact, origin });
  }
  private inbound(t: number, room: Room) {
    room.lastIn = t;
    this.push(t, { id: '', type: 'message', account_id: this.o.account, occurred_at: '', room_id: room.id, channel: room.ch, contact_id: room.contact, direction: 'inbound' });
  }
  private outbound(t: number, room: Room, sender: string, agentId?: string, template?: boolean, campaignId?: string) {
    const e: Ev = { id: '', type: 'message', account_id: this.o.account, occurred_at: '', room_id: room.id, channel: room.ch, contact_id: room.contact, direction: 'outbound', sender };
    if (agentId) e.agent_id = agentId;
    if (template) e.template = true;
    if (campaignId) e.campaign_id = campaignId;
    this.push(t, e);
  }
  private agentSays(t: number, room: Room) {
    // Past WhatsApp's 24 h customer window only a template may be sent.
    this.outbound(t, room, 'agent', room.agent!.id, room.ch === 'whatsapp' && t - room.lastIn > DAY);
  }
  /** room.resolved, room.assigned (agentId required), csat.requested. */
  private roomEvent(t: number, type: string, room: Room, agentId?: string) {
    this.push(t, agentId
      ? { id: '', type, account_id: this.o.account, occurred_at: '', room_id: room.id, agent_id: agentId }
      : { id: '', type, account_id: this.o.account, occurred_at: '', room_id: room.id });
  }
  private assign(t: number, room: Room, agent: Agent): number {
    room.agent = agent;
    this.roomEvent(t, 'room.assigned', room, agent.id);
    return t;
  }
  private pickAgent(not?: Agent): Agent {
    for (;;) {
      const a = this.agents[this.rng.weighted(this.loads)];
      if (a !== not) return a;
    }
  }

  /** A new contact, or with probability `returning` an earlier one (leaning recent). */
  private contact(ch: Channel, returning: number): string {
    const seen = this.contacts.get(ch) ?? 0;
    if (seen > 0 && this.rng.chance(returning)) return this.contactId(ch, seen - 1 - Math.floor(this.rng.u() ** 3 * seen));
    this.contacts.set(ch, seen + 1);
    return this.contactId(ch, seen);
  }
  /** The id of a channel's n-th contact: a fixed permutation of n, so distinct contacts have distinct ids. */
  private contactId(ch: Channel, n: number): string {
    const p = (n * 48271 + this.salt) % 100_000_000; // 48271 is coprime to 10^8: a bijection on 8 digits
    switch (ch) {
      case 'whatsapp': return WA_PREFIXES[n % WA_PREFIXES.length] + String(p).padStart(8, '0');
      case 'instagram': return `ig_${p.toString(36)}`;
      case 'facebook': return `fb_${1e15 + p}`;
      case 'twitter': return `tw_${p.toString(36)}`;
      case 'email': return `${AGENT_NAMES[n % AGENT_NAMES.length]}.${p.toString(36)}@${MAIL_DOMAINS[n % 4]}`;
      case 'telegram': return `tg_${5e9 + p}`;
      case 'line': return `U${p.toString(16).padStart(32, '0')}`;
      default: return `wc_${p.toString(36)}`;
    }
  }

  /** Agents answer in their shift; outside it a room waits for the next shift unless someone on call (20%) picks it up. */
  private workTime(t: number): number {
    if (inShift(t) || this.rng.chance(0.2)) return t;
    let h = Math.ceil(t / HOUR) * HOUR;
    while (!inShift(h)) h += HOUR;
    return h + this.rng.logn(6 * MIN, 0.8);
  }

  private room(t: number, campaign: boolean) {
    const r = this.rng;
    this.rooms++;
    const id = `room-${this.rooms}`;
    if (campaign) {
      // Recipients: 70% existing customers (a segment of the contact list, each once), 30% new opt-ins.
      const c = this.campaign!;
      const contact = c.sent < c.pool && r.chance(0.7) ? this.contactId('whatsapp', (c.base + c.sent++) % c.pool) : this.contact('whatsapp', 0);
      const room: Room = { id, ch: 'whatsapp', contact, agent: null, lastIn: -Infinity };
      if (r.chance(0.85)) this.opened(t, room, 'broadcast');
      this.outbound(t, room, 'broadcast', undefined, true, c.id);
      if (r.chance(0.35)) return this.conversation(room, t + r.logn(25 * MIN, 1.3));
      // Most broadcasts get no answer; half of those rooms are closed by the system 1-3 days later.
      if (r.chance(0.5)) this.roomEvent(t + r.range(DAY, 3 * DAY), 'room.resolved', room);
      return;
    }
    const ch = CHANNEL_LIST[r.weighted(ORGANIC_WEIGHTS)];
    const room: Room = { id, ch, contact: this.contact(ch, 0.45), agent: null, lastIn: -Infinity };
    if (ch === 'whatsapp' && inShift(t) && r.chance(HSM_SHARE)) {
      // An agent follows up a customer with a template message.
      if (r.chance(0.85)) this.opened(t, room, 'outbound');
      this.assign(t, room, this.pickAgent());
      const sent = t + r.range(2 * SEC, 20 * SEC);
      this.outbound(sent, room, 'agent', room.agent!.id, true);
      if (r.chance(0.55)) return this.conversation(room, sent + r.logn(30 * MIN, 1.3), sent);
      if (r.chance(0.7)) this.roomEvent(t + r.logn(3 * HOUR, 0.5), 'room.resolved', room, room.agent!.id);
      return;
    }
    if (r.chance(0.88)) this.opened(t, room, 'inbound');
    this.conversation(room, t);
  }

  /** The customer writes at t; then bot, assignment, turns of replies, resolve and CSAT. */
  private conversation(room: Room, t: number, assignedAt = 0) {
    const r = this.rng;
    let last = this.customerSays(room, t);
    if (!room.agent) {
      if (this.hasBot && r.chance(0.7)) this.outbound(t + r.range(1 * SEC, 4 * SEC), room, 'bot'); // greeting
      if (this.hasBot && r.chance(0.1)) {
        // The bot answers an FAQ and closes the room: never assigned.
        this.outbound(last + r.range(3 * SEC, 10 * SEC), room, 'bot');
        this.roomEvent(last + r.logn(10 * MIN, 0.5), 'room.resolved', room);
        return;
      }
      if (r.chance(0.03)) return; // abandoned: never assigned, never resolved
      assignedAt = this.assign(this.workTime(t + r.logn(150 * SEC, 0.9)), room, this.pickAgent());
    }
    let agentAt = assignedAt;
    const turns = 1 + Math.min(14, Math.floor(Math.log(1 - r.u()) / Math.log(0.65)));
    for (let turn = 0; ; turn++) {
      agentAt = this.workTime(Math.max(agentAt, last) + r.logn(room.agent!.reply, 0.9));
      this.agentSays(agentAt, room);
      if (r.chance(0.3)) this.agentSays((agentAt += r.logn(40 * SEC, 0.6)), room);
      if (turn + 1 >= turns) break;
      if (r.chance(0.03)) this.assign(agentAt + r.logn(5 * MIN, 1), room, this.pickAgent(room.agent!));
      // Customers usually answer within minutes; some come back a day or two later.
      last = this.customerSays(room, agentAt + (r.chance(0.08) ? r.range(20 * HOUR, 50 * HOUR) : r.logn(4 * MIN, 1.2)));
    }
    if (r.chance(0.06)) return; // left open
    let resolvedAt = this.workTime(agentAt + r.logn(15 * MIN, 1));
    this.roomEvent(resolvedAt, 'room.resolved', room, room.agent!.id);
    if (r.chance(0.05)) {
      // The customer writes again after the resolve; the agent answers and resolves again.
      const again = this.customerSays(room, resolvedAt + r.logn(2 * HOUR, 1));
      agentAt = this.workTime(again + r.logn(room.agent!.reply, 0.9));
      this.agentSays(agentAt, room);
      this.roomEvent((resolvedAt = agentAt + r.logn(10 * MIN, 0.8)), 'room.resolved', room, room.agent!.id);
    }
    if (!r.chance(0.85)) return;
    const askedAt = resolvedAt + r.range(1 * SEC, 3 * SEC);
    this.roomEvent(askedAt, 'csat.requested', room);
    // Chat channels get the survey as an in-chat system message.
    if (room.ch === 'whatsapp' || room.ch === 'telegram' || room.ch === 'line') this.outbound(askedAt, room, 'system');
    if (!r.chance(0.4)) return;
    const score = 1 + r.weighted(SCORE_WEIGHTS);
    const e: Ev = { id: '', type: 'csat.submitted', account_id: this.o.account, occurred_at: '', room_id: room.id, score };
    if (r.chance(score <= 2 ? 0.7 : 0.3)) e.comment = r.pick(COMMENTS[score <= 2 ? 'bad' : score === 3 ? 'meh' : 'good']);
    if (r.chance(0.5)) e.agent_id = room.agent!.id;
    this.push(askedAt + r.logn(8 * MIN, 1.3), e);
  }

  /** One to three customer messages from t; returns the time of the last. */
  private customerSays(room: Room, t: number): number {
    const n = this.rng.chance(0.35) ? 2 + this.rng.int(2) : 1;
    for (let i = 0; i < n; i++) {
      if (i) t += this.rng.logn(25 * SEC, 0.7);
      this.inbound(t, room);
    }
    return t;
  }

  /** An account-level event (rare, so a spread is fine). */
  private account(type: string, fields: object): Ev {
    return { id: '', type, account_id: this.o.account, occurred_at: '', ...fields };
  }

  /** Plan at the start and mid-period, monthly-ish top-ups, occasional adjustments. */
  private accountEvents() {
    const r = this.rng, from = this.from, to = this.to;
    // Mid-period plan change at a local month start (the SPEC's "in force for that month" case), else at the midpoint.
    const mid = from + (to - from) / 2, monthStart = nextMonthStart(mid);
    const plans: Array<[number, Plan]> = [[from, START_PLAN], [monthStart < to ? monthStart : Math.floor(mid), MID_PLANS[this.midPlan ?? r.int(MID_PLANS.length)]]];
    for (const [t, plan] of plans) this.push(t, this.account('plan.changed', plan));
    // Top-ups: ~0.4 of a month's spend every ~30 days, and a first one that brings the total to
    // ~1.3 times the whole period's spend: the balance stays positive but shrinks. Round 100,000 IDR.
    const spend = this.estimateSpend(plans), monthly = (spend * 30 * DAY) / (to - from);
    const round = (x: number) => Math.max(100_000, Math.round(x / 100_000) * 100_000);
    let k = 1, later = 0;
    for (let t = from + r.range(25, 35) * DAY; t < to; t += r.range(25, 35) * DAY) {
      const amount = round(0.4 * monthly * r.range(0.8, 1.2));
      later += amount;
      this.push(this.officeTime(t), this.account('balance.topup', { amount, reference: `TOPUP-${String(++k).padStart(4, '0')}` }));
    }
    this.push(this.officeTime(from), this.account('balance.topup', { amount: round(1.3 * spend - later), reference: 'TOPUP-0001' }));
    // Adjustments of 2-15% of a month's spend, whole thousands.
    for (let t = from + r.range(10, 50) * DAY; t < to; t += r.range(20, 70) * DAY) {
      const [sign, reason] = r.pick(ADJUSTMENTS);
      const amount = sign * 1000 * Math.max(1, Math.round((monthly * r.range(0.02, 0.15)) / 1000));
      this.push(this.officeTime(t), this.account('balance.adjustment', { amount, reason }));
    }
  }

  /** Rough charges (IDR) over [from, to): per calendar month, expected visitors and conversations over the free quota. */
  private estimateSpend(plans: Array<[number, Plan]>): number {
    const planAt = (t: number): Plan => plans.filter(([at]) => at <= t).at(-1)?.[1] ?? DEFAULT_PLAN;
    let total = 0;
    for (let a = this.from; a < this.to; ) {
      const b = Math.min(nextMonthStart(a), this.to);
      const quota = planAt(nextMonthStart(a - 31 * DAY)), price = planAt(a);
      const rooms = (this.rpd * (b - a)) / DAY;
      total += Math.max(0, VISITORS_PER_ROOM * rooms - quota.muv_free_monthly) * price.price_muv;
      total += (Math.max(0, CONVERSATIONS_PER_ROOM * rooms - quota.mcc_free_monthly) * (price.price_mcc_service + price.price_mcc_initiated)) / 2;
      a = b;
    }
    return total;
  }

  /** A random time in 10:00-16:00 local on the first weekday at or after t's day that is not before t. */
  private officeTime(t: number): number {
    for (let d = localDay(t); ; d++) {
      const at = d * DAY - TZ_MS + 10 * HOUR + Math.floor(this.rng.u() * 6 * HOUR);
      if ((d + 4) % 7 !== 0 && (d + 4) % 7 !== 6 && at >= t) return at;
    }
  }
}

/** One account's events, sorted by occurred_at (RFC 3339, +07:00, milliseconds). */
export function* generateAccountEvents(opts: AccountOptions): Generator<Record<string, unknown>> {
  yield* new AccountSim(opts, opts.roomsPerDay ?? 60).run();
}

/** Shares of the total per account: acct-01 has `biggest`, the rest decreasing and uneven, none above `biggest`. */
function fleetShares(accounts: number, biggest: number, seed: number): number[] {
  if (accounts <= 1) return [1];
  const r = new Rng(hash('fleet', seed));
  const raw = Array.from({ length: accounts - 1 }, (_, i) => (1 / (i + 1) ** 0.7) * r.range(0.75, 1.25));
  // Scale the rest to 1 - biggest; where that is possible, cap each at 0.95 * biggest and share the excess out.
  const cap = (1 - biggest) / (accounts - 1) < 0.95 * biggest ? 0.95 * biggest : Infinity;
  const capped = raw.map(() => false);
  let scale = 0;
  for (;;) {
    const nCapped = capped.filter(Boolean).length;
    scale = (1 - biggest - (nCapped ? nCapped * cap : 0)) / raw.reduce((a, x, i) => a + (capped[i] ? 0 : x), 0);
    const over = raw.map((x, i) => !capped[i] && x * scale > cap);
    if (!over.includes(true)) break;
    over.forEach((o, i) => o && (capped[i] = true));
  }
  const rest = raw.map((x, i) => (capped[i] ? cap : x * scale));
  return [biggest, ...rest];
}

/**
 * Events of `accounts` accounts (acct-01, acct-02, ...), one account after another, each sorted by time.
 * acct-01 has `biggestShare` of the events, the rest less and unevenly. Each account's room rate is
 * steered towards its share, so the total is `totalEvents` or a little under: within 0.1% over a month
 * or more, a few percent under for a week of tiny accounts (conversations still running at `to` are cut).
 */
export function* generateFleet(opts: { seed: number; accounts: number; totalEvents: number; from: Date; to: Date; biggestShare?: number }): Generator<Record<string, unknown>> {
  const shares = fleetShares(opts.accounts, opts.biggestShare ?? 0.2, opts.seed);
  const width = Math.max(2, String(opts.accounts).length);
  const targets = shares.map((s) => Math.floor(s * opts.totalEvents));
  targets[0] += opts.totalEvents - targets.reduce((a, b) => a + b, 0);
  for (let i = 0; i < opts.accounts; i++) {
    const account = `acct-${String(i + 1).padStart(width, '0')}`;
    const target = targets[i];
    if (target <= 0) continue;
    let n = 0;
    const sim = new AccountSim({ account, seed: opts.seed, from: opts.from, to: opts.to }, 1, target);
    for (const e of sim.run()) {
      yield e;
      if (++n >= target) break; // the steering lands just above or below; never over
    }
  }
}

/**
 * The demo account demo-co: 91 days ending at `now`, starting at a local midnight, ~50k events.
 * Mid-period the plan's free quotas shrink and prices rise, so spend outpaces the top-ups:
 * the balance stays positive but shrinks, and the run-out projection has something to show.
 */
export function* demoEvents(seed = 1, now: Date = new Date()): Generator<Record<string, unknown>> {
  const from = new Date((localDay(now.getTime()) - 91) * DAY - TZ_MS);
  yield* new AccountSim({ account: 'demo-co', seed, from, to: now }, 45, undefined, 1).run();
}
