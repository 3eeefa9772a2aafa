import type { FastifyError, FastifyInstance } from 'fastify';
import { StoreOverloadedError } from '../sql/db.ts';

/** An error the API answers as {error: {code, message, field}} with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** An ApiError that also tells the client when to try again (Retry-After, seconds): 429, 503. */
export class RetryLaterError extends ApiError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly retryAfterS: number,
  ) {
    super(status, code, message);
  }
}

export const badRequest = (field: string, message: string) => new ApiError(400, 'invalid_parameter', `${field}: ${message}`, field);

/** The one error handler: every failure leaves as JSON with a code, never a stack trace. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    // Reads beyond READ_QUEUE_MAX (sql/db.ts): a quick, retryable answer instead of a held connection.
    if (err instanceof StoreOverloadedError) err = new RetryLaterError(503, 'overloaded', `${err.message}; retry in 1 s`, 1);
    if (err instanceof ApiError) {
      if (err instanceof RetryLaterError) reply.header('retry-after', String(err.retryAfterS));
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } });
    }
    const fe = err as FastifyError;
    if (fe.validation && fe.validation.length) {
      const v = fe.validation[0];
      const p = v.params as Record<string, unknown>;
      // A missing property is named with its path (sla.business_hours), as any other field is.
      const at = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const field = p.missingProperty ? (at ? `${at}.` : '') + String(p.missingProperty) : at;
      const where = fe.validationContext === 'body' ? '' : '';
      const message = v.keyword === 'required' ? 'is required' : (v.message ?? 'is invalid');
      return reply.status(400).send({ error: { code: 'invalid_parameter', message: `${where}${field}: ${message}`, field } });
    }
    const status = fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
    if (status === 500) req.log.error({ err }, 'request failed');
    const code = status === 500 ? 'internal_error' : (fe.code ?? 'bad_request').toLowerCase();
    const message = status === 500 ? 'internal error; it has been logged' : fe.message;
    return reply.status(status).send({ error: { code, message } });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });
}
