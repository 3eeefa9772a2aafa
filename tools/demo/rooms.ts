import type { Channel } from '../../core/contract.ts';
import { DAY, HOUR, MIN, SEC, inShift } from './calendar.ts';
import type { Agent, Outbox, Room } from './events.ts';
import type { Ev } from './queue.ts';
import type { Rng } from './random.ts';

/**
 * A room's whole life, drawn when it starts: opening, messages both ways, assignment to an
 * agent, resolve and CSAT, each event queued at its time. Also the account's agents, its
 * contacts per channel and the campaign broadcast in progress.
 */

/** Share of rooms per channel (SPEC channels; a typical Indonesian inbox). */
export const CHANNEL_MIX: Record<Channel, number> = {
  whatsapp: 0.55, instagram: 0.15, facebook: 0.08, webchat: 0.08, email: 0.05, telegram: 0.04, line: 0.03, twitter: 0.02,
};
const CHANNEL_LIST = Object.keys(CHANNEL_MIX) as Channel[];
/** Share of all rooms opened by campaign broadcasts (all WhatsApp). */
export const CAMPAIGN_SHARE = 0.12;
/** Other rooms draw channels so that, campaigns included, rooms follow CHANNEL_MIX. */
const ORGANIC_WEIGHTS = CHANNEL_LIST.map((c) => (CHANNEL_MIX[c] - (c === 'whatsapp' ? CAMPAIGN_SHARE : 0)) / (1 - CAMPAIGN_SHARE));
/** Share of organic WhatsApp rooms an agent opens with a template (HSM) message, in working hours. */
const HSM_SHARE = 0.12;

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

export interface Campaign {
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

/** The rooms of one account. Draws from the account's Rng, so the order of calls is part of the output. */
export class RoomSim {
  private agents: Agent[];
  private loads: number[];
  private hasBot: boolean;
  /** Makes contact ids differ between accounts. */
  private salt: number;
  /** Contacts seen so far per channel; contact n's id is a fixed function of n. */
  private contacts = new Map<Channel, number>();
  /** The broadcast being sent, if any (rooms it opens come from roomStarts' schedule). */
  campaign: Campaign | null = null;
  /** Rooms started so far; the n-th is room-n. */
  started = 0;

  constructor(private rng: Rng, private out: Outbox) {
    const r = this.rng;
    this.agents = Array.from({ length: 8 + r.int(8) }, (_, i) => ({
      id: `agent-${AGENT_NAMES[i]}`,
      load: r.range(0.4, 2),
      reply: r.logn(80 * SEC, 0.5),
    }));
    this.loads = this.agents.map((a) => a.load);
    this.hasBot = r.chance(0.6);
    this.salt = r.int(100_000_000);
  }

  /** Starts broadcast `id` at `at` (UTC ms) to `size` recipients. */
  startCampaign(id: string, at: number, size: number): Campaign {
    // A broadcast goes out over at most ~40 minutes, ~1.5 s apart when small.
    const pool = this.contacts.get('whatsapp') ?? 0;
    return (this.campaign = { id, pool, base: this.rng.int(pool), sent: 0, next: at, left: size, gap: Math.min(1500, (40 * MIN) / size) });
  }

