/**
 * One webhook request: POST the body with its headers, within a deadline,
 * keeping at most `maxResponseBytes` of the answer. Redirects are not
 * followed (a 3xx is a failed attempt). Connections are kept alive per
 * origin. The host lists are enforced on the name and on every address it
 * resolves to (see hosts.ts).
 */
import http from 'node:http';
import https from 'node:https';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import type { HostPolicy } from './hosts.ts';

export interface SendResult {
  /** The receiver's status; null when no answer came (refused, unreachable, timed out). */
  statusCode: number | null;
  ok: boolean;
  error: string | null;
  latencyMs: number;
  /** The start of the response body (text), at most maxResponseBytes. */
  response: string | null;
}

export interface SenderOptions {
  timeoutMs: number;
  maxResponseBytes: number;
  /** Open connections per receiver origin. */
  maxSockets: number;
  hosts: HostPolicy;
}

/** Response bodies beyond this are not read: the connection is dropped. */
const DRAIN_LIMIT = 1_048_576;

/** Text that PostgreSQL stores: no NUL, no lone surrogate. */
const storable = (s: string): string => s.replaceAll('\u0000', '').replace(/\p{Cs}/gu, '\uFFFD');

export class WebhookSender {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly o: SenderOptions) {
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: o.maxSockets, lookup: this.lookup });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: o.maxSockets, lookup: this.lookup });
  }

  /** Checks each resolved address against the host lists. */
  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) { callback(err, '', 4); return; }
      for (const a of addresses) {
        const problem = this.o.hosts.addressProblem(hostname, a.address);
        if (problem) { callback(Object.assign(new Error(problem), { code: 'EREFUSED_BY_POLICY' }), '', 4); return; }
      }
      if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };

  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const t0 = performance.now();
    const done = (r: Omit<SendResult, 'latencyMs' | 'ok'>): SendResult => ({
      ...r, ok: r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300, latencyMs: Math.round(performance.now() - t0),
    });
    let u: URL;
    try { u = new URL(url); } catch { return Promise.resolve(done({ statusCode: null, error: 'invalid URL', response: null })); }
    const literal = isIP(u.hostname.replace(/^\[|\]$/g, '')) ? u.hostname.replace(/^\[|\]$/g, '') : null;
    const refused = this.o.hosts.hostProblem(u.hostname) ?? (literal ? this.o.hosts.addressProblem(literal, literal) : null);
    if (refused) return Promise.resolve(done({ statusCode: null, error: refused, response: null }));
    const payload = Buffer.from(body);
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (r: Omit<SendResult, 'latencyMs' | 'ok'>) => { if (!settled) { settled = true; clearTimeout(timer); resolve(done(r)); } };
      const mod = u.protocol === 'https:' ? https : http;
      const req = mod.request(u, {
        method: 'POST',
        agent: u.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
        headers: { ...headers, 'content-length': String(payload.length) },
      }, (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        let seen = 0;
        const result = () => ({ statusCode: res.statusCode ?? null, error: null, response: storable(Buffer.concat(chunks).toString('utf8')) || null });
        res.on('data', (c: Buffer) => {
          seen += c.length;
          if (kept < this.o.maxResponseBytes) { const part = c.subarray(0, this.o.maxResponseBytes - kept); chunks.push(part); kept += part.length; }
          if (seen > DRAIN_LIMIT) { finish(result()); res.destroy(); }
        });
        res.on('end', () => finish(result()));
        res.on('error', () => finish(result()));
        res.on('close', () => finish(result()));
      });
      const timer = setTimeout(() => {
        finish({ statusCode: null, error: `no answer in ${this.o.timeoutMs} ms (webhooks.timeoutMs)`, response: null });
        req.destroy();
      }, this.o.timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => finish({ statusCode: null, error: storable(`${err.code ? `${err.code}: ` : ''}${err.message}`).slice(0, 500), response: null }));
      req.end(payload);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
