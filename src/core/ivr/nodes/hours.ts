import { DEFAULT_TIMEZONE, type HoursNode } from '../schema.ts';
import { localTime, parseHhMm } from '../time.ts';
import type { NodeExec } from './types.ts';

/** True when `at` falls in the node's opening hours (holidays closed all day). */
export function isOpen(node: HoursNode, at: Date): boolean {
  const local = localTime(at, node.timezone ?? DEFAULT_TIMEZONE);
  if ((node.holidays ?? []).includes(local.date)) return false;
  return (node.schedule[local.weekday] ?? []).some(([start = '', end = '']) => {
    const s = parseHhMm(start);
    const e = parseHhMm(end);
    return s !== null && e !== null && local.minutes >= s && local.minutes < e;
  });
}

/** Branches on the context clock in the node's time zone. */
export const exec: NodeExec<HoursNode> = (node, env) =>
  Promise.resolve(isOpen(node, env.ctx.now()) ? { next: node.open, branch: 'open' } : { next: node.closed, branch: 'closed' });
