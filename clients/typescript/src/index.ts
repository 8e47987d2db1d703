/**
 * kefu's typed client: the REST API through openapi-fetch, typed by
 * openapi.d.ts (generated from GET /api/v1/openapi.json), and the event
 * stream, typed by events.d.ts (from GET /api/v1/asyncapi.json).
 *
 *   const kefu = createKefuClient({ baseUrl: 'http://127.0.0.1:8080', apiKey });
 *   const { data, error } = await kefu.api.GET('/api/v1/customers', { params: { query: { phone: '138 0013 8000' } } });
 *   const stream = await kefu.events(['call.ringing']);
 *   stream.on('call.ringing', (e) => console.log(e.data.number, e.data.customer?.name));
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './openapi.d.ts';
import type { KefuEvent, KefuEventType } from './events.d.ts';

export type { paths, components, operations } from './openapi.d.ts';
export type { KefuEvent, KefuEventType } from './events.d.ts';

export interface KefuClientOptions {
  /** e.g. http://127.0.0.1:8080 (no /api/v1). */
  baseUrl: string;
  /** An API key (`kefu keys create --role integrator`). */
  apiKey: string;
  /** A WebSocket constructor (Node 22+ and browsers have one; on Node 20 pass `ws`'s). */
  WebSocket?: new (url: string, protocols: string[]) => WebSocketLike;
}

/** The part of a WebSocket the stream uses. */
export interface WebSocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  close(code?: number, reason?: string): void;
}

export interface EventStream {
  /** Call `handler` for each event of this type; returns a function that stops it. */
  on<T extends KefuEventType>(type: T, handler: (event: KefuEvent<T>) => void): () => void;
  /** Every event. */
  onAny(handler: (event: KefuEvent) => void): () => void;
  /** Resolves when the server closed the stream (code 1013: too slow or too many streams, reconnect). */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export interface KefuClient {
  /** openapi-fetch: `api.GET('/api/v1/calls/{id}', { params: { path: { id } } })` → { data, error, response }. */
  api: Client<paths>;
  /**
   * Opens the event stream (`types`: only these), authenticated by the subprotocol "kefu.bearer.<key>".
   * `since`: resume after this event id (the last `id` received): the missed events come first, or a
   * `resync-required` message when the server's log no longer reaches back that far.
   */
  events(types?: readonly KefuEventType[], opts?: { since?: number }): Promise<EventStream>;
}

export function createKefuClient(opts: KefuClientOptions): KefuClient {
  const baseUrl = opts.baseUrl.replace(/\/$/, '');
  const api = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${opts.apiKey}` } });
  return {
    api,
    events(types, streamOpts) {
      const Ws = opts.WebSocket ?? (globalThis as { WebSocket?: KefuClientOptions['WebSocket'] }).WebSocket;
      if (!Ws) throw new Error('no WebSocket here: pass options.WebSocket (e.g. the ws package)');
      const query = new URLSearchParams();
      if (types && types.length) query.set('types', types.join(','));
      if (streamOpts?.since !== undefined) query.set('since', String(streamOpts.since));
      const url = `${baseUrl.replace(/^http/, 'ws')}/api/v1/events${query.size ? `?${query.toString()}` : ''}`;
      const ws = new Ws(url, ['kefu', `kefu.bearer.${opts.apiKey}`]);
      const handlers = new Map<string, Set<(e: KefuEvent) => void>>();
      const any = new Set<(e: KefuEvent) => void>();
      let closedResolve!: (v: { code: number; reason: string }) => void;
      const closed = new Promise<{ code: number; reason: string }>((r) => { closedResolve = r; });
      ws.onmessage = (m) => {
        const event = JSON.parse(String(m.data)) as KefuEvent;
        for (const h of handlers.get(event.type) ?? []) h(event);
        for (const h of any) h(event);
      };
      ws.onclose = (ev) => closedResolve({ code: ev.code, reason: ev.reason });
      const stream: EventStream = {
        on(type, handler) {
          const set = handlers.get(type) ?? new Set();
          handlers.set(type, set);
          const h = handler as (e: KefuEvent) => void;
          set.add(h);
          return () => set.delete(h);
        },
        onAny(handler) { any.add(handler); return () => any.delete(handler); },
        closed,
        close: () => ws.close(1000),
      };
      return new Promise((resolve, reject) => {
        ws.onopen = () => resolve(stream);
        ws.onerror = (err) => reject(err instanceof Error ? err : new Error('the event stream could not open (key, role or limit: see the HTTP answer)'));
      });
    },
  };
}
