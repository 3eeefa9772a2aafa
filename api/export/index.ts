import type { Writable } from 'node:stream';
import { buildBilling } from './billing.ts';
import { buildCsat, csatCsv } from './csat.ts';
import { buildOverview } from './overview.ts';
import { buildRooms, roomsCsv } from './rooms.ts';
import { buildService } from './service.ts';
import { buildCampaigns, campaignsCsv } from './campaigns.ts';
import { CSV_REPORTS, type BuildResult, type Builder, type Format, type Report, type ReportInput } from './report.ts';
import { dateIn } from '../../core/time.ts';

export { REPORTS, CSV_REPORTS, type Report, type Format, type ReportInput, type BuildResult } from './report.ts';

const XLSX: Record<Report, Builder> = { overview: buildOverview, csat: buildCsat, rooms: buildRooms, billing: buildBilling, service: buildService, campaigns: buildCampaigns };
const CSV: Partial<Record<Report, Builder>> = { csat: csatCsv, rooms: roomsCsv, campaigns: campaignsCsv };

export const offersFormat = (report: Report, format: Format): boolean => format === 'xlsx' || CSV_REPORTS.includes(report);

/** Writes the report into `out` and ends it; resolves when the last byte has been handed to `out`. */
export async function buildReport(report: Report, format: Format, input: ReportInput, out: Writable): Promise<BuildResult> {
  const builder = format === 'csv' ? CSV[report] : XLSX[report];
  if (!builder) throw new Error(`${report} has no ${format} export`);
  return builder(input, out);
}

/**
 * The file name people see: account, report, the dates it covers (the last day included)
 * and the filters, so two downloads of different views do not look alike, e.g.
 * demo-rooms-2026-10-01-to-2026-10-31-whatsapp-agent-ani-business-hours.xlsx. Agent ids
 * are written with [A-Za-z0-9._-] only (the UTF-8 name of Content-Disposition keeps the
 * rest); past three agents the name says how many more.
 */
export function exportFileName(report: Report, format: Format, input: Pick<ReportInput, 'account' | 'filters' | 'month'>): string {
  const f = input.filters;
  const span = report === 'billing' && input.month ? input.month : `${dateIn(f.tz, f.from)}-to-${dateIn(f.tz, Math.max(f.from, f.to - 1))}`;
  const parts = [input.account, report, span];
  if (report !== 'billing') {
    if (f.channels?.length) parts.push(...f.channels);
    if (f.agents?.length) {
      const safe = (a: string) => a.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40);
      parts.push('agent', ...f.agents.slice(0, 3).map(safe));
      if (f.agents.length > 3) parts.push(`and-${f.agents.length - 3}-more`);
    }
    if (f.office) parts.push('business-hours');
  }
  return `${parts.join('-')}.${format}`;
}

export const CONTENT_TYPE: Record<Format, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};
