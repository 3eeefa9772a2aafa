import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import * as gen from '../tools/demo.ts';
import { validateEvent } from '../ingest/validate.ts';

type Ev = Record<string, any>;
// The generators' events, typed loosely for reading fields in checks.
const generateAccountEvents = (o: Parameters<typeof gen.generateAccountEvents>[0]) => gen.generateAccountEvents(o) as Generator<Ev>;
const generateFleet = (o: Parameters<typeof gen.generateFleet>[0]) => gen.generateFleet(o) as Generator<Ev>;
const demoEvents = (seed: number, now: Date) => gen.demoEvents(seed, now) as Generator<Ev>;
const HOUR = 3_600_000, DAY = 24 * HOUR;
const NOW = new Date('2026-11-20T10:30:00+07:00');
const ms = (e: Ev) => Date.parse(e.occurred_at);
const text = (it: Iterable<Ev>) => Array.from(it, (e) => JSON.stringify(e)).join('\n');
const take = <T>(it: Iterable<T>, n: number) => {
  const out: T[] = [];
  for (const x of it) if (out.push(x) >= n) break;
  return out;
};
const fleetOpts = { seed: 7, accounts: 10, totalEvents: 120_000, from: new Date('2026-01-01T00:00:00+07:00'), to: new Date('2026-04-01T00:00:00+07:00') };

const demo = [...demoEvents(1, NOW)];

/** Per room: its events in order. */
function rooms(events: Ev[]): Map<string, Ev[]> {
  const m = new Map<string, Ev[]>();
  for (const e of events) if (e.room_id) (m.get(e.room_id) ?? m.set(e.room_id, []).get(e.room_id)!).push(e);
  return m;
}

describe('determinism', () => {
  it('same options give identical output, another seed different output', () => {
    const opts = { account: 'shop.id', seed: 3, from: new Date('2026-02-01T00:00:00+07:00'), to: new Date('2026-02-15T00:00:00+07:00'), roomsPerDay: 80 };
    expect(text(generateAccountEvents(opts))).toBe(text(generateAccountEvents(opts)));
    expect(text(generateAccountEvents(opts))).not.toBe(text(generateAccountEvents({ ...opts, seed: 4 })));
    expect(text(demo)).toBe(text(demoEvents(1, NOW)));
    expect(text(take(demoEvents(2, NOW), 5000))).not.toBe(text(demo.slice(0, 5000)));
    const small = { ...fleetOpts, totalEvents: 20_000 };
    expect(text(generateFleet(small))).toBe(text(generateFleet(small)));
    expect(text(generateFleet(small))).not.toBe(text(generateFleet({ ...small, seed: 8 })));
  });
});

describe('contract', () => {
  it('every event passes validateEvent, with +07:00 timestamps', () => {
    const samples = [
      demo,
      take(generateFleet(fleetOpts), 20_000),
      [...generateAccountEvents({ account: 'a_b-c.d', seed: 11, from: new Date('2026-12-20T00:00:00Z'), to: new Date('2027-01-10T00:00:00Z'), roomsPerDay: 150 })],
    ];
    for (const events of samples) {
      expect(events.length).toBeGreaterThan(5000);
      // Plain loops with one expect at the end: an expect per event would dominate the run time.
      const bad = events.filter((e) => validateEvent(JSON.parse(JSON.stringify(e))) !== null);
      expect(bad.slice(0, 3).map((e) => [e, validateEvent(e)])).toEqual([]);
      expect(events.filter((e) => !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+07:00$/.test(e.occurred_at))).toEqual([]);
    }
  });

  it('ids are unique per account and each account is in time order inside [from, to)', () => {
    const byAccount = new Map<string, Ev[]>();
    for (const e of generateFleet(fleetOpts)) (byAccount.get(e.account_id) ?? byAccount.set(e.account_id, []).get(e.account_id)!).push(e);
    byAccount.set('demo-co', demo);
    for (const [account, events] of byAccount) {
      expect(new Set(events.map((e) => e.id)).size, account).toBe(events.length);
      const from = account === 'demo-co' ? ms(demo[0]) : fleetOpts.from.getTime();
      const to = account === 'demo-co' ? NOW.getTime() : fleetOpts.to.getTime();
      const outOfOrder = events.filter((e, i) => ms(e) < (i ? ms(events[i - 1]) : from) || ms(e) >= to);
      expect(outOfOrder.slice(0, 3), account).toEqual([]);
    }
  });
});

