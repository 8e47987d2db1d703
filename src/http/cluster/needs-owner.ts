/**
 * Which requests need the Asterisk node's owner (cluster.enabled; see
 * forward.ts). Routes name these in `config.nodeOwner`.
 */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';

/**
 * A command on one call (`:id`): it runs on the owner, unless the call is
 * live on this daemon (a modem line of its own, or calls it still holds).
 */
export const callOnOwner = (ctx: AppContext) => (req: FastifyRequest): boolean => {
  const id = (req.params as { id?: string }).id;
  return !ctx.telephony.activeCalls().some((c) => c.id === id);
};

/** Click-to-dial: the multi-seat mode (a seat rings through Asterisk) runs on the owner; a modem line's dial runs here. */
export const seatDialOnOwner = (req: FastifyRequest): boolean => (req.body as { seatId?: unknown } | undefined)?.seatId !== undefined;
