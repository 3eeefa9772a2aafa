/**
 * The dashboard's only way to the server. Same-origin requests carrying the session
 * cookie, and always the CSRF header the server asks of cookie-signed requests that
 * change something (README "Dashboard"). A 401 anywhere means the session is over.
 */
import type { AccountList, SessionInfo } from '../../../core/wire/session.ts';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request field the server named (400s), e.g. `cron`. */
    readonly field?: string,
  ) {
    super(message);
  }
}

let onUnauthorized: () => void = () => undefined;
/** Called on any 401 (expired, signed out elsewhere, key revoked). */
export const whenUnauthorized = (fn: () => void) => (onUnauthorized = fn);

export async function api<T>(path: string, opts: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const res = await fetch('/api/v1' + path, {
    method: opts.method ?? 'GET',
    credentials: 'same-origin',
    signal: opts.signal,
    headers: {
      accept: 'application/json',
      'x-requested-with': 'dashboard',
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: reported below with the status */
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
    if (res.status === 401 && !path.startsWith('/session')) onUnauthorized();
    throw new ApiFailure(res.status, err?.code ?? 'http_' + res.status, err?.message ?? `${res.status} ${res.statusText}`, err?.field);
  }
  return json as T;
}

/** `/accounts/<account>/<rest>`, the account escaped. */
export const acct = (account: string, rest: string, q?: URLSearchParams): string =>
  `/accounts/${encodeURIComponent(account)}/${rest}${q && q.size ? '?' + q : ''}`;

// The session: its hint in localStorage only saves a request that would fail when nobody
// signed in (the cookie itself is httpOnly, so scripts cannot see whether it is there).
const HINT = 'chat-analytics.session-until';

export function sessionHint(): boolean {
  try {
    return Number(localStorage.getItem(HINT)) > Date.now();
  } catch {
    return true;
  }
}
function setHint(until: string | undefined): void {
  try {
    if (until) localStorage.setItem(HINT, String(Date.parse(until)));
    else localStorage.removeItem(HINT);
  } catch {
    /* no storage: the app probes the session on every load */
  }
}

export async function signIn(key: string): Promise<SessionInfo> {
  const s = await api<SessionInfo>('/session', { method: 'POST', body: { key } });
  setHint(s.expires_at);
  return s;
}

export async function whoAmI(): Promise<SessionInfo> {
  try {
    return await api<SessionInfo>('/session');
  } catch (err) {
    setHint(undefined);
    throw err;
  }
}

export async function signOut(): Promise<void> {
  setHint(undefined);
  await api<void>('/session', { method: 'DELETE' });
}

export const listAccounts = () => api<AccountList>('/session/accounts');
