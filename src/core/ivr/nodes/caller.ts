import type { CallerNode } from '../schema.ts';
import type { NodeExec } from './types.ts';

/**
 * First match wins: blacklisted (when that branch is set), the customer's
 * tier (when it has a branch), known customer (when set), else `unknown`.
 */
export const exec: NodeExec<CallerNode> = (node, env) => {
  const { blacklisted, customer } = env.ctx.caller;
  if (blacklisted && node.blacklisted !== undefined) return Promise.resolve({ next: node.blacklisted, branch: 'blacklisted' });
  const tier = customer?.tier ?? null;
  const tierTarget = tier !== null && node.tiers !== undefined && Object.hasOwn(node.tiers, tier) ? node.tiers[tier] : undefined;
  if (tierTarget !== undefined) return Promise.resolve({ next: tierTarget, branch: `tier ${tier}` });
  if (customer && node.known !== undefined) return Promise.resolve({ next: node.known, branch: 'known' });
  return Promise.resolve({ next: node.unknown, branch: 'unknown' });
};
