/** What the shell hands every page. */
import type { Window } from './filters.ts';
import type { Route } from './route.ts';

export interface PageProps {
  account: string;
  route: Route;
  /** The filters' period and the one before, as dates in `zone`. */
  window: Window;
  /** The time zone of dates and buckets: the filter's, else the account's. */
  zone: string;
  /** The account's own time zone: billing months are calendar months there. */
  accountTz: string;
}
