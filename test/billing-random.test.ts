import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, postNdjson, startServer, type TestServer } from './helpers.ts';

/**
 * Seeded random event logs, billed by the product (real chDB, through HTTP) and by a
 * second, deliberately plain implementation below, written from SPEC.md "Billing" with
 * loops and no code shared with the product. Every usage number, every conversation and
 * visitor charge, and the balance at many instants must agree exactly. The log arrives
 * shuffled, in slices with reads in between (so late events land on derived state), and
 * then all over again (all duplicates): the numbers must not move.
 */

// ---------------------------------------------------------------- the log

type Ev = Record<string, unknown> & { id: string; type: string; account_id: string; occurred_at: string };

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Fixed UTC offsets of the zones used here (no DST), hours. */
const OFFSET_H: Record<string, number> = { 'Asia/Jakarta': 7, 'Asia/Makassar': 8 };
const DEFAULT_PLAN = { mcc_free_monthly: 0, muv_free_monthly: 0, price_mcc_service: 275, price_mcc_initiated: 460, price_muv: 600, mcc_rollover: true, timezone: 'Asia/Jakarta' };

function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)] };
}

/** Jakarta midnight of the 1st of month (y, m 1-12), ms. */
const jktMonth = (y: number, m: number) => Date.UTC(y, m - 1, 1) - 7 * HOUR;

/** An RFC 3339 text for ms, with Z or +07:00 (both must be read the same). */
function rfc(ms: number, plus7: boolean): string {
  if (!plus7) return new Date(ms).toISOString();
  return new Date(ms + 7 * HOUR).toISOString().replace('Z', '+07:00');
}

interface AccountSpec {
  name: string;
  plans: number; // how many plan.changed
  tzSwitch?: boolean; // the latest plan is in Asia/Makassar
  emptyMonth?: [number, number]; // a month (Jakarta) without any message
  earlyFirstEvent?: boolean; // first event is a room.assigned months before any message
  monthlyPlans?: boolean; // a plan at every month start, rollover flipping, quotas often left over
}

