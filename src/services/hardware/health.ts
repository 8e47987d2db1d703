/**
 * Signs of life per line for the hardware page, from the event bus: online
 * or not, when it was last heard from, the last caller ID and the last error.
 */
import type { EventBus, EventMap } from '../../core/events/bus.ts';

export interface LineHealth {
  lineId: string;
  lastSeen: string | null;
  lastCallerId: EventMap['line.callerid'] | null;
  lastCallerIdAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

export class HealthBoard {
  private readonly lines = new Map<string, LineHealth>();
  private off: (() => void) | null = null;

  constructor(private readonly bus: EventBus) {}

  private of(lineId: string): LineHealth {
    let h = this.lines.get(lineId);
    if (!h) {
      h = { lineId, lastSeen: null, lastCallerId: null, lastCallerIdAt: null, lastError: null, lastErrorAt: null };
      this.lines.set(lineId, h);
    }
    return h;
  }

  start(): void {
    this.off = this.bus.subscribe((e) => {
      if (e.type === 'line.state') {
        const d = e.data as EventMap['line.state'];
        const h = this.of(d.lineId);
        if (d.state === 'offline') {
          if (d.reason && d.reason !== 'stopped') { h.lastError = d.reason; h.lastErrorAt = e.at; }
        } else h.lastSeen = e.at;
      } else if (e.type === 'line.ring') {
        this.of((e.data as EventMap['line.ring']).lineId).lastSeen = e.at;
      } else if (e.type === 'line.callerid') {
        const d = e.data as EventMap['line.callerid'];
        const h = this.of(d.lineId);
        h.lastSeen = e.at;
        h.lastCallerId = d;
        h.lastCallerIdAt = e.at;
      }
    });
  }

  stop(): void { this.off?.(); }

  get(lineId: string): LineHealth { return { ...this.of(lineId) }; }

  forget(lineId: string): void { this.lines.delete(lineId); }
}
