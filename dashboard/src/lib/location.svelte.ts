/**
 * The browser location as reactive state. Every view change goes through navigate()
 * (history.pushState), so Back and Forward step through filter changes too.
 */
import { href, parseRoute, type Route } from './route.ts';
import { writeFilters, type Filters } from './filters.ts';

export const loc = $state({ path: location.pathname, search: location.search });

window.addEventListener('popstate', () => {
  loc.path = location.pathname;
  loc.search = location.search;
});

export function navigate(url: string, opts: { replace?: boolean } = {}): void {
  if (url === location.pathname + location.search) return;
  history[opts.replace ? 'replaceState' : 'pushState'](null, '', url);
  loc.path = location.pathname;
  loc.search = location.search;
  if (!opts.replace) window.scrollTo({ top: 0 });
}

export const currentRoute = (): Route => parseRoute(loc.path, loc.search);

/** Same page, with the query changed by `edit`. */
export function editQuery(edit: (q: URLSearchParams) => void, opts: { replace?: boolean } = {}): void {
  const r = currentRoute();
  const q = new URLSearchParams(r.query);
  edit(q);
  navigate(href(r.page, q), opts);
}

/** New filters; a drill-down's exact time span (start/end) belonged to the old ones. */
export const setFilters = (f: Filters): void =>
  editQuery((q) => {
    writeFilters(f, q);
    q.delete('start');
    q.delete('end');
  });

/** Same-origin links navigate in place instead of reloading the app. */
export function interceptLinks(root: HTMLElement): () => void {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest('a');
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
    if (a.pathname.startsWith('/api/')) return;
    e.preventDefault();
    navigate(a.pathname + a.search);
  };
  root.addEventListener('click', onClick);
  return () => root.removeEventListener('click', onClick);
}
