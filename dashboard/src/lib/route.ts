/** Which page and account the URL shows: `/<page>?account=<id>&<filters>&<page's own>`. Pure. */
import { parseFilters, writeFilters, type Filters } from './filters.ts';

export const PAGES = ['overview', 'agents', 'csat', 'service', 'campaigns', 'billing', 'exports', 'rooms'] as const;
export type Page = (typeof PAGES)[number];

/** Pages whose numbers follow the filter bar (billing is per month and per instant). */
export const FILTERED_PAGES: ReadonlySet<Page> = new Set(['overview', 'agents', 'csat', 'service', 'campaigns', 'exports', 'rooms']);

export interface Route {
  page: Page;
  /** null: not chosen yet (an account key's own account is used; an admin is asked). */
  account: string | null;
  filters: Filters;
  query: URLSearchParams;
}

const ACCOUNT_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function parseRoute(pathname: string, search: string): Route {
  const seg = pathname.replace(/^\/+|\/+$/g, '').split('/')[0];
  const page = (PAGES as readonly string[]).includes(seg) ? (seg as Page) : 'overview';
  const query = new URLSearchParams(search);
  const account = query.get('account');
  return { page, account: account && ACCOUNT_RE.test(account) ? account : null, filters: parseFilters(query), query };
}

/** The URL of a page with a query (the account and filters are part of the query). */
export function href(page: Page, query: URLSearchParams): string {
  const q = query.toString();
  return `/${page}${q ? '?' + q : ''}`;
}

/** The URL of `page` for this account and these filters, plus page parameters. */
export function pageHref(page: Page, account: string | null, filters: Filters, extra: Record<string, string | string[] | undefined> = {}): string {
  const q = new URLSearchParams();
  if (account) q.set('account', account);
  writeFilters(filters, q);
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) continue;
    for (const one of [v].flat()) q.append(k, one);
  }
  return href(page, q);
}
