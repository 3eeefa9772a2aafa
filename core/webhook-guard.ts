import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/**
 * Webhooks go only to public addresses: an account's webhook URL must not make the server
 * a proxy into its own network (loopback, private ranges, cloud metadata, ...) nor a port
 * scanner. Checked when a URL is saved (the host resolved) and again on every connection
 * (the address the socket is about to use), so a name that later resolves inward
 * (DNS rebinding) is refused too. Redirects are never followed.
 *
 * An operator allows exceptions with WEBHOOK_ALLOW: host names (exact, case-insensitive)
 * and addresses or CIDR ranges (IPv4 or IPv6), comma-separated.
 *
 * What a delivery records is one of three words (`Outcome`), never the receiver's status
 * or the network error, which would tell an account what listens where.
 */

export type Outcome = 'delivered' | 'refused' | 'failed';

interface Net {
  bytes: Uint8Array;
  bits: number;
}

export interface WebhookAllow {
  names: Set<string>;
  nets: Net[];
}

/** 4 or 16 bytes of an address (IPv6 with an embedded dotted quad too), or null. */
function toBytes(ip: string): Uint8Array | null {
  const kind = net.isIP(ip);
  if (kind === 4) return Uint8Array.from(ip.split('.').map(Number));
  if (kind !== 6) return null;
  let s = ip;
  const quad = s.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (quad) {
    const b = quad[1].split('.').map(Number);
    s = s.slice(0, -quad[1].length) + `${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const part = (x: string | undefined) => (x ? x.split(':') : []);
  const h = part(head);
  const t = part(tail);
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

function parseNet(cidr: string): Net | null {
  const [addr, len, extra] = cidr.split('/');
  const bytes = extra === undefined ? toBytes(addr) : null;
  if (!bytes) return null;
  const bits = len === undefined ? bytes.length * 8 : Number(len);
  if (!/^\d+$/.test(len ?? '0') || bits > bytes.length * 8) return null;
  return { bytes, bits };
}

function inNet(a: Uint8Array, n: Net): boolean {
  if (a.length !== n.bytes.length) return false;
  for (let i = 0; i < n.bits; i++) {
    const bit = 0x80 >> (i % 8);
    if ((a[i >> 3] & bit) !== (n.bytes[i >> 3] & bit)) return false;
  }
  return true;
}

const table = (rows: Array<[string, string]>) => rows.map(([cidr, what]) => ({ net: parseNet(cidr)!, what }));

// Not reachable for webhooks. The specific entries (metadata) come before the ranges holding them.
const V4 = table([
  ['0.0.0.0/8', 'an unspecified address'],
  ['10.0.0.0/8', 'a private address'],
  ['100.64.0.0/10', 'a shared (CGNAT) address'],
  ['127.0.0.0/8', 'a loopback address'],
  ['169.254.169.254/32', 'a cloud metadata address'],
  ['169.254.0.0/16', 'a link-local address'],
  ['172.16.0.0/12', 'a private address'],
  ['192.0.0.0/24', 'a reserved address'],
  ['192.0.2.0/24', 'a documentation address'],
  ['192.88.99.0/24', 'a reserved address'],
  ['192.168.0.0/16', 'a private address'],
  ['198.18.0.0/15', 'a reserved address'],
  ['198.51.100.0/24', 'a documentation address'],
  ['203.0.113.0/24', 'a documentation address'],
  ['224.0.0.0/4', 'a multicast address'],
  ['255.255.255.255/32', 'the broadcast address'],
  ['240.0.0.0/4', 'a reserved address'],
]);
const V6 = table([
  ['::/128', 'an unspecified address'],
  ['::1/128', 'a loopback address'],
  ['::/96', 'a reserved address'],
  ['fd00:ec2::254/128', 'a cloud metadata address'],
  ['fc00::/7', 'a unique-local address'],
  ['fe80::/10', 'a link-local address'],
  ['fec0::/10', 'a site-local address'],
  ['ff00::/8', 'a multicast address'],
  ['64:ff9b:1::/48', 'a reserved address'],
  ['100::/64', 'a reserved address'],
  ['2001:db8::/32', 'a documentation address'],
  ['2001::/23', 'a reserved address'],
  ['2002::/16', 'a reserved address'],
]);
const MAPPED = parseNet('::ffff:0:0/96')!;
const NAT64 = parseNet('64:ff9b::/96')!;
const GLOBAL6 = parseNet('2000::/3')!;

/** Why webhooks may not reach this address (a phrase), or null when they may. */
export function addressError(ip: string, allow: WebhookAllow = NONE): string | null {
  let a = toBytes(ip.replace(/^\[|\]$/g, ''));
  if (!a) return 'not an address';
  // IPv4-mapped and NAT64 addresses reach the IPv4 address they carry
  if (a.length === 16 && (inNet(a, MAPPED) || inNet(a, NAT64))) a = a.slice(12);
  if (allow.nets.some((n) => inNet(a, n))) return null;
  const hit = (a.length === 4 ? V4 : V6).find((r) => inNet(a, r.net));
  if (hit) return hit.what;
  if (a.length === 16 && !inNet(a, GLOBAL6)) return 'a reserved address';
  return null;
}

const NONE: WebhookAllow = { names: new Set(), nets: [] };
const parsed = new WeakMap<readonly string[], WebhookAllow>();

/** WEBHOOK_ALLOW's entries: addresses and CIDRs are ranges, anything else a host name. */
export function parseAllow(entries: readonly string[] = []): WebhookAllow {
  let p = parsed.get(entries);
  if (!p) {
    p = { names: new Set(), nets: [] };
    for (const e of entries.map((x) => x.trim().toLowerCase()).filter(Boolean)) {
      const n = parseNet(e.replace(/^\[|\]$/g, ''));
      if (n) p.nets.push(n);
      else p.names.add(e.replace(/\.$/, ''));
    }
    parsed.set(entries, p);
  }
  return p;
}

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '');
const allowedName = (hostname: string, allow: WebhookAllow) => allow.names.has(hostname.toLowerCase().replace(/\.$/, ''));

/** What is wrong with a webhook URL without resolving it (scheme, address literals), or null. */
export function urlError(url: string, allow: WebhookAllow = NONE): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http or https URL';
  const host = bare(u.hostname);
  if (!host) return 'has no host';
  if (allowedName(host, allow)) return null;
  if (net.isIP(host)) {
    const why = addressError(host, allow);
    if (why) return `must not point at ${why}`;
  }
  return null;
}

/** Longest wait for the name's resolution when a URL is saved, ms. */
const SAVE_LOOKUP_MS = 5_000;

/**
 * urlError, and the host's addresses: refused when any of them is not reachable. A name
 * that does not resolve now is accepted (every delivery checks again at connect time).
 */
export async function webhookUrlError(url: string, allow: WebhookAllow = NONE): Promise<string | null> {
  const bad = urlError(url, allow);
  if (bad) return bad;
  const host = bare(new URL(url).hostname);
  if (net.isIP(host) || allowedName(host, allow)) return null;
  let timer: NodeJS.Timeout | undefined;
  const addrs = await Promise.race([
    dns.promises.lookup(host, { all: true, verbatim: true }).catch(() => []),
    new Promise<[]>((r) => (timer = setTimeout(() => r([]), SAVE_LOOKUP_MS).unref())),
  ]).finally(() => clearTimeout(timer));
  for (const a of addrs) {
    const why = addressError(a.address, allow);
    if (why) return `must not point at ${why} (its host resolves to one)`;
  }
  return null;
}

const REFUSED = 'EWEBHOOKREFUSED';

/** dns.lookup for the socket, failing when any address of the name is not reachable. */
function guardedLookup(allow: WebhookAllow): net.LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, cb: (err: NodeJS.ErrnoException | null, address?: string | dns.LookupAddress[], family?: number) => void) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addrs) => {
      if (err) return cb(err);
      if (!addrs.length || addrs.some((a) => addressError(a.address, allow))) {
        return cb(Object.assign(new Error(`${hostname} resolves to an address webhooks may not reach`), { code: REFUSED }));
      }
      if (options.all) cb(null, addrs);
      else cb(null, addrs[0].address, addrs[0].family);
    });
  }) as net.LookupFunction;
}

export interface PostResult {
  outcome: Outcome;
  /** The receiver's HTTP status, 0 without an answer (for logs and the delivered case only). */
  status: number;
  /** Worth another attempt: no answer, a timeout, 408, 429 or a 5xx. */
  retryable: boolean;
  /** What happened, for the server's log; never stored or shown to the account. */
  detail: string;
}

/**
 * One POST of a webhook through node's http(s) client (no redirect following, no
 * connection reuse), the address checked first for literals and at connect time for
 * names. A 2xx delivers; a 3xx or any other answer fails.
 */
export function postWebhook(url: string, o: { headers: Record<string, string>; body: string; timeoutMs: number; allow?: WebhookAllow }): Promise<PostResult> {
  const allow = o.allow ?? NONE;
  const bad = urlError(url, allow);
  if (bad) return Promise.resolve({ outcome: 'refused', status: 0, retryable: false, detail: `URL ${bad}` });
  const u = new URL(url);
  const host = bare(u.hostname);
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: PostResult) => {
      if (!done) resolve(r);
      done = true;
    };
    const req = (u.protocol === 'https:' ? https : http).request(
      {
        method: 'POST',
        hostname: host,
        port: u.port || undefined,
        path: `${u.pathname}${u.search}`,
        headers: { ...o.headers, host: u.host, 'content-length': String(Buffer.byteLength(o.body)) },
        auth: u.username ? `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}` : undefined,
        agent: false,
        lookup: allowedName(host, allow) ? undefined : guardedLookup(allow),
        signal: AbortSignal.timeout(o.timeoutMs),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.on('error', () => undefined);
        res.resume(); // the answer's body is not used
        const ok = status >= 200 && status < 300;
        finish({ outcome: ok ? 'delivered' : 'failed', status, retryable: status === 408 || status === 429 || status >= 500, detail: `HTTP ${status}` });
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === REFUSED) return finish({ outcome: 'refused', status: 0, retryable: false, detail: e.message });
      const timedOut = e.name === 'AbortError' || e.name === 'TimeoutError';
      finish({ outcome: 'failed', status: 0, retryable: true, detail: timedOut ? `no answer in ${o.timeoutMs} ms` : (e.code ?? e.message) });
    });
    req.end(o.body);
  });
}
