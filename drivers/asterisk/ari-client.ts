/**
 * A thin, typed ARI client: REST over fetch and the events WebSocket, Basic
 * auth in the Authorization header only (never in a URL), reconnect with
 * backoff. Only what kefu uses is typed; everything else stays out.
 */
import WebSocket from 'ws';
import { KefuError } from '../../src/core/errors.ts';
import type { AriChannel, AriEvent } from './ari-events.ts';

export type { AriChannel } from './ari-events.ts';

export interface AriOptions {
  /** Base URL of Asterisk's HTTP server, e.g. http://127.0.0.1:8088 */
  url: string;
  username: string;
  password: string;
  /** Stasis application name. */
  app: string;
  /** Backoff between reconnects of the events socket. Default 250..10000 ms. */
  reconnect?: { minMs: number; maxMs: number };
  /** Per-request timeout. Default 5000 ms. */
  timeoutMs?: number;
  /** REST requests in flight at once; Asterisk's HTTP server refuses sessions past its limit (http.conf sessionlimit, 100). Default 16. */
  maxInFlight?: number;
}


export type AriListener = (e: AriEvent) => void;
export type AriStatus = 'connecting' | 'connected' | 'disconnected' | 'closed';

export class AriClient {
  private readonly auth: string;
  private ws: WebSocket | null = null;
  private readonly listeners = new Set<AriListener>();
  private readonly statusListeners = new Set<(s: AriStatus, reason?: string) => void>();
  private closed = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly opts: AriOptions) {
    this.auth = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
  }

  on(listener: AriListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (s: AriStatus, reason?: string) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** REST call. 4xx from Asterisk become NOT_FOUND/CONFLICT/BAD_REQUEST; no answer is PBX_UNREACHABLE. */
  async request<T = unknown>(method: string, path: string, query: Record<string, string | number | boolean | undefined> = {}, body?: unknown): Promise<T> {
    if (this.inFlight >= (this.opts.maxInFlight ?? 16)) await new Promise<void>((r) => this.queue.push(r));
    this.inFlight++;
    try {
      return await this.send<T>(method, path, query, body);
    } finally {
      this.inFlight--;
      this.queue.shift()?.();
    }
  }

  private async send<T>(method: string, path: string, query: Record<string, string | number | boolean | undefined>, body?: unknown): Promise<T> {
    const u = new URL(`/ari${path}`, this.opts.url);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v));
    let res: Response;
    try {
      res = await fetch(u, {
        method,
        headers: { authorization: this.auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
      });
    } catch (err) {
      throw new KefuError('PBX_UNREACHABLE', `ARI ${method} ${path}: Asterisk did not answer`, undefined, { cause: err });
    }
    const text = await res.text();
    if (!res.ok) {
      const message = (() => { try { return (JSON.parse(text) as { message?: string }).message ?? text; } catch { return text; } })();
      const code = res.status === 404 ? 'NOT_FOUND' : res.status === 409 ? 'CONFLICT' : res.status === 401 || res.status === 403 ? 'PBX_UNREACHABLE' : res.status >= 500 ? 'PBX_UNREACHABLE' : 'BAD_REQUEST';
      throw new KefuError(code, `ARI ${method} ${path}: ${res.status} ${message}`.trim());
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Binary GET (a stored recording's file). */
  async fetchFile(path: string): Promise<Buffer> {
    const res = await fetch(new URL(`/ari${path}`, this.opts.url), { headers: { authorization: this.auth }, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000) });
    if (!res.ok) throw new KefuError(res.status === 404 ? 'NOT_FOUND' : 'PBX_UNREACHABLE', `ARI GET ${path}: ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }

  // ---- typed helpers ----
  channels(): Promise<AriChannel[]> { return this.request('GET', '/channels'); }
  answer(channelId: string): Promise<void> { return this.request('POST', `/channels/${encodeURIComponent(channelId)}/answer`); }
  ring(channelId: string): Promise<void> { return this.request('POST', `/channels/${encodeURIComponent(channelId)}/ring`); }
  hangup(channelId: string, reason: 'normal' | 'busy' | 'congestion' | 'no_answer' | 'rejected' = 'normal'): Promise<void> {
    return this.request('DELETE', `/channels/${encodeURIComponent(channelId)}`, { reason });
  }
  play(channelId: string, media: string, playbackId: string): Promise<{ id: string; state: string }> {
    return this.request('POST', `/channels/${encodeURIComponent(channelId)}/play/${encodeURIComponent(playbackId)}`, { media });
  }
  stopPlayback(playbackId: string): Promise<void> { return this.request('DELETE', `/playbacks/${encodeURIComponent(playbackId)}`); }
  asteriskInfo(): Promise<{ system: { version: string; entity_id?: string }; build?: unknown }> { return this.request('GET', '/asterisk/info'); }
  applications(): Promise<Array<{ name: string }>> { return this.request('GET', '/applications'); }

  /** Open the events socket; resolves once connected the first time. Reconnects by itself until close(). */
  async connect(): Promise<void> {
    this.closed = false;
    await new Promise<void>((resolve, reject) => this.open(resolve, reject));
  }

  private open(onFirst?: () => void, onFirstError?: (e: Error) => void): void {
    const u = new URL('/ari/events', this.opts.url);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    u.searchParams.set('app', this.opts.app);
    this.emitStatus('connecting');
    const ws = new WebSocket(u, { headers: { authorization: this.auth } });
    this.ws = ws;
    ws.on('open', () => {
      this.attempt = 0;
      this.emitStatus('connected');
      onFirst?.();
      onFirst = undefined;
      onFirstError = undefined;
    });
    ws.on('message', (data: Buffer) => {
      let e: AriEvent;
      try { e = JSON.parse(data.toString()) as AriEvent; } catch { return; }
      for (const l of this.listeners) { try { l(e); } catch { /* a faulty listener must not stop the stream */ } }
    });
    ws.on('error', (err) => {
      if (onFirstError) { onFirstError(new KefuError('PBX_UNREACHABLE', `ARI events: ${err.message}`)); onFirstError = undefined; onFirst = undefined; }
    });
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.closed) { this.emitStatus('closed'); return; }
      this.emitStatus('disconnected', 'events socket closed');
      const { minMs, maxMs } = this.opts.reconnect ?? { minMs: 250, maxMs: 10_000 };
      const delay = Math.min(maxMs, minMs * 2 ** this.attempt++);
      this.timer = setTimeout(() => this.open(), delay);
    });
  }

  private emitStatus(s: AriStatus, reason?: string): void {
    for (const l of this.statusListeners) { try { l(s, reason); } catch { /* ignore */ } }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const ws = this.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((r) => { ws.once('close', () => r()); ws.close(); });
    }
  }
}
