/**
 * One event-stream socket, paced by its reader. States:
 *
 * - `live`: each logged event is sent as the sequencer delivers it.
 * - `behind`: the socket holds more than maxBufferedBytes unsent (a burst
 *   bigger than the client has read yet, or a client that stopped reading).
 *   Live events are not sent and not kept: the event log has them. Once the
 *   client has read half of what is buffered, the log's ids after the last
 *   one dealt with are replayed, page by page at the reader's pace, then the
 *   socket goes live again. A client that reads nothing for slowReaderMs is
 *   closed with 1013 "slow reader" (it may resume with `since`).
 * - A resume (`?since=<id>`) starts `behind`, after checking that the log
 *   still reaches back to that id (else `resync-required`, then live).
 *
 * The switch back to live happens in the same tick as the check that the
 * replay reached the sequencer's last delivered id: every id up to it was
 * committed (so the replay read it), every later id comes live, in order.
 * No gap, no duplicate; a socket holds about maxBufferedBytes, and while
 * behind, references to at most HELD_MAX shared events.
 * Without an event log (a bus with no sink: tools) nothing can be replayed,
 * and a socket over the limit is closed at once.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { EventBus, LoggedEvent } from '../../core/events/bus.ts';
import type { EventLogService } from '../../services/events/event-log-service.ts';

const PAGE = 500;
/** How often a socket that is behind looks whether its reader made room. */
const LOOK_MS = 20;
/** Live events kept while a replay round runs; more, and the next round reads them from the log. */
const HELD_MAX = PAGE;

export type ResyncMessage = { type: 'resync-required'; at: string; data: { since: number; prunedThrough: number; lastId: number; reason: 'pruned' | 'unknown' } };

export interface EventStreamDeps {
  bus: EventBus;
  log: EventLogService | null;
  /** Resume after this id; null: live from now. */
  since: number | null;
  /** Only these types (null: all). */
  types: ReadonlySet<string> | null;
  socket: WebSocket;
  maxBufferedBytes: number;
  slowReaderMs: number;
  logger: FastifyBaseLogger;
}

class SlowReader extends Error {}

/** Starts the stream on the socket; returns the unsubscribe. */
export function streamEvents(d: EventStreamDeps): () => void {
  const { socket, log } = d;
  let state: 'live' | 'behind' = d.since !== null && log ? 'behind' : 'live';
  /** The highest id sent or passed over (not wanted); the replay starts after it. */
  let lastSeen = d.since ?? log?.lastDelivered ?? 0;
  const open = () => socket.readyState === socket.OPEN;
  const wanted = (type: string) => d.types === null || d.types.has(type);
  const send = (e: LoggedEvent | ResyncMessage) => { if (open()) socket.send(JSON.stringify(e)); };

  const slow = (what: string) => {
    if (!open()) return;
    d.logger.warn({ bufferedAmount: socket.bufferedAmount, lastSeen }, `event stream dropped: slow reader (${what})`);
    socket.close(1013, `slow reader: events were not read; resume with since=${lastSeen}`);
  };

  /** Waits until the reader has taken half of the buffer; throws SlowReader when it reads nothing for slowReaderMs. */
  const drained = async () => {
    let mark = socket.bufferedAmount;
    let since = Date.now();
    while (open() && socket.bufferedAmount > d.maxBufferedBytes / 2) {
      if (socket.bufferedAmount < mark) { mark = socket.bufferedAmount; since = Date.now(); }
      if (Date.now() - since >= d.slowReaderMs) throw new SlowReader();
      await new Promise((r) => setTimeout(r, LOOK_MS));
    }
  };

  /**
   * The log no longer reaches back to `from` (pruned) or never had it: the
   * client is told to reload, and the stream goes on live from now (the
   * caller sets `live` in the same tick).
   */
  const tooOld = async (from: number, resume: boolean): Promise<boolean> => {
    if (!log) return false;
    // only a resume's id can be past the log's end: a later round's lastSeen is at most lastDelivered
    const [prunedThrough, lastWritten] = await Promise.all([log.prunedThrough(), resume ? log.lastWritten() : 0]);
    const upTo = log.lastDelivered;
    const lastId = Math.max(prunedThrough, lastWritten, upTo);
    const reason = from < prunedThrough ? 'pruned' : from > lastId ? 'unknown' : null;
    if (!reason) return false;
    send({ type: 'resync-required', at: new Date().toISOString(), data: { since: from, prunedThrough, lastId, reason } });
    lastSeen = upTo;
    return true;
  };

  /** Live events delivered while a replay round runs (ids above its end); `overflow`: too many, the next round reads them. */
  let held: LoggedEvent[] = [];
  let overflow = false;

  /**
   * Replays the log after lastSeen up to the sequencer's last delivered id,
   * then sends what was delivered meanwhile and goes live, or starts another
   * round when that did not fit.
   */
  const catchUp = async (first: boolean) => {
    if (!log) return;
    const types = d.types === null ? null : [...d.types];
    for (;;) {
      if (!first) await drained();
      if (!open()) return;
      if (await tooOld(lastSeen, first)) { state = 'live'; return; }
      first = false;
      // same tick: every id up to upTo is committed; every later one is delivered into `held`
      const upTo = log.lastDelivered;
      held = [];
      overflow = false;
      for (;;) {
        const page = await log.read(lastSeen, upTo, PAGE, types);
        for (const e of page) {
          if (socket.bufferedAmount > d.maxBufferedBytes) await drained();
          if (!open()) return;
          send(e);
          lastSeen = e.id;
        }
        if (page.length < PAGE) break;
      }
      lastSeen = Math.max(lastSeen, upTo);
      if (overflow) continue;
      const rest = held;
      held = [];
      let all = true;
      for (const e of rest) {
        if (!wanted(e.type)) { lastSeen = e.id; continue; }
        if (socket.bufferedAmount > d.maxBufferedBytes) { all = false; break; }
        send(e);
        lastSeen = e.id;
      }
      if (all) { state = 'live'; return; }
    }
  };

  const failed = (err: unknown) => {
    if (err instanceof SlowReader) { slow('read nothing for http.events.slowReaderS'); return; }
    d.logger.error({ err }, 'event stream: replay from the event log failed');
    if (open()) socket.close(1011, `replay failed; resume with since=${lastSeen}`);
  };

  const off = d.bus.subscribeLogged((e) => {
    // An event streamed while the log could not be written has no id: sent when there is room, never replayed.
    const logged = typeof e.id === 'number';
    if (state !== 'live') {
      if (!logged || overflow) return;
      if (held.length >= HELD_MAX) { held = []; overflow = true; } else held.push(e);
      return;
    }
    if (!open() || !wanted(e.type)) { if (logged) lastSeen = e.id; return; }
    if (socket.bufferedAmount > d.maxBufferedBytes) {
      if (!log) slow('over http.events.maxBufferedBytes');
      else if (logged) {
        d.logger.debug({ bufferedAmount: socket.bufferedAmount, lastSeen }, 'event stream behind: the missed events follow from the event log');
        state = 'behind';
        catchUp(false).catch(failed);
      }
      return;
    }
    send(e);
    if (logged) lastSeen = e.id;
  });
  if (state === 'behind') catchUp(true).catch(failed);
  return off;
}
