/**
 * Which events a webhook subscription receives: a list of patterns, each an
 * exact event type (`call.ended`, `task.due`), a family (`call.*`) or `*`.
 * Patterns are checked against the event types the daemon publishes, so a
 * typo is refused when the subscription is made rather than never matching.
 */
import type { EventType } from '../events/bus.ts';

/**
 * Every event type a subscription may name. Typed against the bus's EventMap:
 * a type added there must be added here (the compiler says so). `task.due` is
 * fixed by API.md and published by the care plans.
 */
const KNOWN: Record<EventType | 'task.due', true> = {
  'line.state': true, 'line.ring': true, 'line.callerid': true,
  'call.ringing': true, 'call.answered': true, 'call.dtmf': true, 'call.ended': true,
  screenpop: true, 'agent.state': true, 'queue.update': true, 'queue.announcement': true,
  'recording.ready': true, 'recording.failed': true,
  'sms.received': true, 'sms.status': true, 'fax.received': true, 'fax.status': true,
  'campaign.update': true, 'import.progress': true, 'task.due': true,
  'scorecard.published': true, 'scorecard.appeal': true,
};

export const KNOWN_EVENT_TYPES: readonly string[] = Object.keys(KNOWN).sort();

/** Families a `family.*` pattern may name: those of the known types, and the scorecards' (`scorecard.*`). */
export const EVENT_FAMILIES: readonly string[] = [...new Set([...KNOWN_EVENT_TYPES.filter((t) => t.includes('.')).map((t) => t.split('.')[0]!), 'scorecard'])].sort();

/** At most this many patterns in one subscription. */
export const MAX_PATTERNS = 50;

/** Why `pattern` is not one a subscription may use, or null when it is. */
export function patternProblem(pattern: string): string | null {
  if (pattern === '*') return null;
  if (pattern.endsWith('.*')) {
    const family = pattern.slice(0, -2);
    return EVENT_FAMILIES.includes(family) ? null : `unknown event family "${family}" (known: ${EVENT_FAMILIES.join(', ')})`;
  }
  if (pattern.includes('*')) return 'a wildcard stands alone ("*") or ends a family ("call.*")';
  return Object.hasOwn(KNOWN, pattern) ? null : `unknown event type "${pattern}" (an exact type such as call.ended, a family such as call.*, or *)`;
}

/** True when `type` is matched by one of `patterns`. */
export function matches(patterns: readonly string[], type: string): boolean {
  for (const p of patterns) {
    if (p === '*' || p === type) return true;
    if (p.endsWith('.*') && type.startsWith(p.slice(0, -1))) return true;
  }
  return false;
}

/**
 * The order key of an event: deliveries with the same key (for one
 * subscription) go strictly one after another. Events about a call are kept
 * in order per call, fax events per fax; the others have no order to keep.
 */
export function orderKeyOf(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  if (typeof d.callId === 'string' && d.callId) return `call:${d.callId}`;
  if (typeof d.faxId === 'string' && d.faxId) return `fax:${d.faxId}`;
  return null;
}
