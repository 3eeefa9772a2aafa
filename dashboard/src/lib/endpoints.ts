/**
 * Typed calls to the API the pages read. The response types are the server's own
 * TypeBox schemas (Static<...>), imported as types only: one definition, checked on both
 * sides, nothing of the server in the bundle.
 */
import type { Static } from 'typebox';
import type {
  AgentsResponse,
  CsatResponsesResponse,
  HeatmapResponse,
  RoomsResponse,
  SeriesResponse,
  SummaryResponse,
} from '../../../core/wire/metrics.ts';
import type { Csat, Durations, SeriesMetric, TotalChats } from '../../../core/wire/metrics.ts';
import type { AccountInfo } from '../../../core/wire/session.ts';
import { acct, api } from './api.ts';

export type Summary = Static<typeof SummaryResponse>;
export type SummaryNumbers = Omit<Summary, 'previous' | 'period'>;
export type Series = Static<typeof SeriesResponse>;
// The series schema's bucket is a union whose fields TypeBox does not carry into its
// static type; the fields are the metric functions' own result types.
type Bucket<V> = { start: string } & V;
export type ChatsBucket = Bucket<TotalChats>;
export type DurationsBucket = Bucket<Durations>;
export type CsatBucket = Bucket<Csat>;
export type SeriesBucket = ChatsBucket | DurationsBucket | CsatBucket;
export type Agents = Static<typeof AgentsResponse>;
export type AgentRow = Agents['agents'][number];
export type Heatmap = Static<typeof HeatmapResponse>;
export type Rooms = Static<typeof RoomsResponse>;
export type RoomRow = Rooms['rooms'][number];
export type CsatResponses = Static<typeof CsatResponsesResponse>;
export type CsatResponse = CsatResponses['responses'][number];

type Q = URLSearchParams;

export const getAccountInfo = (account: string, signal?: AbortSignal) =>
  api<AccountInfo>(`/session/accounts/${encodeURIComponent(account)}`, { signal });

export const getSummary = (account: string, q: Q, signal?: AbortSignal) => api<Summary>(acct(account, 'metrics/summary', q), { signal });

export async function getSeries<B extends SeriesBucket>(account: string, metric: SeriesMetric, q: Q, signal?: AbortSignal): Promise<Omit<Series, 'buckets'> & { buckets: B[] }> {
  const qq = new URLSearchParams(q);
  qq.set('metric', metric);
  return api(acct(account, 'metrics/timeseries', qq), { signal });
}

export const getAgents = (account: string, q: Q, signal?: AbortSignal) => api<Agents>(acct(account, 'metrics/agents', q), { signal });
export const getHeatmap = (account: string, q: Q, signal?: AbortSignal) => api<Heatmap>(acct(account, 'metrics/heatmap', q), { signal });
export const getRooms = (account: string, q: Q, signal?: AbortSignal) => api<Rooms>(acct(account, 'rooms', q), { signal });
export const getCsatResponses = (account: string, q: Q, signal?: AbortSignal) => api<CsatResponses>(acct(account, 'csat/responses', q), { signal });

// Billing: the wire types the billing query functions return.
export type { Balance, Usage, Statement, StatementMonth, Ledger, LedgerRow, Conversation, ConversationPage, Visitor, VisitorPage, Transactions } from '../../../core/wire/billing.ts';
import type { Balance, ConversationPage, Ledger, Statement, Transactions, Usage, VisitorPage } from '../../../core/wire/billing.ts';
export type Transaction = Transactions['transactions'][number];

export const getBalance = (account: string, signal?: AbortSignal) => api<Balance>(acct(account, 'billing/balance'), { signal });
export const getUsage = (account: string, month: string, signal?: AbortSignal) => api<Usage>(acct(account, 'billing/usage', new URLSearchParams({ month })), { signal });
export const getStatement = (account: string, from: string, to: string, signal?: AbortSignal) =>
  api<Statement>(acct(account, 'billing/statement', new URLSearchParams({ from, to })), { signal });
export const getLedger = (account: string, from: string, to: string, interval: 'day' | 'month', signal?: AbortSignal) =>
  api<Ledger>(acct(account, 'billing/ledger', new URLSearchParams({ from, to, interval })), { signal });
export const getConversations = (account: string, month: string, offset: number, limit: number, signal?: AbortSignal) =>
  api<ConversationPage>(acct(account, 'billing/conversations', new URLSearchParams({ month, offset: String(offset), limit: String(limit) })), { signal });

