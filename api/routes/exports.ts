import fs from 'node:fs';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { accountTimezone } from '../../sql/account.ts';
import { monthIn } from '../../core/time.ts';
import { ApiError } from '../errors.ts';
import { CompareQuery, FilterQuery, parseCompare, parseFilters, type FilterInput } from '../filters.ts';
import { buildReport, CONTENT_TYPE, CSV_REPORTS, exportFileName, offersFormat, REPORTS, type Format, type Report, type ReportInput } from '../export/index.ts';
import { runDoc } from '../scheduler/docs.ts';
import { requestLang, words, type ExportLang } from '../export/words.ts';
import { runFilePath } from '../scheduler/paths.ts';
import { getRun, listRuns } from '../../sql/scheduler/runs.ts';
import { ACCOUNT, errors, fileResponse, ref } from './openapi-schemas.ts';
import { AccountIdParams, AccountParams } from './params.ts';
import { ACCOUNT_ID } from '../../core/contract.ts';

const NameParams = Type.Object({
  account: Type.String({ pattern: ACCOUNT_ID }),
  name: Type.String({ maxLength: 40, description: `report and format: ${REPORTS.map((r) => `${r}.xlsx`).join(', ')}, ${CSV_REPORTS.map((r) => `${r}.csv`).join(', ')}` }),
});
const MONTH = '^\\d{4}-(0[1-9]|1[0-2])$';

const ExportQuery = Type.Object({
  ...FilterQuery,
  // overview only, as GET .../metrics/summary takes them
  ...CompareQuery,
  month: Type.Optional(Type.String({ pattern: MONTH, description: "billing only: the calendar month YYYY-MM in the account's time zone; default this month" })),
  lang: Type.Optional(Type.Union([Type.Literal('en'), Type.Literal('id')], { description: "the file's language (sheet names, headers, words, definitions); default: Accept-Language's first of id / en, else en. The dashboard sends its own" })),
});

