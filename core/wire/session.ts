import { Type, type Static } from 'typebox';

/** The wire shapes of the session endpoints (POST/GET /api/v1/session, GET /api/v1/accounts...). */

export const SessionInfo = Type.Object({
  key_id: Type.String(),
  role: Type.Union([Type.Literal('admin'), Type.Literal('account')]),
  /** The key's account ('' for an admin key, which reads every account). */
  account_id: Type.String(),
  name: Type.String(),
  /** RFC 3339; absent when the request came with a bearer key instead of a cookie. */
  expires_at: Type.Optional(Type.String()),
});
export type SessionInfo = Static<typeof SessionInfo>;

/** Accounts an admin can switch between (GET /api/v1/session/accounts). */
export const AccountList = Type.Object({ items: Type.Array(Type.String()) });
export type AccountList = Static<typeof AccountList>;

/** What the dashboard needs to know of an account before asking for numbers. */
export const AccountInfo = Type.Object({
  account_id: Type.String(),
  /** IANA zone of its calendar (its latest plan's; Asia/Jakarta without one): "today" is a date there. */
  timezone: Type.String(),
});
export type AccountInfo = Static<typeof AccountInfo>;
