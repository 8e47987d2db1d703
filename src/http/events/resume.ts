/**
 * `GET /api/v1/events?since=<id>`: subscribe first (live events are held) and
 * note the last id the stream delivered before (B), replay the log's ids in
 * (since, B] page by page, then send the held events (ids > B), then go live.
 * Every id <= B was delivered before the subscription, so it is committed and
 * the replay reads it; every id > B comes through the subscription, in id
 * order (the sequencer): no gap, no duplicate.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { EventBus, LoggedEvent } from '../../core/events/bus.ts';
import type { EventLogService } from '../../services/events/event-log-service.ts';

const PAGE = 500;
/** Live events held while the replay runs; more and the client is told to resume again. */
const MAX_HELD = 20_000;

export type ResyncMessage = { type: 'resync-required'; at: string; data: { since: number; prunedThrough: number; lastId: number; reason: 'pruned' | 'unknown' } };

export interface ResumeDeps {
  bus: EventBus;
  log: EventLogService;
  since: number;
  types: string[] | null;
  send(e: LoggedEvent | ResyncMessage): void;
  socket: WebSocket;
  maxBufferedBytes: number;
  logger: FastifyBaseLogger;
}

/** Starts the resume; returns the unsubscribe. */
export function replayThenLive(d: ResumeDeps): () => void {
  let live = false;
  let held: LoggedEvent[] = [];
  let lastSent = d.since;
  const off = d.bus.subscribeLogged((e) => {
    if (live) { d.send(e); return; }
    held.push(e);
    if (held.length > MAX_HELD) d.socket.close(1013, `slow reader: resume again with since=${lastSent}`);
  });
  const upTo = d.log.lastDelivered;
  const open = () => d.socket.readyState === d.socket.OPEN;
  /** Replay at the reader's pace: wait while half the send buffer is full. */
  const drained = async () => {
    while (open() && d.socket.bufferedAmount > d.maxBufferedBytes / 2) await new Promise((r) => setTimeout(r, 20));
  };
  void (async () => {
    const [prunedThrough, lastWritten] = await Promise.all([d.log.prunedThrough(), d.log.lastWritten()]);
    const lastId = Math.max(prunedThrough, lastWritten, upTo);
    const reason = d.since < prunedThrough ? 'pruned' : d.since > lastId ? 'unknown' : null;
    if (reason) {
      d.send({ type: 'resync-required', at: new Date().toISOString(), data: { since: d.since, prunedThrough, lastId, reason } });
      lastSent = -1;
    } else {
      for (;;) {
        const page = await d.log.read(lastSent, upTo, PAGE, d.types);
        for (const e of page) { d.send(e); lastSent = e.id; }
        if (page.length < PAGE || !open()) break;
        await drained();
      }
    }
    for (const e of held) if (e.id > lastSent) d.send(e);
    held = [];
    live = true;
  })().catch((err: unknown) => {
    d.logger.error({ err }, 'event stream: resume failed');
    d.socket.close(1011, `resume failed; try again with since=${lastSent}`);
  });
  return off;
}