describe('fleet', () => {
  it('totals within 1%, acct-01 has the biggest share, 0.2 by default', () => {
    for (const opts of [fleetOpts, { ...fleetOpts, accounts: 20, totalEvents: 200_000, from: new Date('2026-01-01T00:00:00+07:00'), to: new Date('2026-12-01T00:00:00+07:00') }]) {
      const counts = new Map<string, number>();
      for (const e of generateFleet(opts)) counts.set(e.account_id, (counts.get(e.account_id) ?? 0) + 1);
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      expect(Math.abs(total - opts.totalEvents) / opts.totalEvents).toBeLessThan(0.01);
      expect([...counts.keys()].sort()).toEqual(Array.from({ length: opts.accounts }, (_, i) => `acct-${String(i + 1).padStart(2, '0')}`));
      const first = counts.get('acct-01')!;
      expect(Math.abs(first / total - 0.2)).toBeLessThan(0.005);
      for (const [a, n] of counts) if (a !== 'acct-01') expect(n).toBeLessThan(first);
      // "The rest share the remainder unevenly": the second largest is at least twice the smallest.
      const rest = [...counts.values()].slice(1).sort((a, b) => b - a);
      expect(rest[0]).toBeGreaterThan(2 * rest.at(-1)!);
    }
    const counts = new Map<string, number>();
    for (const e of generateFleet({ ...fleetOpts, accounts: 5, totalEvents: 30_000, biggestShare: 0.5 })) counts.set(e.account_id, (counts.get(e.account_id) ?? 0) + 1);
    expect(Math.abs(counts.get('acct-01')! / 30_000 - 0.5)).toBeLessThan(0.01);
  });

  it('roomsPerDay sets the room rate', () => {
    // 4 whole weeks: 28 * roomsPerDay rooms expected; Poisson noise and day-to-day variation are a few percent.
    const events = [...generateAccountEvents({ account: 'x', seed: 5, from: new Date('2026-03-02T00:00:00+07:00'), to: new Date('2026-03-30T00:00:00+07:00'), roomsPerDay: 100 })];
    expect(rooms(events).size / 2800).toBeGreaterThan(0.9);
    expect(rooms(events).size / 2800).toBeLessThan(1.1);
  });
});

