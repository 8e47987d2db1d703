import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { KefuError } from '../../core/errors.ts';
import { streamEvents } from './stream.ts';

/**
 * GET /api/v1/events: the event stream over WebSocket. Each message is
 * { id, type, at, data } (id: the event log's, an integer increasing in
 * stream order). `?types=call.ringing,screenpop` narrows it; `?since=<id>`
 * first replays the logged events after that id, then goes on live with no
 * gap and no duplicate (or starts with a `resync-required` message when the
 * log no longer reaches back to it: see docs/scale-out.md). Browsers
 * authenticate with the subprotocols ["kefu", "kefu.bearer.<key>"]; the
 * server answers with "kefu".
 */
export const eventRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const limits = ctx.config.http.events;
  /** Open sockets per principal (API key id, or user:<id>). */
  const open = new Map<string, number>();
  let total = 0;
  const principalOf = (req: FastifyRequest): string => req.principal?.keyId ?? 'anonymous';
  /** Why one more socket for this principal would pass a cap, or null. */
  const overCap = (who: string): string | null => {
    if (total >= limits.maxSockets) return `${total} event streams are open (http.events.maxSockets)`;
    if ((open.get(who) ?? 0) >= limits.maxSocketsPerPrincipal) return `this key or user has ${open.get(who)} event streams open (http.events.maxSocketsPerPrincipal)`;
    return null;
  };

  app.get('/events', {
    websocket: true,
    config: { websocket: true },
    // Refused before the upgrade: a plain HTTP 429.
    preHandler: async (req) => {
      const why = overCap(principalOf(req));
      if (why) throw new KefuError('RATE_LIMITED', `too many event streams: ${why}; close one first`, { limit: why.includes('PerPrincipal') ? limits.maxSocketsPerPrincipal : limits.maxSockets });
    },
    schema: {
      tags: ['events'],
      description: 'WebSocket. Messages: { id, type, at, data } (id: integer from the event log, increasing along the stream) with types line.state, line.ring, line.callerid (raw caller-ID block, normalised number, recognised), call.ringing, call.answered, call.dtmf, call.ended, screenpop, agent.state, queue.update, queue.announcement, recording.ready, recording.failed, sms.received, sms.status, fax.received, fax.status, campaign.update, scorecard.published, scorecard.appeal. '
        + 'At most http.events.maxSockets streams at once and http.events.maxSocketsPerPrincipal per key or user (429 RATE_LIMITED before the upgrade); '
        + 'a client that leaves more than http.events.maxBufferedBytes unread gets no live events until it has read half of them, then the ones it missed from the event log, in order, before it goes live again; '
        + 'one that reads nothing for http.events.slowReaderS meanwhile is closed with 1013 "slow reader" (resume with since). '
        + '`?since=<id>` resumes: every logged event after that id first (same `types` narrowing), then live events, none missed or repeated; '
        + 'when the id is older than the kept log (events.retentionH, events.maxRows) or unknown, the first message is '
        + '{ type: "resync-required", at, data: { since, prunedThrough, lastId, reason: "pruned" | "unknown" } } and the stream goes on live from now (reload state, then keep the ids).',
      querystring: Type.Object({
        types: Type.Optional(Type.String({ maxLength: 1000, description: 'comma-separated event types to receive' })),
        since: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,14})$', description: 'resume after this event id (a non-negative integer): the events logged after it come first' })),
      }, { additionalProperties: false }),
    },
  }, (socket, req) => {
    const who = principalOf(req);
    // Upgrades that passed preHandler together may still exceed the cap: checked again, now synchronously.
    const why = overCap(who);
    if (why) { socket.close(1013, 'too many event streams'); return; }
    total++;
    open.set(who, (open.get(who) ?? 0) + 1);
    const wanted = req.query.types ? new Set(req.query.types.split(',').map((s) => s.trim()).filter(Boolean)) : null;
    const off = streamEvents({
      bus: ctx.bus, log: ctx.eventLog ?? null, since: req.query.since === undefined ? null : Number(req.query.since), types: wanted, socket,
      maxBufferedBytes: limits.maxBufferedBytes, slowReaderMs: limits.slowReaderS * 1000, logger: req.log.child({ principal: who }),
    });
    let closed = false;
    const release = () => {
      if (closed) return;
      closed = true;
      off();
      total--;
      const n = (open.get(who) ?? 1) - 1;
      if (n > 0) open.set(who, n); else open.delete(who);
    };
    socket.on('close', release);
    socket.on('error', release);
    socket.on('message', () => { /* the stream is one-way; client messages are ignored */ });
  });
};