function generate(seed: number, spec: AccountSpec): Ev[] {
  const r = rng(seed);
  const evs: Ev[] = [];
  let n = 0;
  const add = (type: string, ms: number, fields: Record<string, unknown>) => {
    evs.push({ id: `${spec.name}-${type[0]}${String(n++).padStart(4, '0')}`, type, account_id: spec.name, occurred_at: rfc(ms, r.next() < 0.5), ...fields });
  };
  const lo = jktMonth(2026, 6);
  const hi = jktMonth(2027, 1);
  const inEmpty = (ms: number) => spec.emptyMonth !== undefined && ms >= jktMonth(...spec.emptyMonth) && ms < jktMonth(spec.emptyMonth[0], spec.emptyMonth[1] + 1);
  const when = () => {
    for (;;) {
      const ms = lo + Math.floor(r.next() * (hi - lo));
      if (!inEmpty(ms)) return ms;
    }
  };
  const wa = Array.from({ length: 10 }, (_, i) => `62811${spec.name.length}${i}`);
  const others: Array<[string, string]> = [
    ['instagram', 'ig_a'],
    ['instagram', 'ig_b'],
    ['webchat', 'wc_a'],
    ['telegram', 'tg_a'],
    ['webchat', 'wc_b'],
  ];
  const room = () => `room${r.int(1, 40)}`;
  const msg = (ms: number, channel: string, contact: string, dir: 'inbound' | 'outbound', extra: Record<string, unknown> = {}) => {
    if (inEmpty(ms)) return;
    const f: Record<string, unknown> = { room_id: room(), channel, contact_id: contact, direction: dir };
    if (dir === 'outbound') {
      const sender = (extra.sender as string) ?? r.pick(['agent', 'agent', 'bot', 'system']);
      f.sender = sender;
      if (sender === 'agent') f.agent_id = 'ag1';
      if (r.next() < 0.15) f.template = true;
    }
    add('message', ms, { ...f, ...extra });
  };

  if (spec.earlyFirstEvent) add('room.assigned', jktMonth(2026, 3) + 5 * DAY, { room_id: 'r0', agent_id: 'ag1' });
  // Plans: some exactly at a month start (in force for that month), some mid-month.
  const planTimes = Array.from({ length: spec.plans }, () => (r.next() < 0.4 ? jktMonth(2026, r.int(6, 12)) : when()));
  if (spec.plans > 0 && !spec.earlyFirstEvent) planTimes[0] = lo - r.int(0, 3) * DAY;
  if (spec.monthlyPlans) for (let m = 6; m <= 12; m++) planTimes.push(jktMonth(2026, m) + (m % 3 === 0 ? 0 : r.int(1, 20) * DAY));
  planTimes.sort((a, b) => a - b);
  planTimes.forEach((ms, i) => {
    const last = i === planTimes.length - 1;
    add('plan.changed', ms, {
      mcc_free_monthly: spec.monthlyPlans ? r.int(4, 16) : r.int(0, 6),
      muv_free_monthly: r.int(0, 4),
      price_mcc_service: r.int(1, 9) * 100,
      price_mcc_initiated: r.int(1, 9) * 100 + 60,
      price_muv: r.int(1, 9) * 100 + 5,
      mcc_rollover: spec.monthlyPlans ? i % 2 === 0 : r.next() < 0.6,
      ...(spec.tzSwitch && last ? { timezone: 'Asia/Makassar' } : r.next() < 0.5 ? { timezone: 'Asia/Jakarta' } : {}),
    });
  });
  // Around each plan change, in the same hour: visitors and conversations just before,
  // exactly at (the new plan is in force) and just after it.
  planTimes.forEach((p, i) => {
    msg(p - 60_000, 'webchat', `edge${i}a`, 'inbound');
    msg(p + 60_000, 'webchat', `edge${i}b`, 'inbound');
    msg(p - 1, 'whatsapp', `6299${i}1`, 'outbound', { sender: 'agent', agent_id: 'ag1', template: true });
    msg(p, 'whatsapp', `6299${i}2`, 'outbound', { sender: 'agent', agent_id: 'ag1', template: true });
  });
  // Money
  for (let i = 0; i < r.int(2, 5); i++) add('balance.topup', when(), { amount: r.int(1, 50) * 1000, reference: `INV-${i}` });
  for (let i = 0; i < r.int(1, 3); i++) add('balance.adjustment', when(), { amount: (r.next() < 0.5 ? -1 : 1) * r.int(1, 30) * 100, reason: 'correction' });
  // WhatsApp sessions of many shapes
  for (let s = 0; s < 45; s++) {
    const c = r.pick(wa);
    const t = when();
    switch (r.int(0, 8)) {
      case 0: // customer writes, agent answers (service)
        msg(t, 'whatsapp', c, 'inbound');
        for (let k = 1; k <= r.int(1, 3); k++) msg(t + k * r.int(1, 40) * 60_000, 'whatsapp', c, 'outbound');
        break;
      case 1: // broadcast, maybe answered
        msg(t, 'whatsapp', c, 'outbound', { sender: 'broadcast', template: true, campaign_id: 'camp' });
        if (r.next() < 0.5) msg(t + 3 * 60_000, 'whatsapp', c, 'inbound');
        break;
      case 2: // outbound exactly 24 h apart, and 1 ms before 48 h
        msg(t, 'whatsapp', c, 'outbound');
        msg(t + DAY, 'whatsapp', c, 'outbound');
        msg(t + 2 * DAY - 1, 'whatsapp', c, 'outbound');
        break;
      case 3: // inbound exactly 24 h before the reply (still service), and 24 h + 1 ms (initiated)
        msg(t, 'whatsapp', c, 'inbound');
        msg(t + DAY, 'whatsapp', c, 'outbound', { sender: 'agent', agent_id: 'ag1', template: false });
        msg(t + 3 * DAY, 'whatsapp', c, 'inbound');
        msg(t + 4 * DAY + 1, 'whatsapp', c, 'outbound', { sender: 'agent', agent_id: 'ag1', template: false });
        break;
      case 4: // inbound and outbound at the same instant: inbound first, though the outbound's id is smaller
        msg(t, 'whatsapp', c, 'outbound', { sender: 'bot', template: false });
        msg(t, 'whatsapp', c, 'inbound');
        break;
      case 5: // two outbound at one instant: the smaller id opens (and sets the category)
        msg(t, 'whatsapp', c, 'outbound', { sender: 'agent', agent_id: 'ag1', template: r.next() < 0.5 });
        msg(t, 'whatsapp', c, 'outbound', { sender: 'agent', agent_id: 'ag1', template: r.next() < 0.5 });
        break;
      case 6: {
        // around a Jakarta month boundary (and a Makassar one, an hour earlier)
        const b = jktMonth(2026, r.int(7, 12)) - r.pick([0, HOUR]);
        msg(b - r.pick([1, 60_000, 2 * HOUR]), 'whatsapp', c, 'inbound');
        msg(b + r.pick([0, 1, 10 * 60_000]), 'whatsapp', c, 'outbound');
        msg(b + r.pick([-1, 0, 1]), 'whatsapp', c, 'inbound');
        break;
      }
      case 7: // HSM to a silent contact
        msg(t, 'whatsapp', c, 'outbound', { sender: 'agent', agent_id: 'ag1', template: true });
        break;
      default: // a long chat: messages every 5 h for two days
        for (let k = 0; k < 10; k++) msg(t + k * 5 * HOUR, 'whatsapp', c, r.next() < 0.5 ? 'inbound' : 'outbound');
    }
  }
  // Other channels: visitors only
  for (let s = 0; s < 30; s++) {
    const [ch, c] = r.pick(others);
    const t = r.next() < 0.2 ? jktMonth(2026, r.int(7, 12)) + r.pick([-1, 0, 1]) : when();
    msg(t, ch, c, r.next() < 0.7 ? 'inbound' : 'outbound');
  }
  // Some events billing ignores
  for (let s = 0; s < 10; s++) add('room.opened', when(), { room_id: room(), channel: 'whatsapp', contact_id: r.pick(wa), origin: 'inbound' });
  return evs;
}