describe('demo-co is realistic', () => {
  const all = rooms(demo);
  const list = [...all.values()];
  const messages = demo.filter((e) => e.type === 'message');
  const of = (type: string) => demo.filter((e) => e.type === type);

  it('has 40-60k events over 91 days, in the demo account', () => {
    expect(demo.length).toBeGreaterThanOrEqual(40_000);
    expect(demo.length).toBeLessThanOrEqual(60_000);
    expect(new Set(demo.map((e) => e.account_id))).toEqual(new Set(['demo-co']));
    expect((NOW.getTime() - ms(demo[0])) / DAY).toBeGreaterThan(90);
    expect((NOW.getTime() - ms(demo[0])) / DAY).toBeLessThan(92);
  });

  it('follows the channel mix', () => {
    const mix: Record<string, number> = { whatsapp: 0.55, instagram: 0.15, facebook: 0.08, webchat: 0.08, email: 0.05, telegram: 0.04, line: 0.03, twitter: 0.02 };
    const channelOf = (r: Ev[]) => r.find((e) => e.channel)!.channel;
    for (const [ch, share] of Object.entries(mix)) {
      const got = list.filter((r) => channelOf(r) === ch).length / list.length;
      expect(Math.abs(got - share), ch).toBeLessThan(Math.max(0.01, share * 0.2));
    }
    const withChannel = demo.filter((e) => e.channel);
    const wa = withChannel.filter((e) => e.channel === 'whatsapp').length / withChannel.length;
    expect(wa).toBeGreaterThanOrEqual(0.4);
    expect(wa).toBeLessThanOrEqual(0.7);
    const phoneLike = (e: Ev) => /^628\d{9,11}$/.test(e.contact_id);
    expect(withChannel.filter((e) => phoneLike(e) !== (e.channel === 'whatsapp')).slice(0, 3)).toEqual([]);
  });

  it('peaks in Jakarta office hours and is lighter on nights and weekends', () => {
    const perHour = new Array(24).fill(0);
    let weekday = 0, weekend = 0;
    for (const r of list) {
      const local = new Date(ms(r[0]) + 7 * HOUR);
      const dow = local.getUTCDay();
      if (dow === 0 || dow === 6) weekend++;
      else {
        weekday++;
        perHour[local.getUTCHours()]++;
      }
    }
    const office = perHour.slice(8, 18).reduce((a, b) => a + b, 0) / 10;
    const night = perHour.slice(0, 6).reduce((a, b) => a + b, 0) / 6;
    expect(office).toBeGreaterThan(4 * night);
    expect(weekend / 2).toBeLessThan(0.8 * (weekday / 5)); // per day
  });

  it('opens rooms by inbound messages (most), broadcasts (many unanswered) and HSM', () => {
    const origins = new Map(of('room.opened').map((e) => [e.room_id, e.origin]));
    const firstMsg = (r: Ev[]) => r.find((e) => e.type === 'message');
    const inbound = list.filter((r) => r.some((e) => e.type === 'message' && e.direction === 'inbound'));
    expect(inbound.length / list.length).toBeGreaterThan(0.75);
    const byInbound = list.filter((r) => firstMsg(r)?.direction === 'inbound');
    expect(byInbound.length / list.length).toBeGreaterThan(0.6);
    const broadcast = list.filter((r) => firstMsg(r)?.sender === 'broadcast');
    expect(broadcast.length / list.length).toBeGreaterThan(0.05);
    for (const r of broadcast) {
      const m = firstMsg(r)!;
      expect([m.channel, m.template, typeof m.campaign_id]).toEqual(['whatsapp', true, 'string']);
    }
    const unanswered = broadcast.filter((r) => !r.some((e) => e.direction === 'inbound'));
    expect(unanswered.length / broadcast.length).toBeGreaterThan(0.4);
    const hsm = list.filter((r) => firstMsg(r)?.sender === 'agent' && firstMsg(r)?.template === true);
    expect(hsm.length).toBeGreaterThan(50);
    expect(new Set(origins.values())).toEqual(new Set(['inbound', 'broadcast', 'outbound']));
    // room.opened for most rooms, not all; when present it is the room's first event.
    expect(origins.size / list.length).toBeGreaterThan(0.7);
    expect(origins.size / list.length).toBeLessThan(0.97);
    expect(list.filter((r) => origins.has(r[0].room_id) && ms(r.find((e) => e.type === 'room.opened')!) !== ms(r[0])).length).toBe(0);
  });

  it('assigns rooms to 8-15 agents a few minutes after the start, sometimes re-assigns', () => {
    const assigned = list.filter((r) => r.some((e) => e.type === 'room.assigned'));
    const agents = new Set(of('room.assigned').map((e) => e.agent_id));
    expect(agents.size).toBeGreaterThanOrEqual(8);
    expect(agents.size).toBeLessThanOrEqual(15);
    expect(assigned.length / list.length).toBeGreaterThan(0.6);
    const delays = assigned.map((r) => ms(r.find((e) => e.type === 'room.assigned')!) - ms(r[0])).sort((a, b) => a - b);
    const median = delays[delays.length >> 1];
    expect(median).toBeGreaterThan(30_000);
    expect(median).toBeLessThan(30 * 60_000);
    expect(assigned.filter((r) => r.filter((e) => e.type === 'room.assigned').length > 1).length).toBeGreaterThan(10);
    // Agent messages carry agent_id; bots answer too.
    expect(messages.filter((m) => m.sender === 'agent' && typeof m.agent_id !== 'string').length).toBe(0);
    expect(messages.some((m) => m.sender === 'bot')).toBe(true);
  });

  it('has multi-message conversations, some past the 24h WhatsApp window', () => {
    const counts = list.map((r) => r.filter((e) => e.type === 'message').length).sort((a, b) => a - b);
    expect(counts[counts.length >> 1]).toBeGreaterThanOrEqual(3);
    const long = list.filter((r) => {
      const m = r.filter((e) => e.type === 'message' && e.channel === 'whatsapp');
      return m.some((e, i) => i > 0 && e.direction === 'inbound' && ms(e) - ms(m[i - 1]) > DAY);
    });
    expect(long.length).toBeGreaterThan(20);
  });

  it('resolves most rooms (some twice), asks CSAT after resolve, gets ~40% answers skewed high', () => {
    const resolved = list.filter((r) => r.some((e) => e.type === 'room.resolved'));
    expect(resolved.length / list.length).toBeGreaterThan(0.7);
    expect(resolved.filter((r) => r.filter((e) => e.type === 'room.resolved').length > 1).length).toBeGreaterThan(10);
    const requested = of('csat.requested');
    expect(requested.length / resolved.length).toBeGreaterThan(0.6);
    const early = requested.filter((q) => {
      const firstResolve = all.get(q.room_id)!.find((e) => e.type === 'room.resolved');
      return !firstResolve || ms(q) < ms(firstResolve);
    });
    expect(early.length).toBe(0);
    const submitted = of('csat.submitted');
    expect(submitted.length / requested.length).toBeGreaterThan(0.3);
    expect(submitted.length / requested.length).toBeLessThan(0.5);
    const scores = submitted.map((e) => e.score);
    expect(scores.every((s) => Number.isInteger(s) && s >= 1 && s <= 5)).toBe(true);
    expect(scores.reduce((a, b) => a + b, 0) / scores.length).toBeGreaterThan(3.8);
    expect(scores.filter((s) => s >= 4).length / scores.length).toBeGreaterThan(0.6);
    expect(new Set(scores).size).toBe(5);
    const comments = submitted.filter((e) => e.comment !== undefined).map((e) => e.comment as string);
    expect(comments.length / submitted.length).toBeGreaterThan(0.1);
    expect(comments.length / submitted.length).toBeLessThan(0.9);
    expect(comments.some((c) => /\p{Extended_Pictographic}/u.test(c))).toBe(true);
    expect(comments.some((c) => c.includes('"'))).toBe(true);
    expect(comments.some((c) => /terima kasih|banget|lama/i.test(c))).toBe(true); // Indonesian
    expect(comments.some((c) => /thanks|service|slow/i.test(c))).toBe(true); // English
  });

  it('has returning contacts', () => {
    const seen = new Set<string>();
    let returning = 0;
    for (const r of list) {
      const e = r.find((x) => x.contact_id)!;
      const k = `${e.channel}|${e.contact_id}`;
      if (seen.has(k)) returning++;
      seen.add(k);
    }
    expect(returning / list.length).toBeGreaterThan(0.2);
  });

  it('changes plan on the first day and once mid-period; tops up monthly; adjusts occasionally', () => {
    const plans = of('plan.changed');
    expect(plans).toHaveLength(2);
    expect(demo[0]).toMatchObject({ type: 'plan.changed', mcc_free_monthly: 1000, muv_free_monthly: 500, price_mcc_service: 275, price_mcc_initiated: 460, price_muv: 600, mcc_rollover: true, timezone: 'Asia/Jakarta' });
    expect(demo[0].occurred_at).toMatch(/T00:00:00\.000\+07:00$/);
    const [a, b] = plans;
    expect(ms(b) - ms(a)).toBeGreaterThan(20 * DAY);
    expect(NOW.getTime() - ms(b)).toBeGreaterThan(7 * DAY);
    expect(JSON.stringify({ ...b, id: 0, occurred_at: 0 })).not.toBe(JSON.stringify({ ...a, id: 0, occurred_at: 0 }));
    const topups = of('balance.topup');
    expect(topups.length).toBeGreaterThanOrEqual(3);
    expect(topups.length).toBeLessThanOrEqual(5);
    for (const t of topups) expect(Number.isInteger(t.amount) && t.amount > 0).toBe(true);
    const adjustments = of('balance.adjustment');
    expect(adjustments.length).toBeGreaterThanOrEqual(1);
    for (const t of adjustments) expect(Number.isInteger(t.amount) && t.amount !== 0 && t.reason.length > 0).toBe(true);
  });

  it('keeps the balance positive but shrinking (SPEC billing rules)', () => {
    const nowMs = NOW.getTime();
    const charges = specCharges(demo);
    const balance = (at: number) =>
      demo.filter((e) => e.type.startsWith('balance.') && ms(e) <= at).reduce((s, e) => s + e.amount, 0) -
      charges.filter((c) => c.t <= at).reduce((s, c) => s + c.amount, 0);
    expect(charges.length).toBeGreaterThan(100);
    expect(balance(nowMs)).toBeGreaterThan(0);
    expect(balance(nowMs)).toBeLessThan(balance(nowMs - 30 * DAY));
    expect(balance(nowMs - 30 * DAY)).toBeLessThan(balance(nowMs - 60 * DAY));
  });
});

