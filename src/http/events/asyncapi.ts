/**
 * The event stream described for integrators: an AsyncAPI 3.0 document made
 * from the TypeBox schemas the daemon's events are checked against
 * (src/core/events/schemas.ts), served at GET /api/v1/asyncapi.json.
 * Every message is { type, at, data }; one AsyncAPI message per event type.
 */
import { EventPayloads, CustomerSummarySchema, eventEnvelope, ResyncRequiredSchema } from '../../core/events/schemas.ts';
import type { EventType } from '../../core/events/bus.ts';

type Obj = Record<string, unknown>;

/** A schema as plain JSON, the shared customer summary as a reference. */
function plain(schema: unknown): unknown {
  const summary = JSON.stringify(CustomerSummarySchema);
  return JSON.parse(JSON.stringify(schema), function (this: unknown, _k, v: unknown) {
    return typeof v === 'object' && v !== null && JSON.stringify(v) === summary ? { $ref: '#/components/schemas/CustomerSummary' } : v;
  }) as unknown;
}

export function asyncApiDocument(host: string, secure: boolean): Obj {
  const types = Object.keys(EventPayloads).sort() as EventType[];
  const messages: Obj = {};
  for (const type of types) {
    const payload = EventPayloads[type] as { description?: string };
    messages[type] = {
      name: type,
      title: type,
      summary: payload.description ?? type,
      contentType: 'application/json',
      payload: plain(eventEnvelope(type)),
    };
  }
  messages['resync-required'] = {
    name: 'resync-required', title: 'resync-required', summary: (ResyncRequiredSchema as { description?: string }).description,
    contentType: 'application/json', payload: plain(ResyncRequiredSchema),
  };
  const all = [...types, 'resync-required'];
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'kefu event stream',
      version: '1',
      description: 'Everything that happens (calls ringing, answered, keys pressed, ended; lines; agents; queues; recordings; SMS; fax; campaigns) '
        + 'as JSON messages { type, at, data } on one WebSocket. `?types=call.ringing,call.ended` narrows the stream. '
        + 'Authenticate with an API key as the subprotocol: `new WebSocket(url, ["kefu", "kefu.bearer." + key])` (keys never go in URLs); '
        + 'the server answers with the subprotocol "kefu". A client that falls behind gets the events it missed from the event log, in order, once it reads again; one that reads nothing for http.events.slowReaderS is closed with 1013 "slow reader" (resume with since). '
        + 'Each event has an `id` (integer, increasing along the stream). Reconnect with `?since=<last id received>` to get every event missed first, '
        + 'then live ones, none twice; if the log no longer reaches back that far the first message is `resync-required` (reload state).',
      license: { name: 'MIT', url: 'https://spdx.org/licenses/MIT.html' },
    },
    defaultContentType: 'application/json',
    servers: {
      kefu: {
        host, protocol: secure ? 'wss' : 'ws', pathname: '/api/v1/events',
        description: 'This server', security: [{ $ref: '#/components/securitySchemes/subprotocolKey' }],
      },
    },
    channels: {
      events: {
        address: '/api/v1/events',
        title: 'Event stream',
        description: 'One WebSocket; each message is one event.',
        messages: Object.fromEntries(all.map((t) => [t, { $ref: `#/components/messages/${t}` }])),
        bindings: { ws: { method: 'GET', query: { type: 'object', properties: {
          types: { type: 'string', maxLength: 1000, description: 'comma-separated event types to receive (all when left out)' },
          since: { type: 'string', pattern: '^(0|[1-9][0-9]{0,14})$', description: 'resume after this event id: the logged events after it come first, then live ones' },
        } } } },
      },
    },
    operations: {
      receiveEvents: {
        action: 'receive',
        channel: { $ref: '#/channels/events' },
        summary: 'Receive the events',
        messages: all.map((t) => ({ $ref: `#/channels/events/messages/${t}` })),
      },
    },
    components: {
      schemas: { CustomerSummary: JSON.parse(JSON.stringify(CustomerSummarySchema)) as unknown },
      messages,
      securitySchemes: {
        subprotocolKey: {
          type: 'httpApiKey', in: 'header', name: 'Sec-WebSocket-Protocol',
          description: 'The API key as the subprotocol "kefu.bearer.<key>", next to "kefu" (browsers cannot set Authorization on a WebSocket). Console sessions use their cookie.',
        },
      },
    },
  };
}
