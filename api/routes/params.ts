import { Type } from 'typebox';
import { ACCOUNT_ID } from '../../core/contract.ts';

/** The path parameters of every account route: the one account pattern (core/contract.ts). */
export const AccountParams = Type.Object({ account: Type.String({ pattern: ACCOUNT_ID }) });
/** ... and of a thing of the account (a schedule, a run) by id. */
export const AccountIdParams = Type.Object({ account: Type.String({ pattern: ACCOUNT_ID }), id: Type.String({ maxLength: 64 }) });
