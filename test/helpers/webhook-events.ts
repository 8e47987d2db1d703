/** Publishing test events on the daemon's bus, and reading webhook deliveries the way a receiver does. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EventBus } from '../../src/core/events/bus.ts';
import type { Received } from './receiver.ts';

/** The four events of one call, as the call ledger publishes them. */
export function publishCall(bus: EventBus, callId: string, step: 0 | 1 | 2 | 3): void {
  const base = { callId, lineId: 'office', number: '+8613800138000' };
  if (step === 0) bus.emit('call.ringing', { ...base, name: null, customer: null, blacklisted: false });
  else if (step === 1) bus.emit('call.answered', base);
  else if (step === 2) bus.emit('call.dtmf', { ...base, digit: '1' });
  else bus.emit('call.ended', { ...base, disposition: 'completed', durationMs: 1000 });
}
export const CALL_STEPS = ['call.ringing', 'call.answered', 'call.dtmf', 'call.ended'];

/** A receiver's check of a delivery, written from docs/webhooks.md with node:crypto only. */
export function signatureValid(r: Received, secret: string, nowS = Math.floor(Date.now() / 1000), toleranceS = 300): boolean {
  const ts = String(r.headers['kefu-timestamp'] ?? '');
  const sig = String(r.headers['kefu-signature'] ?? '');
  if (!/^\d+$/.test(ts) || Math.abs(nowS - Number(ts)) > toleranceS) return false;
  const want = Buffer.from(`v1=${createHmac('sha256', secret).update(`${ts}.${r.body}`).digest('hex')}`);
  const got = Buffer.from(sig);
  return got.length === want.length && timingSafeEqual(got, want);
}

export interface Parsed { type: string; at: string; data: Record<string, unknown> }
export const parsed = (r: Received): Parsed => JSON.parse(r.body) as Parsed;

/**
 * Checks the order per call: for each call, no request for its event k+1
 * came before event k was taken (2xx). Returns the problems found.
 */
export function orderProblems(received: Received[]): string[] {
  const problems: string[] = [];
  const takenUpTo = new Map<string, number>();
  for (const r of received) {
    const e = parsed(r);
    const callId = e.data.callId as string | undefined;
    if (!callId) continue;
    const k = CALL_STEPS.indexOf(e.type);
    const done = takenUpTo.get(callId) ?? -1;
    if (k > done + 1) problems.push(`call ${callId}: ${e.type} arrived before ${CALL_STEPS[done + 1]} was taken`);
    if (r.status < 300 && k === done + 1) takenUpTo.set(callId, k);
  }
  return problems;
}