export type { ExpiredReachDoc } from '../../../core/wire/billing.ts';
import type { ExpiredReachDoc } from '../../../core/wire/billing.ts';
export const getExpiredReach = (account: string, month: string, signal?: AbortSignal) => api<ExpiredReachDoc>(acct(account, 'billing/expired-reach', new URLSearchParams({ month })), { signal });
export const getVisitors = (account: string, month: string, offset: number, limit: number, signal?: AbortSignal) =>
  api<VisitorPage>(acct(account, 'billing/visitors', new URLSearchParams({ month, offset: String(offset), limit: String(limit) })), { signal });
/** Top-ups and adjustments of [from, to): dates in the account's zone, `to` excluded. */
export const getTransactions = (account: string, from: string, to: string, offset: number, limit: number, signal?: AbortSignal) =>
  api<Transactions>(acct(account, 'billing/transactions', new URLSearchParams({ from, to, offset: String(offset), limit: String(limit) })), { signal });

// Settings: the low-balance threshold is set from the billing page (PUT merges: only the fields sent change).
export type { Settings } from '../../../sql/settings.ts';
import type { Settings } from '../../../sql/settings.ts';
export const getSettings = (account: string, signal?: AbortSignal) => api<Settings>(acct(account, 'settings'), { signal });
export const putThreshold = (account: string, rupiah: number | null) => api<Settings>(acct(account, 'settings'), { method: 'PUT', body: { low_balance_threshold: rupiah } });

// Service levels, expired windows and campaigns (SPEC "Beyond the essentials").
import type { ExpiredResponse, SlaResponse } from '../../../core/wire/metrics.ts';
import type { CampaignContacts, Campaigns } from '../../../core/wire/campaigns.ts';
export type Sla = Static<typeof SlaResponse>;
export type SlaLevel = Sla['first_response'];
export type ExpiredReport = Static<typeof ExpiredResponse>;
export type { Campaigns, CampaignContacts };
export type CampaignRow = Campaigns['campaigns'][number];
export type CampaignContact = CampaignContacts['contacts'][number];
export const getSla = (account: string, q: Q, signal?: AbortSignal) => api<Sla>(acct(account, 'metrics/sla', q), { signal });
export const getExpired = (account: string, q: Q, signal?: AbortSignal) => api<ExpiredReport>(acct(account, 'metrics/expired', q), { signal });
export const getCampaigns = (account: string, q: Q, signal?: AbortSignal) => api<Campaigns>(acct(account, 'campaigns', q), { signal });
export const getCampaignContacts = (account: string, id: string, q: Q, signal?: AbortSignal) => api<CampaignContacts>(acct(account, `campaigns/${encodeURIComponent(id)}/contacts`, q), { signal });
export const putSla = (account: string, sla: { first_response_s: number | null; resolution_s: number | null; business_hours: boolean } | null) =>
  api<Settings>(acct(account, 'settings'), { method: 'PUT', body: { sla } });

// Exports: the report names and the schedule and run documents of the exports work.
export type { Report, RunDoc, ScheduleDoc } from '../../../core/wire/exports.ts';
import type { RunDoc, ScheduleDoc } from '../../../core/wire/exports.ts';

export const getSchedules = (account: string, signal?: AbortSignal) => api<{ schedules: ScheduleDoc[] }>(acct(account, 'schedules'), { signal });
export const getRuns = (account: string, signal?: AbortSignal) =>
  api<{ runs: RunDoc[]; next_before: string | null }>(acct(account, 'exports', new URLSearchParams({ limit: '50' })), { signal });
/** Starts a schedule's run now (a POST: the CSRF header goes with it, see api.ts). */
export const runSchedule = (account: string, id: string) => api<RunDoc>(acct(account, `schedules/${encodeURIComponent(id)}/run`), { method: 'POST' });

/** The fields a schedule is made or changed with (POST / PATCH …/schedules, api/routes/schedules.ts). */
export type ScheduleInput = Pick<ScheduleDoc, 'report' | 'format' | 'cron' | 'tz' | 'period' | 'channel' | 'agent' | 'business_hours' | 'webhook_url' | 'enabled' | 'lang'>;
export const createSchedule = (account: string, body: ScheduleInput) => api<ScheduleDoc>(acct(account, 'schedules'), { method: 'POST', body });
export const updateSchedule = (account: string, id: string, body: Partial<ScheduleInput>) =>
  api<ScheduleDoc>(acct(account, `schedules/${encodeURIComponent(id)}`), { method: 'PATCH', body });
export const deleteSchedule = (account: string, id: string) => api<void>(acct(account, `schedules/${encodeURIComponent(id)}`), { method: 'DELETE' });
