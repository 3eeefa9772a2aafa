/** Names and colours of fixed keys (channel names are brands: the same in both languages). */
import type { Channel } from '../../../core/contract.ts';
// The workbooks write channels with the same names (core/glossary.ts).
import { CHANNEL_NAMES } from '../../../core/glossary.ts';

export const channelLabel = (c: string): string => CHANNEL_NAMES[c as Channel] ?? c;

/** One colour per channel, the same on every chart. */
export const CHANNEL_COLORS: Record<Channel, string> = {
  whatsapp: '#25a366',
  instagram: '#c13584',
  facebook: '#1877f2',
  twitter: '#1d9bf0',
  email: '#8d6e63',
  webchat: '#f59e0b',
  telegram: '#0ea5e9',
  line: '#06c755',
};

export const COLORS = {
  accent: '#2563eb',
  accent2: '#f97316',
  good: '#15803d',
  bad: '#b91c1c',
  muted: '#6b7280',
  free: '#93c5fd',
  billable: '#2563eb',
};
