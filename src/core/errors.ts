/**
 * One error class for the whole daemon. The code is a string union; the HTTP
 * layer maps codes to statuses in exactly one place (src/http/errors.ts).
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNPROCESSABLE'
  | 'RATE_LIMITED'
  | 'CONFIG_INVALID'
  | 'DB_UNAVAILABLE'
  | 'DB_ERROR'
  | 'MODEM_TIMEOUT'
  | 'MODEM_ERROR'
  | 'DEVICE_GONE'
  | 'LINE_BUSY'
  | 'LINE_OFFLINE'
  | 'NOT_SUPPORTED'
  | 'PBX_UNREACHABLE'
  /** A fenced write by a daemon that no longer holds the Asterisk node's lease (docs/scale-out.md). */
  | 'STALE_EPOCH'
  /** A request that needs the Asterisk node's owner could not be forwarded to it (no owner, no address, unreachable, a second hop). */
  | 'NODE_OWNER_UNAVAILABLE'
  /** The owner did not answer a forwarded request in time (the command may have run there). */
  | 'NODE_OWNER_TIMEOUT'
  | 'MEDIA_ERROR'
  | 'CANCELLED'
  | 'INTERNAL';

export class KefuError extends Error {
  override readonly name = 'KefuError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isKefuError = (e: unknown, code?: ErrorCode): e is KefuError =>
  e instanceof KefuError && (code === undefined || e.code === code);
