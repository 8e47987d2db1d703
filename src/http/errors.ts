/**
 * The one place where errors become HTTP responses:
 * { "error": { "code", "message", "details" } }. 4xx say what was wrong with
 * the input; 5xx hide internals (logged with the request id).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { KefuError, type ErrorCode } from '../core/errors.ts';

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, UNPROCESSABLE: 422,
  RATE_LIMITED: 429, LINE_BUSY: 409, LINE_OFFLINE: 409, NOT_SUPPORTED: 422, DB_UNAVAILABLE: 503, PBX_UNREACHABLE: 503, STALE_EPOCH: 503, NODE_OWNER_UNAVAILABLE: 503, NODE_OWNER_TIMEOUT: 504,
  MODEM_TIMEOUT: 504, DEVICE_GONE: 503, CANCELLED: 409,
};

/** 5xx answers whose message and details are meant for the caller (they name no internals): which node's owner could not be reached, and why. */
const TOLD = new Set<ErrorCode>(['NODE_OWNER_UNAVAILABLE', 'NODE_OWNER_TIMEOUT']);

interface AjvError { instancePath: string; keyword: string; message?: string; params?: Record<string, unknown> }

/** "body.phones.0.number: must match ..." for each schema error. */
function describeValidation(errors: AjvError[], context: string): { message: string; details: Array<{ field: string; message: string }> } {
  const details = errors.map((e) => {
    let field = [context, ...e.instancePath.split('/').filter(Boolean)].join('.');
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required' && typeof e.params?.missingProperty === 'string') {
      field = `${field}.${e.params.missingProperty}`;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties' && typeof e.params?.additionalProperty === 'string') {
      field = `${field}.${e.params.additionalProperty}`;
      message = 'is not a known field';
    } else if (e.keyword === 'enum' && Array.isArray(e.params?.allowedValues)) {
      message = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    }
    return { field, message };
  });
  return { message: details.map((d) => `${d.field} ${d.message}`).join('; '), details };
}

const LOCATED = /^(body|query|querystring|params|headers)(\.|$)/;

/**
 * Services name the input they refuse in their own terms (`seatId`,
 * `phones.0.number`); the edge says where it was in the request: the body,
 * the query string or the path (`body.seatId`), in `details.field` and at the
 * start of the message.
 */
function located(err: KefuError, req: FastifyRequest): { message: string; details: unknown } {
  const details = err.details as { field?: unknown } | undefined;
  const field = details?.field;
  if (typeof field !== 'string' || field === '' || LOCATED.test(field)) return { message: err.message, details: err.details };
  const top = field.split('.')[0]!;
  const has = (o: unknown) => typeof o === 'object' && o !== null && Object.hasOwn(o, top);
  const where = has(req.body) ? 'body' : has(req.query) ? 'querystring' : has(req.params) ? 'params' : 'body';
  const full = `${where}.${field}`;
  const message = err.message.startsWith(field) ? `${full}${err.message.slice(field.length)}` : err.message;
  return { message, details: { ...details, field: full } };
}

export function errorHandler(err: FastifyError | KefuError | Error, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const fe = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation) {
    const { message, details } = describeValidation(fe.validation, fe.validationContext ?? 'body');
    return reply.status(400).send({ error: { code: 'BAD_REQUEST', message, details } });
  }
  if (err instanceof KefuError) {
    const status = STATUS[err.code] ?? 500;
    if (status >= 500 && TOLD.has(err.code)) {
      req.log.warn({ code: err.code, details: err.details }, 'request failed');
      return reply.status(status).send({ error: { code: err.code, message: err.message, details: err.details } });
    }
    if (status >= 500) req.log.error({ err, code: err.code }, 'request failed');
    if (status >= 500) return reply.status(status).send({ error: { code: err.code, message: `${err.code.toLowerCase().replaceAll('_', ' ')}` } });
    const { message, details } = located(err, req);
    return reply.status(status).send({ error: { code: err.code, message, details } });
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = status === 404 ? 'NOT_FOUND' : status === 401 ? 'UNAUTHORIZED' : status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 414 ? 'URI_TOO_LONG' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
    return reply.status(status).send({ error: { code, message: err.message } });
  }
  req.log.error({ err }, 'unhandled error');
  return reply.status(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before a route runs (a URL
 * whose percent-encoding is not UTF-8, a path parameter over maxParamLength)
 * gets the same `{ error }` body as everything else.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  errorHandler(err, req, reply);
}
