import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import type { KefuEvent } from '../../core/events/bus.ts';

/**
 * GET /api/v1/events: the event stream over WebSocket. Each message is
 * { type, at, data }. `?types=call.ringing,screenpop` narrows it. Browsers
 * authenticate with the subprotocols ["kefu", "kefu.bearer.<key>"]; the
 * server answers with "kefu".
 */
export const eventRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/events', {
    websocket: true,
    schema: {
      tags: ['events'],
      description: 'WebSocket. Messages: { type, at, data } with types line.state, line.ring, line.callerid (raw caller-ID block, normalised number, recognised), call.ringing, call.answered, call.dtmf, call.ended, screenpop, agent.state, queue.update, queue.announcement, recording.ready, sms.received, fax.received, campaign.update.',
      querystring: Type.Object({ types: Type.Optional(Type.String({ description: 'comma-separated event types to receive' })) }, { additionalProperties: false }),
    },
  }, (socket, req) => {
    const wanted = req.query.types ? new Set(req.query.types.split(',').map((s) => s.trim()).filter(Boolean)) : null;
    const send = (e: KefuEvent) => {
      if (wanted && !wanted.has(e.type)) return;
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(e));
    };
    const off = ctx.bus.subscribe(send);
    socket.on('close', off);
    socket.on('error', off);
    socket.on('message', () => { /* the stream is one-way; client messages are ignored */ });
  });
};
