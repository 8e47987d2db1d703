/**
 * Who sees which scorecard: admins, supervisors and an integrator key bound
 * to no agent see every card; anyone else (an agent, a key bound to an
 * agent) only the cards of the agent they work as.
 */
import type { FastifyRequest } from 'fastify';
import { KefuError } from '../../core/errors.ts';
import type { Role } from '../../db/repos/keys.ts';
import type { Principal } from '../auth.ts';

export const MANAGERS: readonly Role[] = ['admin', 'supervisor'];
export const READERS: readonly Role[] = ['admin', 'supervisor', 'integrator'];

export const principalOf = (req: FastifyRequest): Principal => {
  if (!req.principal) throw new KefuError('UNAUTHORIZED', 'sign in or send an API key');
  return req.principal;
};

export const seesAll = (p: Principal): boolean => p.role === 'admin' || p.role === 'supervisor' || (p.role === 'integrator' && p.agentId === null);

/** Who, as written in a card's change log: the principal's name and key (or user) id. */
export const actorOf = (req: FastifyRequest): string => {
  const p = principalOf(req);
  return `${p.name} [${p.keyId}]`;
};

/** The agent whose cards a listing may show: the asked one for those who see all, else the principal's own. */
export function listedAgent(req: FastifyRequest, asked: string | undefined): string | undefined {
  const p = principalOf(req);
  if (seesAll(p)) return asked;
  if (!p.agentId) throw new KefuError('FORBIDDEN', `this ${p.user ? 'user' : 'key'} works as no agent, so it has no scorecards`);
  if (asked !== undefined && asked !== p.agentId) throw new KefuError('FORBIDDEN', `querystring.agentId: you see only agent ${p.agentId}'s scorecards`, { field: 'querystring.agentId' });
  return p.agentId;
}

export function assertOwnCard(req: FastifyRequest, card: { id: string; agentId: string }): void {
  const p = principalOf(req);
  if (seesAll(p) || (p.agentId !== null && p.agentId === card.agentId)) return;
  throw new KefuError('FORBIDDEN', `scorecard ${card.id} is not yours`);
}
