/**
 * Ownership, decided in this one place: admins and supervisors act on any
 * agent and any call; everyone else acts only as the agent they work as (a
 * user's agent, or the agent a key is bound to) and on that agent's calls:
 * a call the agent took or was offered. An integrator key bound to no agent
 * drives calls as a system (a CRM hanging up or playing into a call) but can
 * act as no agent.
 */
import type { FastifyRequest } from 'fastify';
import { KefuError } from '../core/errors.ts';
import type { AppContext } from './context.ts';
import type { Principal } from './auth.ts';

const principal = (req: FastifyRequest): Principal => {
  if (!req.principal) throw new KefuError('UNAUTHORIZED', 'sign in or send an API key');
  return req.principal;
};

const actsForAnyone = (p: Principal): boolean => p.role === 'admin' || p.role === 'supervisor';

/**
 * The agent a request acts as: `named` (from the body, field `field`) when
 * given and allowed, else the principal's own agent; null when neither.
 */
export function actingAgent(req: FastifyRequest, named: string | undefined, field = 'body.agentId'): string | null {
  const p = principal(req);
  if (named === undefined || named === p.agentId) return p.agentId;
  if (actsForAnyone(p)) return named;
  throw new KefuError('FORBIDDEN', p.agentId
    ? `${field}: you act only as agent ${p.agentId}`
    : `${field}: this ${p.user ? 'user' : 'key'} is bound to no agent, so it cannot act as ${named}`, { field });
}

/** An agent's own state: theirs, or anyone's for admins and supervisors. */
export function assertMayActAsAgent(req: FastifyRequest, agentId: string): void {
  const p = principal(req);
  if (actsForAnyone(p) || p.agentId === agentId) return;
  throw new KefuError('FORBIDDEN', p.agentId ? `you act only as agent ${p.agentId}, not ${agentId}` : `this ${p.user ? 'user' : 'key'} is bound to no agent`);
}

/**
 * A live or recorded call: the principal's agent took it (the call's agent),
 * is on it or ringing for it now, or was offered it (a leg). With `orFree`,
 * a call nobody has taken yet is allowed too (taking a ringing call).
 */
export async function assertMayActOnCall(ctx: AppContext, req: FastifyRequest, callId: string, opts: { orFree?: boolean } = {}): Promise<void> {
  const p = principal(req);
  if (actsForAnyone(p)) return;
  if (p.role === 'integrator' && p.agentId === null) return;
  const me = p.agentId;
  if (!me) throw new KefuError('FORBIDDEN', `this ${p.user ? 'user' : 'key'} works as no agent, so it acts on no call`);
  if (ctx.agents.list().some((a) => a.id === me && a.callId === callId)) return;
  const call = await ctx.repos.calls.get(callId);
  if (call.agentId === me || (opts.orFree && call.agentId === null)) return;
  if ((await ctx.repos.legs.forCall(callId)).some((l) => l.agentId === me)) return;
  throw new KefuError('FORBIDDEN', `call ${callId} is not agent ${me}'s`);
}

/**
 * Whose records a principal sees where records belong to an agent (follow-up
 * tasks, complaints against an agent): undefined for everyone's (admins,
 * supervisors, an integrator key bound to no agent), else the one agent the
 * principal works as. A user or agent key bound to no agent sees none.
 */
export function ownScope(req: FastifyRequest): string | undefined {
  const p = principal(req);
  if (actsForAnyone(p) || (p.role === 'integrator' && p.agentId === null)) return undefined;
  if (!p.agentId) throw new KefuError('FORBIDDEN', `this ${p.user ? 'user' : 'key'} works as no agent, so it has no tasks`);
  return p.agentId;
}

/** Who did it, as kept in records: the agent the principal works as, else the user or key. */
export function actorName(req: FastifyRequest): string {
  const p = principal(req);
  return p.agentId ?? (p.user ? `user:${p.user.username}` : `key:${p.keyId}`);
}
