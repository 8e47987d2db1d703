/**
 * A WebSocket client of /api/v1/events with the event log's ids: connects
 * (optionally with ?since=), keeps every message, waits for a count or a
 * message with a deadline.
 */
import WebSocket from 'ws';
import { TEST_KEY } from './daemon.ts';

export interface StreamMsg { id?: number; type: string; at: string; data: Record<string, unknown> }

export interface EventStream {
  msgs: StreamMsg[];
  /** When each message came (Date.now(), same index as msgs): figures only. */
  recvAt: number[];
  /** Resolves when `pred` holds over the messages so far. */
  until(what: string, pred: (msgs: StreamMsg[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function openEventStream(url: string, query = ''): Promise<EventStream> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/events${query}`, ['kefu', `kefu.bearer.${TEST_KEY}`]);
  const msgs: StreamMsg[] = [];
  const recvAt: number[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (d: Buffer) => { recvAt.push(Date.now()); msgs.push(JSON.parse(d.toString()) as StreamMsg); for (const w of [...waiters]) w(); });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  return {
    msgs, recvAt,
    until(what, pred, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => { if (pred(msgs)) { waiters.delete(check); clearTimeout(t); resolve(); } };
        const t = setTimeout(() => { waiters.delete(check); reject(new Error(`${what}: not seen in ${timeoutMs} ms; got ${msgs.length} messages, last: ${JSON.stringify(msgs.slice(-3))}`)); }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      if (ws.readyState === ws.CLOSED) return Promise.resolve();
      return new Promise<void>((r) => { ws.once('close', () => r()); ws.close(); });
    },
  };
}

/** The agent.state messages of one agent. */
export const statesOf = (msgs: StreamMsg[], agentId: string): StreamMsg[] => msgs.filter((m) => m.type === 'agent.state' && m.data.agentId === agentId);
