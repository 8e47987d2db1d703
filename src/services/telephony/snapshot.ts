/**
 * A call up now as `GET /calls/active` lists it: a caller's call session
 * (session.ts), a modem line's dial-out (dial-out.ts), and the PBX's
 * click-to-dial and campaign calls (src/services/pbx).
 */
import type { CallState } from '../../core/call/machine.ts';

export interface CallSnapshot {
  id: string; lineId: string; direction: 'inbound' | 'outbound'; state: CallState | 'dialing' | 'answered'; number: string | null; name: string | null;
  customerId: string | null; startedAt: string; answeredAt: string | null; digits: string;
}

/** An outbound call's snapshot (no keys are collected on one). */
export function outboundSnapshot(o: {
  id: string; lineId: string; state: CallSnapshot['state']; number: string | null; name: string | null; customerId: string | null; startedAt: Date; answeredAt: Date | null;
}): CallSnapshot {
  return { ...o, direction: 'outbound', startedAt: o.startedAt.toISOString(), answeredAt: o.answeredAt?.toISOString() ?? null, digits: '' };
}