/** `Content-Disposition` for a download: a plain ASCII name plus its UTF-8 form (RFC 6266). */
export function attachment(name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function parseName(name: string): { report: Report; format: Format } {
  const m = /^([a-z]+)\.(xlsx|csv)$/.exec(name);
  const report = m?.[1] as Report | undefined;
  const format = m?.[2] as Format | undefined;
  if (!report || !format || !REPORTS.includes(report) || !offersFormat(report, format)) {
    const offered = [...REPORTS.map((r) => `${r}.xlsx`), ...CSV_REPORTS.map((r) => `${r}.csv`)].join(', ');
    throw new ApiError(404, 'not_found', `no export "${name.slice(0, 40)}"; exports are ${offered}`);
  }
  return { report, format };
}

/** Routes under /api/v1/accounts/:account/: Excel and CSV exports on demand, and the files of scheduled runs. */
export async function exportsRoutes(app: FastifyInstance): Promise<void> {
  const { db, config } = app.ctx;
  const tags = ['exports'];

  app.get(
    '/exports',
    {
      schema: {
        summary: 'Runs of export schedules, newest first, with their status and download link',
        tags,
        params: AccountParams,
        querystring: Type.Object({
          schedule_id: Type.Optional(Type.String({ maxLength: 64 })),
          status: Type.Optional(Type.Enum(['running', 'succeeded', 'failed', 'interrupted'])),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          before: Type.Optional(Type.String({ maxLength: 64, description: 'next_before of the previous page' })),
        }),
        response: { 200: ref('ExportRuns') },
        errorResponses: errors(ACCOUNT),
      },
    },
    async (req) => {
      const { account } = req.params as { account: string };
      const q = req.query as { schedule_id?: string; status?: string; limit: number; before?: string };
      const runs = await listRuns(db, account, { scheduleId: q.schedule_id, status: q.status, limit: q.limit + 1, before: q.before });
      const page = runs.slice(0, q.limit);
      return { runs: page.map((r) => runDoc(r)), next_before: runs.length > q.limit ? page[page.length - 1].id : null };
    },
  );

  app.get(
    '/exports/:id/download',
    {
      schema: {
        summary: "A scheduled run's file",
        tags,
        params: AccountIdParams,
        response: { 200: fileResponse('The file (streamed)', [CONTENT_TYPE.xlsx, 'text/csv']) },
        errorResponses: errors([...ACCOUNT, 404, 409, 410], {
          404: 'No such run in this account',
          409: 'The run has not succeeded: it has no file',
          410: 'The file was deleted after EXPORT_RETENTION_DAYS, or is not on this instance',
        }),
      },
    },
    async (req, reply) => {
      const { account, id } = req.params as { account: string; id: string };
      const run = await getRun(db, account, id);
      if (!run) throw new ApiError(404, 'not_found', `no export run ${id} in account ${account}`);
      if (run.status !== 'succeeded') throw new ApiError(409, 'not_available', `run ${id} is ${run.status}${run.error ? `: ${run.error}` : ''}; it has no file`);
      if (!run.file) throw new ApiError(410, 'gone', `the file of run ${id} was deleted after ${config.exportRetentionDays} days (EXPORT_RETENTION_DAYS)`);
      const file = runFilePath(config.exportDir, run);
      let size: number;
      try {
        size = fs.statSync(file).size;
      } catch {
        throw new ApiError(410, 'gone', `the file of run ${id} is not in this instance's EXPORT_DIR`);
      }
      // The stored name is "<run id>-<account>-<report>-<dates>.<ext>"; people get the part after the id.
      const name = run.file.startsWith(`${run.id}-`) ? run.file.slice(run.id.length + 1) : run.file;
      return reply
        .header('content-type', CONTENT_TYPE[run.format])
        .header('content-length', size)
        .header('content-disposition', attachment(name))
        .header('cache-control', 'private, no-store')
        .send(fs.createReadStream(file));
    },
  );

  app.get(
    '/exports/:name',
    {
      schema: {
        summary: 'Download a report now: overview, csat, rooms or billing as Excel (.xlsx); csat and rooms also as CSV',
        description:
          'Takes the same filters as the metrics API (from, to, tz, channel, agent, business_hours); billing takes month. ' +
          'The file streams as it is made, so a big export starts at once and the server holds a few rows at a time.',
        tags,
        params: NameParams,
        querystring: ExportQuery,
        response: { 200: fileResponse('The report, streamed as it is made', [CONTENT_TYPE.xlsx, 'text/csv']) },
        errorResponses: errors([...ACCOUNT, 404], { 404: 'No such report or format' }),
      },
    },
    async (req: FastifyRequest, reply: FastifyReply) => {
      const { account, name } = req.params as { account: string; name: string };
      const { report, format } = parseName(name);
      const q = req.query as FilterInput & { month?: string; compare_from?: string; compare_to?: string; lang?: ExportLang };
      const now = app.ctx.clock();
      const filters = await parseFilters(db, account, q, now);
      const compare = parseCompare(filters, q);
      const month = report === 'billing' ? (q.month ?? monthIn(await accountTimezone(db, account), now)) : undefined;
      const lang = requestLang(q.lang, req.headers['accept-language']);
      const input: ReportInput = { db, account, filters, compare, month, generatedAt: now, origin: `${words(lang)('on demand')} (request ${req.id})`, lang };

      const body = new PassThrough();
      const building = buildReport(report, format, input, body);
      // Headers go out with the first bytes: a failing query (before anything is written) is still an error answer.
      await Promise.race([once(body, 'readable'), building]);
      void building.catch((err) => {
        req.log.warn({ err, report, format }, 'export stopped while streaming');
        body.destroy(err);
      });
      return reply
        .header('content-type', CONTENT_TYPE[format])
        .header('content-disposition', attachment(exportFileName(report, format, input)))
        .header('cache-control', 'private, no-store')
        .send(body);
    },
  );
}