describe('demo-cli', () => {
  it('writes gzip NDJSON and a summary line', () => {
    const file = path.join(os.tmpdir(), `demo-cli-${process.pid}.ndjson.gz`);
    const cli = path.join(import.meta.dirname, '../tools/demo-cli.ts');
    const tsx = path.join(import.meta.dirname, '../node_modules/.bin/tsx');
    const r = spawnSync(tsx, [cli, '--events', '3000', '--accounts', '3', '--seed', '2', '--out', file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^\d+ events, \d+ bytes \(\d+ gzipped\), [\d.]+ s, \d+ events\/s -> .+\n$/);
    const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').trimEnd().split('\n');
    fs.rmSync(file);
    expect(Math.abs(lines.length - 3000)).toBeLessThanOrEqual(30);
    expect(lines.join('\n')).toBe(text(generateFleet({ seed: 2, accounts: 3, totalEvents: 3000, from: new Date('2026-01-01T00:00:00+07:00'), to: new Date('2026-12-01T00:00:00+07:00') })));
  });
});

/**
 * Charges of SPEC.md "Billing", written out independently of the product code, for Asia/Jakarta:
 * MUV per month (quota of the plan at the month's start, price at first sight), MCC per WhatsApp
 * contact with 24 h conversations, service/initiated, free quota used in time order with rollover.
 */
function specCharges(events: Ev[]): Array<{ t: number; amount: number }> {
  const DEFAULT = { mcc_free_monthly: 0, muv_free_monthly: 0, price_mcc_service: 275, price_mcc_initiated: 460, price_muv: 600, mcc_rollover: true };
  const plans = events.filter((e) => e.type === 'plan.changed');
  const planAt = (t: number) => plans.filter((p) => ms(p) <= t).at(-1) ?? DEFAULT;
  const month = (t: number) => new Date(t + 7 * HOUR).toISOString().slice(0, 7);
  const monthStart = (m: string) => Date.parse(`${m}-01T00:00:00+07:00`);
  const order = (a: Ev, b: Ev) => ms(a) - ms(b) || (a.direction === 'inbound' ? 0 : 1) - (b.direction === 'inbound' ? 0 : 1) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const msgs = events.filter((e) => e.type === 'message').sort(order);
  const out: Array<{ t: number; amount: number }> = [];
  const visitors = new Map<string, number>(), seen = new Set<string>();
  for (const m of msgs) {
    if (m.direction !== 'inbound') continue;
    const t = ms(m), mo = month(t), key = `${mo}|${m.channel}|${m.contact_id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const n = (visitors.get(mo) ?? 0) + 1;
    visitors.set(mo, n);
    if (n > planAt(monthStart(mo)).muv_free_monthly) out.push({ t, amount: planAt(t).price_muv });
  }
  const lastIn = new Map<string, number>(), openUntil = new Map<string, number>();
  const used = new Map<string, number>(), carried = new Map<string, number>();
  const quotaLeft = (mo: string): number => {
    if (!carried.has(mo)) {
      const prev = month(monthStart(mo) - DAY);
      const first = month(ms(events[0]));
      const inPrev = mo > first ? Math.max(0, planAt(monthStart(prev)).mcc_free_monthly + quotaCarried(prev) - (used.get(prev) ?? 0)) : 0;
      carried.set(mo, mo > first && planAt(monthStart(prev)).mcc_rollover ? inPrev : 0);
    }
    return planAt(monthStart(mo)).mcc_free_monthly + carried.get(mo)! - (used.get(mo) ?? 0);
  };
  const quotaCarried = (mo: string) => (quotaLeft(mo), carried.get(mo)!);
  for (const m of msgs) {
    if (m.channel !== 'whatsapp') continue;
    const t = ms(m), c = m.contact_id;
    if (m.direction === 'inbound') {
      lastIn.set(c, t);
      continue;
    }
    if ((openUntil.get(c) ?? -Infinity) > t) continue;
    openUntil.set(c, t + DAY);
    const initiated = m.template === true || m.sender === 'broadcast' || !(t - (lastIn.get(c) ?? -Infinity) <= DAY);
    const mo = month(t);
    if (quotaLeft(mo) > 0) used.set(mo, (used.get(mo) ?? 0) + 1);
    else out.push({ t, amount: initiated ? planAt(t).price_mcc_initiated : planAt(t).price_mcc_service });
  }
  return out;
}