  private assign(t: number, room: Room, agent: Agent): number {
    room.agent = agent;
    this.out.roomEvent(t, 'room.assigned', room, agent.id);
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

  /** Starts a room at t (UTC ms): a recipient of the campaign in progress, or an organic one. */
  room(t: number, campaign: boolean) {
    const r = this.rng;
    this.started++;
    const id = `room-${this.started}`;
    if (campaign) {
      // Recipients: 70% existing customers (a segment of the contact list, each once), 30% new opt-ins.
      const c = this.campaign!;
      const contact = c.sent < c.pool && r.chance(0.7) ? this.contactId('whatsapp', (c.base + c.sent++) % c.pool) : this.contact('whatsapp', 0);
      const room: Room = { id, ch: 'whatsapp', contact, agent: null, lastIn: -Infinity };
      if (r.chance(0.85)) this.out.opened(t, room, 'broadcast');
      this.out.outbound(t, room, 'broadcast', undefined, true, c.id);
      if (r.chance(0.35)) return this.conversation(room, t + r.logn(25 * MIN, 1.3));
      // Most broadcasts get no answer; half of those rooms are closed by the system 1-3 days later.
      if (r.chance(0.5)) this.out.roomEvent(t + r.range(DAY, 3 * DAY), 'room.resolved', room);
      return;
    }
    const ch = CHANNEL_LIST[r.weighted(ORGANIC_WEIGHTS)];
    const room: Room = { id, ch, contact: this.contact(ch, 0.45), agent: null, lastIn: -Infinity };
    if (ch === 'whatsapp' && inShift(t) && r.chance(HSM_SHARE)) {
      // An agent follows up a customer with a template message.
      if (r.chance(0.85)) this.out.opened(t, room, 'outbound');
      this.assign(t, room, this.pickAgent());
      const sent = t + r.range(2 * SEC, 20 * SEC);
      this.out.outbound(sent, room, 'agent', room.agent!.id, true);
      if (r.chance(0.55)) return this.conversation(room, sent + r.logn(30 * MIN, 1.3), sent);
      if (r.chance(0.7)) this.out.roomEvent(t + r.logn(3 * HOUR, 0.5), 'room.resolved', room, room.agent!.id);
      return;
    }
    if (r.chance(0.88)) this.out.opened(t, room, 'inbound');
    this.conversation(room, t);
  }

  /** The customer writes at t; then bot, assignment, turns of replies, resolve and CSAT. */
  private conversation(room: Room, t: number, assignedAt = 0) {
    const r = this.rng;
    let last = this.customerSays(room, t);
    if (!room.agent) {
      if (this.hasBot && r.chance(0.7)) this.out.outbound(t + r.range(1 * SEC, 4 * SEC), room, 'bot'); // greeting
      if (this.hasBot && r.chance(0.1)) {
        // The bot answers an FAQ and closes the room: never assigned.
        this.out.outbound(last + r.range(3 * SEC, 10 * SEC), room, 'bot');
        this.out.roomEvent(last + r.logn(10 * MIN, 0.5), 'room.resolved', room);
        return;
      }
      if (r.chance(0.03)) return; // abandoned: never assigned, never resolved
      assignedAt = this.assign(this.workTime(t + r.logn(150 * SEC, 0.9)), room, this.pickAgent());
    }
    let agentAt = assignedAt;
    const turns = 1 + Math.min(14, Math.floor(Math.log(1 - r.u()) / Math.log(0.65)));
    for (let turn = 0; ; turn++) {
      agentAt = this.workTime(Math.max(agentAt, last) + r.logn(room.agent!.reply, 0.9));
      this.out.agentSays(agentAt, room);
      if (r.chance(0.3)) this.out.agentSays((agentAt += r.logn(40 * SEC, 0.6)), room);
      if (turn + 1 >= turns) break;
      if (r.chance(0.03)) this.assign(agentAt + r.logn(5 * MIN, 1), room, this.pickAgent(room.agent!));
      // Customers usually answer within minutes; some come back a day or two later.
      last = this.customerSays(room, agentAt + (r.chance(0.08) ? r.range(20 * HOUR, 50 * HOUR) : r.logn(4 * MIN, 1.2)));
    }
    if (r.chance(0.06)) return; // left open
    let resolvedAt = this.workTime(agentAt + r.logn(15 * MIN, 1));
    this.out.roomEvent(resolvedAt, 'room.resolved', room, room.agent!.id);
    if (r.chance(0.05)) {
      // The customer writes again after the resolve; the agent answers and resolves again.
      const again = this.customerSays(room, resolvedAt + r.logn(2 * HOUR, 1));
      agentAt = this.workTime(again + r.logn(room.agent!.reply, 0.9));
      this.out.agentSays(agentAt, room);
      this.out.roomEvent((resolvedAt = agentAt + r.logn(10 * MIN, 0.8)), 'room.resolved', room, room.agent!.id);
    }
    if (!r.chance(0.85)) return;
    const askedAt = resolvedAt + r.range(1 * SEC, 3 * SEC);
    this.out.roomEvent(askedAt, 'csat.requested', room);
    // Chat channels get the survey as an in-chat system message.
    if (room.ch === 'whatsapp' || room.ch === 'telegram' || room.ch === 'line') this.out.outbound(askedAt, room, 'system');
    if (!r.chance(0.4)) return;
    const score = 1 + r.weighted(SCORE_WEIGHTS);
    const e: Ev = { id: '', type: 'csat.submitted', account_id: this.out.account, occurred_at: '', room_id: room.id, score };
    if (r.chance(score <= 2 ? 0.7 : 0.3)) e.comment = r.pick(COMMENTS[score <= 2 ? 'bad' : score === 3 ? 'meh' : 'good']);
    if (r.chance(0.5)) e.agent_id = room.agent!.id;
    this.out.push(askedAt + r.logn(8 * MIN, 1.3), e);
  }

  /** One to three customer messages from t; returns the time of the last. */
  private customerSays(room: Room, t: number): number {
    const n = this.rng.chance(0.35) ? 2 + this.rng.int(2) : 1;
    for (let i = 0; i < n; i++) {
      if (i) t += this.rng.logn(25 * SEC, 0.7);
      this.out.inbound(t, room);
    }
    return t;
  }
}