// ---------------------------------------------------------------- the reference

const ms = (e: Ev) => Date.parse(e.occurred_at);
type Timed = Ev & { t: number };
const timed = (e: Ev): Timed => ({ ...e, t: ms(e) });
const byTimeThenId = (a: { t: number; id: string }, b: { t: number; id: string }) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

interface RefItem {
  t: number;
  id: string;
  category: 'service' | 'initiated' | 'visitor';
  /** why a conversation is of its category (the API's reason_code); '' for visitors */
  why: string;
  free: boolean;
  charge: number;
}

/** SPEC.md "Billing", the plain way. */
function reference(all: Ev[], account: string) {
  const evs = all.filter((e) => e.account_id === account);
  const plans = evs.filter((e) => e.type === 'plan.changed').map(timed).sort(byTimeThenId);
  const tz = plans.length ? ((plans[plans.length - 1].timezone as string) ?? 'Asia/Jakarta') : 'Asia/Jakarta';
  const off = OFFSET_H[tz] * HOUR;
  const monthOf = (t: number) => new Date(t + off).toISOString().slice(0, 7);
  const monthStart = (m: string) => Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1, 1) - off;
  const nextMonth = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 1)).toISOString().slice(0, 7);
  const planAt = (t: number) => {
    let p: Record<string, unknown> = DEFAULT_PLAN;
    for (const x of plans) if (x.t <= t) p = x;
    return p as typeof DEFAULT_PLAN;
  };

  // Conversations: per WhatsApp contact, messages in order (time, inbound first, id).
  const messages = evs.filter((e) => e.type === 'message').map(timed);
  const conversations: Array<{ t: number; id: string; category: 'service' | 'initiated'; why: string }> = [];
  const contacts = [...new Set(messages.filter((m) => m.channel === 'whatsapp').map((m) => m.contact_id as string))];
  for (const c of contacts) {
    const list = messages.filter((m) => m.channel === 'whatsapp' && m.contact_id === c);
    list.sort((a, b) => a.t - b.t || (a.direction === b.direction ? 0 : a.direction === 'inbound' ? -1 : 1) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    let openedAt = -Infinity;
    let lastInbound = -Infinity;
    for (const m of list) {
      if (m.direction === 'inbound') {
        lastInbound = m.t;
        continue;
      }
      if (m.t < openedAt + DAY) continue; // inside the open conversation
      openedAt = m.t;
      const forced = m.template === true || m.sender === 'broadcast';
      const why = forced ? 'template' : lastInbound >= m.t - DAY ? 'contact_wrote' : 'no_recent_message';
      conversations.push({ t: m.t, id: m.id, category: why === 'contact_wrote' ? 'service' : 'initiated', why });
    }
  }
  // Visitors: first inbound message per (channel, contact) per month.
  const visitors: Array<{ t: number; id: string; month: string }> = [];
  const seen = new Set<string>();
  for (const m of messages.filter((x) => x.direction === 'inbound').sort(byTimeThenId)) {
    const key = `${m.channel}|${m.contact_id}|${monthOf(m.t)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    visitors.push({ t: m.t, id: m.id, month: monthOf(m.t) });
  }

  // Months from the first event's, carrying the MCC quota.
  const first = monthOf(Math.min(...evs.map(ms)));
  const usage = new Map<string, ReturnType<typeof monthUsage>>();
  const items = new Map<string, { conversations: RefItem[]; visitors: RefItem[] }>();
  let carry = 0;
  function monthUsage(m: string, carriedIn: number) {
    const plan = planAt(monthStart(m));
    const conv = conversations.filter((c) => monthOf(c.t) === m).sort(byTimeThenId);
    const vis = visitors.filter((v) => v.month === m).sort(byTimeThenId);
    const available = plan.mcc_free_monthly + carriedIn;
    const convItems: RefItem[] = conv.map((c, i) => {
      const price = c.category === 'service' ? planAt(c.t).price_mcc_service : planAt(c.t).price_mcc_initiated;
      return { t: c.t, id: c.id, category: c.category, why: c.why, free: i < available, charge: i < available ? 0 : price };
    });
    const visItems: RefItem[] = vis.map((v, i) => ({ t: v.t, id: v.id, category: 'visitor', why: '', free: i < plan.muv_free_monthly, charge: i < plan.muv_free_monthly ? 0 : planAt(v.t).price_muv }));
    const freeUsed = Math.min(conv.length, available);
    const sum = (xs: RefItem[], cat: string) => xs.filter((x) => x.category === cat).reduce((a, x) => a + x.charge, 0);
    const billable = (xs: RefItem[], cat: string) => xs.filter((x) => x.category === cat && !x.free).length;
    items.set(m, { conversations: convItems, visitors: visItems });
    return {
      month: m,
      mcc: {
        service: conv.filter((c) => c.category === 'service').length,
        initiated: conv.filter((c) => c.category === 'initiated').length,
        total: conv.length,
        free_quota: plan.mcc_free_monthly,
        carried_in: carriedIn,
        free_used: freeUsed,
        billable_service: billable(convItems, 'service'),
        billable_initiated: billable(convItems, 'initiated'),
        remaining_quota: available - freeUsed,
      },
      muv: {
        count: vis.length,
        free_quota: plan.muv_free_monthly,
        billable: Math.max(0, vis.length - plan.muv_free_monthly),
        remaining_quota: Math.max(0, plan.muv_free_monthly - vis.length),
      },
      charges: {
        mcc_service: sum(convItems, 'service'),
        mcc_initiated: sum(convItems, 'initiated'),
        muv: sum(visItems, 'visitor'),
        total: sum(convItems, 'service') + sum(convItems, 'initiated') + sum(visItems, 'visitor'),
      },
      rollover: plan.mcc_rollover,
    };
  }
  const last = '2027-02';
  for (let m = '2026-01'; m <= last; m = nextMonth(m)) {
    if (m < first) {
      const u = monthUsage(m, 0);
      usage.set(m, u);
      continue;
    }
    const u = monthUsage(m, m === first ? 0 : carry);
    usage.set(m, u);
    carry = u.rollover ? u.mcc.free_quota + u.mcc.carried_in - u.mcc.free_used : 0;
  }
  const charges = [...items.values()].flatMap((x) => [...x.conversations, ...x.visitors]).filter((x) => !x.free);
  const money = evs.filter((e) => e.type === 'balance.topup' || e.type === 'balance.adjustment').map((e) => ({ t: ms(e), type: e.type, amount: e.amount as number }));
  const balance = (T: number) => {
    let topups = 0;
    let adjustments = 0;
    let charged = 0;
    let week = 0;
    for (const x of money) {
      if (x.t > T) continue;
      if (x.type === 'balance.topup') topups += x.amount;
      else adjustments += x.amount;
    }
    for (const c of charges) {
      if (c.t <= T) charged += c.charge;
      if (c.t <= T && c.t > T - 7 * DAY) week += c.charge;
    }
    return { balance: topups + adjustments - charged, topups, adjustments, charges: charged, week };
  };
  return { tz, first, monthStart, monthOf, usage, items, charges, balance };
}

// ---------------------------------------------------------------- the comparison

const SPECS: AccountSpec[] = [
  { name: 'ra', plans: 4 },
  { name: 'rb', plans: 0, emptyMonth: [2026, 9] },
  { name: 'rc', plans: 3, emptyMonth: [2026, 8], earlyFirstEvent: true },
  { name: 'rd', plans: 3, tzSwitch: true },
  { name: 're', plans: 2 },
  { name: 'rf', plans: 1, monthlyPlans: true },
];
const MONTHS = ['2026-02', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12', '2027-01'];

let s: TestServer;
const log: Ev[] = SPECS.flatMap((spec, i) => generate(1000 + i, spec));
const refs = new Map(SPECS.map((spec) => [spec.name, reference(log, spec.name)]));

const get = async (url: string) => {
  const r = await s.app.inject({ method: 'GET', url, headers: bearer(s.adminKey) });
  expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
  return r.json();
};

function shuffled<T>(xs: T[], seed: number): T[] {
  const r = rng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

beforeAll(async () => {
  s = await startServer();
  // Shuffled, in four slices; a read of every account after each slice, so that later
  // slices arrive late into an already derived state (re-derivation, not first build).
  const order = shuffled(log, 42);
  const slice = Math.ceil(order.length / 4);
  for (let i = 0; i < 4; i++) {
    const r = await postNdjson(s.app, s.adminKey, order.slice(i * slice, (i + 1) * slice).map((e) => JSON.stringify(e)).join('\n'));
    expect(r.json()).toMatchObject({ rejected: 0, duplicates: 0 });
    for (const spec of SPECS) await get(`/api/v1/accounts/${spec.name}/billing/usage?month=2026-10`);
  }
}, 300_000);
afterAll(async () => s?.close());

describe('billing against a plain reference implementation', () => {
  test('the generated logs exercise the rules', () => {
    let service = 0;
    let initiated = 0;
    let freeAndCharged = 0;
    for (const ref of refs.values()) {
      for (const u of ref.usage.values()) {
        service += u.mcc.service;
        initiated += u.mcc.initiated;
        if (u.mcc.free_used > 0 && u.mcc.billable_service + u.mcc.billable_initiated > 0) freeAndCharged++;
      }
    }
    expect(log.length).toBeGreaterThan(700);
    expect(service).toBeGreaterThan(20);
    expect(initiated).toBeGreaterThan(20);
    expect(freeAndCharged).toBeGreaterThan(3);
    expect(refs.get('rd')!.tz).toBe('Asia/Makassar');
    // months that leave quota over under one rollover setting while the next month has the other
    const rf = [...refs.get('rf')!.usage.values()];
    const flips = rf.filter((u, i) => i + 1 < rf.length && u.mcc.remaining_quota > 0 && u.rollover !== rf[i + 1].rollover).length;
    expect(flips).toBeGreaterThan(0);
    expect(refs.get('rc')!.first).toBe('2026-03');
    expect([...refs.get('rb')!.usage.values()].find((u) => u.month === '2026-09')!.mcc.total).toBe(0);
  });

  for (const spec of SPECS) {
    test(`${spec.name}: statement = reference, month by month`, async () => {
      const ref = refs.get(spec.name)!;
      const st = await get(`/api/v1/accounts/${spec.name}/billing/statement?from=${MONTHS[0]}&to=${MONTHS[MONTHS.length - 1]}`);
      expect(st.first_month).toBe(ref.first);
      for (const m of st.months) {
        const { rollover: _r, ...want } = ref.usage.get(m.month)!;
        expect({ month: m.month, mcc: m.mcc, muv: m.muv, charges: m.charges }, m.month).toEqual(want);
        const opening = ref.balance(ref.monthStart(m.month) - 1);
        expect(m.opening_balance, `${m.month} opening`).toBe(opening.balance);
      }
    });

    test(`${spec.name}: usage endpoint = reference`, async () => {
      const ref = refs.get(spec.name)!;
      for (const m of ['2026-06', '2026-08', '2026-10', '2026-12']) {
        const { rollover: _r, ...want } = ref.usage.get(m)!;
        expect(await get(`/api/v1/accounts/${spec.name}/billing/usage?month=${m}`), m).toEqual(want);
      }
    });

    test(`${spec.name}: every conversation and visitor, free or charged, = reference`, async () => {
      const ref = refs.get(spec.name)!;
      for (const m of ['2026-07', '2026-10', '2026-12']) {
        const want = ref.items.get(m)!;
        const c = await get(`/api/v1/accounts/${spec.name}/billing/conversations?month=${m}`);
        expect(
          c.conversations.map((x: { message_id: string; category: string; reason_code: string; free: boolean; charge: number }) => [x.message_id, x.category, x.reason_code, x.free, x.charge]),
          `${m} conversations`,
        ).toEqual(want.conversations.map((x) => [x.id, x.category, x.why, x.free, x.charge]));
        const v = await get(`/api/v1/accounts/${spec.name}/billing/visitors?month=${m}`);
        expect(v.visitors.map((x: { message_id: string; free: boolean; charge: number }) => [x.message_id, x.free, x.charge]), `${m} visitors`).toEqual(
          want.visitors.map((x) => [x.id, x.free, x.charge]),
        );
      }
    });

    test(`${spec.name}: balance at many instants = reference`, async () => {
      const ref = refs.get(spec.name)!;
      const r = rng(7);
      const charged = ref.charges.map((c) => c.t);
      const times = [
        ...Array.from({ length: 4 }, () => jktMonth(2026, 6) + Math.floor(r.next() * 240 * DAY)),
        ...[charged[0], charged[Math.floor(charged.length / 2)], charged[charged.length - 1]].flatMap((t) => [t - 1, t]),
        ref.monthStart('2026-11') - 1,
        ref.monthStart('2026-11'),
      ];
      for (const T of times) {
        const want = ref.balance(T);
        const b = await get(`/api/v1/accounts/${spec.name}/billing/balance?at=${encodeURIComponent(new Date(T).toISOString())}`);
        expect({ balance: b.balance, topups: b.topups, adjustments: b.adjustments, charges: b.charges, week: b.projection.charges_7d }, new Date(T).toISOString()).toEqual(want);
        expect(b.projection.daily_spend).toBeCloseTo(want.week / 7, 9);
        if (want.balance <= 0) expect(b.projection.zero_on).toBe(new Date(T + OFFSET_H[ref.tz] * HOUR).toISOString().slice(0, 10));
        else if (want.week === 0) expect(b.projection.zero_on).toBe(null);
      }
    });
  }

  test('the whole log again, reshuffled: all duplicates, and not one number moves', async () => {
    const before = await Promise.all(SPECS.map((spec) => get(`/api/v1/accounts/${spec.name}/billing/statement?from=2026-01&to=2027-01`)));
    const r = await postNdjson(s.app, s.adminKey, shuffled(log, 99).map((e) => JSON.stringify(e)).join('\n'));
    expect(r.json()).toMatchObject({ accepted: 0, duplicates: log.length, rejected: 0 });
    const after = await Promise.all(SPECS.map((spec) => get(`/api/v1/accounts/${spec.name}/billing/statement?from=2026-01&to=2027-01`)));
    expect(after).toEqual(before);
  });

  test('a raw row stored twice (bypassing the dedup) changes no number', async () => {
    const spec = SPECS[0];
    const before = await get(`/api/v1/accounts/${spec.name}/billing/statement?from=2026-01&to=2027-01`);
    // Copy every row of the account once more straight into the store, as a race
    // between two writers would; the views copy them into the billing tables too.
    await s.db.command('INSERT INTO events SELECT * FROM events WHERE account_id = {a:String}', { a: spec.name });
    const after = await get(`/api/v1/accounts/${spec.name}/billing/statement?from=2026-01&to=2027-01`);
    expect(after).toEqual(before);
  });
});
