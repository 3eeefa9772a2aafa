import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { BodyTooLargeError, splitLines } from '../../ingest/lines.ts';
import { splitJsonArray } from '../../ingest/json-array.ts';
import type { IngestOutcome } from '../../ingest/ingestor.ts';
import { ApiError } from '../errors.ts';
import { errors, ref } from './openapi-schemas.ts';

const NDJSON = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines']);

export async function eventRoutes(app: FastifyInstance): Promise<void> {
  // Every body reaches the handler as the raw stream: NDJSON is never held whole, and a
  // wrong content type gets our own 415 rather than a framework message.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  app.post(
    '/events',
    {
      schema: {
        summary: 'Store events (NDJSON stream or JSON array)',
        description:
          'Body: `application/x-ndjson` (one event a line) or `application/json` (an array of events, element i is line i + 1); both streamed, `Content-Encoding: gzip` accepted. ' +
          'Each line is parsed, validated, deduplicated on (account_id, id) and stored; the answer comes after the accepted events are durably written. ' +
          'Status 200 whenever the body was read whole, rejected lines or not. Lines (and array elements) over 64 KiB are rejected; bodies over MAX_BODY_BYTES get 413; ' +
          'past MAX_REJECTED_LINES rejected lines reading stops with 422. ' +
          'Every rejected line is kept in the dead-letter table (GET /api/v1/rejected). Event schema: see components.schemas.Event.',
        tags: ['events'],
        // Documentation only: the handler reads the raw stream, so nothing validates it as a body.
        documentedBody: {
          content: {
            'application/x-ndjson': { schema: ref('Event', 'One event a line') },
            'application/json': { schema: Type.Union([Type.Array(ref('Event')), ref('Event')], { description: 'An array of events (a single object: an array of one)' }) },
          },
        },
        response: {
          200: ref('IngestResult', 'Counts and the rejected lines (at most 100): also when lines were rejected'),
          // A real serializer (the handler answers 400 itself): it lists every field of that answer.
          400: ref('IngestFailure', 'The body is not valid gzip, has no events, or no line of it is valid JSON'),
        },
        errorResponses: {
          ...errors([401, 403, 413, 415, 429, 500, 503], {
            403: 'Every event is of another account than the key may store, or a cookie request without X-Requested-With',
            413: 'The body is larger than MAX_BODY_BYTES (events before the limit may have been stored)',
            503: 'The store is overloaded (the duplicate check could not run): nothing of the unread rest is stored; resend, stored events count as duplicates',
          }),
          422: ref('IngestFailure', 'More than MAX_REJECTED_LINES lines were rejected: reading stopped; the events before it are stored and counted'),
        },
      },
    },
    async (req, reply) => {
      const { config, ingestor } = app.ctx;
      const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const isJson = type === 'application/json';
      if (!NDJSON.has(type) && !isJson) {
        throw new ApiError(415, 'unsupported_media_type', 'send application/x-ndjson (one event a line) or application/json (an array of events)');
      }
      const length = Number(req.headers['content-length'] ?? NaN);
      if (length > config.maxBodyBytes) throw new ApiError(413, 'payload_too_large', `the request body is larger than ${config.maxBodyBytes} bytes; split it`);
      const body = decode(req);
      const lines = isJson ? splitJsonArray(body, config.maxBodyBytes) : splitLines(body, config.maxBodyBytes);
      let out: IngestOutcome;
      try {
        out = await ingestor.ingest(lines, {
          requestId: String(req.id ?? crypto.randomUUID()),
          keyId: req.auth.key_id,
          account: req.auth.role === 'admin' ? undefined : req.auth.account_id,
        });
      } catch (err) {
        if (err instanceof BodyTooLargeError) {
          reply.header('connection', 'close');
          throw new ApiError(413, 'payload_too_large', `${err.message}; events before the limit may have been stored, resend them (they count as duplicates)`);
        }
        if ((err as { code?: string }).code === 'Z_DATA_ERROR') throw new ApiError(400, 'bad_gzip', 'the body is not valid gzip');
        throw err;
      }
      const { parsed, forbidden, stopped, ...result } = out;
      if (stopped) {
        // Reading stopped early: the rest of the body is unread, so the connection cannot be reused.
        reply.header('connection', 'close');
        // 422 has no entry in the route's response schemas (typed replies allow only those): sent as plain JSON.
        (reply as FastifyReply).status(422);
        const truncated = result.rejected > result.errors.length ? { errors_truncated: result.rejected - result.errors.length } : {};
        const message =
          `more than ${stopped.limit} lines of this request were rejected (the limit is ${stopped.limit}, MAX_REJECTED_LINES); reading stopped at line ${stopped.line}. ` +
          'The events accepted before it are stored and counted in accepted, the rejected lines before it are kept in the dead letters; fix the body and resend it whole (stored events count as duplicates)';
        return { error: { code: 'too_many_rejected_lines', message, limit: stopped.limit, line: stopped.line }, ...result, ...truncated } as never;
      }
      const total = result.accepted + result.duplicates + result.rejected;
      if (total === 0) throw new ApiError(400, 'empty_body', 'the request has no events');
      if (parsed === 0) {
        // Unusable as a whole, but the lines are still counted (and dead-lettered) for the caller.
        reply.status(400);
        return { error: { code: 'nothing_parseable', message: 'no line of the body is valid JSON' }, ...result } as never;
      }
      if (forbidden > 0 && forbidden === total) throw new ApiError(403, 'forbidden', `this key may only store events of account ${req.auth.account_id}`);
      if (result.rejected > result.errors.length) result.errors_truncated = result.rejected - result.errors.length;
      return result;
    },
  );
}

function decode(req: FastifyRequest): Readable {
  const raw = (req.body as Readable | undefined) ?? Readable.from([]);
  const enc = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (enc === 'identity' || enc === '') return raw;
  if (enc === 'gzip' || enc === 'x-gzip') return raw.pipe(zlib.createGunzip()).on('error', () => undefined) as unknown as Readable & typeof raw;
  throw new ApiError(415, 'unsupported_encoding', `Content-Encoding ${enc} is not supported; use gzip or none`);
}
