/**
 * The console talks only to the public API (/api/v1) with the session
 * cookie, and listens to the public event stream.
 */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) { super(message); }
}

async function request<T>(method: string, path: string, body?: unknown, opts: { raw?: boolean; contentType?: string } = {}): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    if (typeof body === 'string') { (init.headers as Record<string, string>)['content-type'] = `${opts.contentType ?? 'text/csv'}; charset=utf-8`; init.body = body; }
    else if (body instanceof Blob) { (init.headers as Record<string, string>)['content-type'] = opts.contentType ?? 'application/octet-stream'; init.body = body; }
    else { (init.headers as Record<string, string>)['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
  }
  const res = await fetch(`/api/v1${path}`, init);
  if (!res.ok) {
    let code = 'HTTP_' + res.status; let message = res.statusText; let details: unknown;
    try { const j = (await res.json()) as { error?: { code: string; message: string; details?: unknown } }; if (j.error) ({ code, message, details } = j.error); } catch { /* not JSON */ }
    if (res.status === 401 && path !== '/auth/login') window.dispatchEvent(new CustomEvent('kefu:signed-out'));
    throw new ApiError(res.status, code, message, details);
  }
  if (opts.raw) return res as unknown as T;
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  del: (path: string) => request<void>('DELETE', path),
  /** A file's text as the body with its own type (CSV, vCard). */
  postText: <T>(path: string, body: string, contentType: string) => request<T>('POST', path, body, { contentType }),
  /** A file's bytes as the body, undecoded (a CSV list saved in GBK is decoded by the server). */
  postFile: <T>(path: string, file: Blob, contentType: string) => request<T>('POST', path, file, { contentType }),
  /** A binary answer (audio) as an object URL. */
  async blobUrl(method: 'GET' | 'POST', path: string, body?: unknown): Promise<string> {
    const res = await request<Response>(method, path, body, { raw: true });
    return URL.createObjectURL(await res.blob());
  },
};

export const qs = (o: Record<string, string | number | undefined | null>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

export interface KefuEvent { id?: number; type: string; at: string; data: Record<string, unknown> }
type Listener = (e: KefuEvent) => void;

/**
 * One WebSocket for the page, reconnecting with backoff; the cookie
 * authenticates it. A reconnect resumes after the last event id seen
 * (?since=), so events sent while away are not missed (docs/scale-out.md).
 */
class EventStream {
  private ws: WebSocket | null = null;
  private lastId: number | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly statusListeners = new Set<(up: boolean) => void>();
  private retry = 500;
  private closed = true;
  up = false;

  start(): void {
    if (!this.closed) return;
    this.closed = false;
    this.connect();
  }

  stop(): void {
    this.closed = true;
    this.ws?.close();
    this.ws = null;
    this.lastId = null;
  }

  private connect(): void {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/events${this.lastId !== null ? `?since=${this.lastId}` : ''}`;
    const ws = new WebSocket(url, ['kefu']);
    this.ws = ws;
    ws.onopen = () => { this.retry = 500; this.setUp(true); };
    ws.onmessage = (m) => {
      let e: KefuEvent;
      try { e = JSON.parse(String(m.data)) as KefuEvent; } catch { return; }
      if (typeof e.id === 'number') this.lastId = e.id;
      else if (e.type === 'resync-required') this.lastId = null; // too old: the pages reload on reconnect anyway
      for (const l of this.listeners) l(e);
    };
    ws.onclose = () => {
      this.setUp(false);
      if (this.closed) return;
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 10_000);
    };
  }

  private setUp(up: boolean): void { this.up = up; for (const l of this.statusListeners) l(up); }

  on(l: Listener): () => void { this.listeners.add(l); return () => this.listeners.delete(l); }
  onStatus(l: (up: boolean) => void): () => void { this.statusListeners.add(l); return () => this.statusListeners.delete(l); }
}

export const events = new EventStream();
