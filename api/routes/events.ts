import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Event, IngestResult } from '../../ingest/contract.ts';
import { BodyTooLargeError, splitLines, type Line } from '../../ingest/lines.ts';
import type { IngestOutcome } from '../../ingest/ingestor.ts';
import { ApiError } from '../errors.ts';

const NDJSON = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines']);

const ErrorBody = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: true }) }, { additionalProperties: true });

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
          'Body: `application/x-ndjson` (one event a line, streamed; `Content-Encoding: gzip` accepted) or `application/json` (an array of events). ' +
          'Each line is parsed, validated, deduplicated on (account_id, id) and stored; the answer comes after the accepted events are durably written. ' +
          'Status 200 whenever the body was read whole, rejected lines or not. Lines over 64 KiB are rejected; bodies over MAX_BODY_BYTES get 413. ' +
          'Every rejected line is kept in the dead-letter table (GET /api/v1/rejected). Event schema: see components.schemas.Event.',
        tags: ['events'],
        response: { 200: IngestResult, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 413: ErrorBody, 415: ErrorBody },
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
      const lines = isJson ? jsonLines(body, config.maxBodyBytes) : splitLines(body, config.maxBodyBytes);
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
      const { parsed, forbidden, ...result } = out;
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

  // The event contract in the OpenAPI document, for integrators.
  app.addSchema({ $id: 'Event', ...Event });
}

function decode(req: FastifyRequest): Readable {
  const raw = (req.body as Readable | undefined) ?? Readable.from([]);
  const enc = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (enc === 'identity' || enc === '') return raw;
  if (enc === 'gzip' || enc === 'x-gzip') return raw.pipe(zlib.createGunzip()).on('error', () => undefined) as unknown as Readable & typeof raw;
  throw new ApiError(415, 'unsupported_encoding', `Content-Encoding ${enc} is not supported; use gzip or none`);
}

/** A JSON array body (held whole, within the size limit): element i is line i + 1. */
async function* jsonLines(body: Readable, maxBytes: number): AsyncGenerator<Line> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of body as AsyncIterable<Buffer>) {
    total += c.length;
    if (total > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    // Unparseable as a whole: one rejected "line", kept in the dead letters like any other.
    yield { n: 1, text, bytes: total };
    return;
  }
  const items = Array.isArray(v) ? v : [v];
  for (let i = 0; i < items.length; i++) {
    const s = JSON.stringify(items[i]) ?? 'null';
    yield { n: i + 1, text: s, bytes: Buffer.byteLength(s) };
  }
}
