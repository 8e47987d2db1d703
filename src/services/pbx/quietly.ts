import type { Logger } from 'pino';

/**
 * For clean-up on the PBX (hang up a leg, stop a ring, destroy a bridge) that
 * may find the leg gone already: the Pbx port swallows NOT_FOUND/CONFLICT
 * itself, so what reaches here (PBX unreachable...) is logged once, at debug,
 * and the call goes on.
 */
export const quietly = (log: Logger, what: string) => (err: unknown): void => { log.debug({ err }, `${what} failed`); };
