/**
 * Commands reach the node's owner (docs/scale-out.md, "Commands on any
 * daemon"). With cluster.enabled only the lease holder has the Asterisk
 * node's ARI socket and its live calls; a route that needs them says so
 * (`config: { nodeOwner: true }`, or a predicate of the request) and, on a
 * daemon that does not own the node, the request is forwarded to the owner's
 * advertised address (its lease row) and the owner's answer returned as is.
 *
 * Order: the auth hook (onRequest) has authenticated the caller and checked
 * the matched route's roles here first; the body is taken as received
 * (preParsing) and the request forwarded once parsed (preValidation) with the
 * caller's Authorization or session cookie unchanged, so the owner checks
 * again. `Kefu-Forwarded-By` marks a forwarded request: one that reaches a
 * daemon that is not the owner either is refused (no second hop, no loop).
 */
import { request as httpRequest, Agent as HttpAgent, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { KefuError } from '../../core/errors.ts';
import type { ClusterDirectory, LeaseRow } from '../../services/cluster/directory.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** cluster.enabled: the route needs the Asterisk node's owner (its channels); true, or true for the requests the predicate picks. */
    nodeOwner?: boolean | ((req: FastifyRequest) => boolean);
    /** With nodeOwner: a command on the call `:id`, which may be on another node's line: it goes to that node's owner. */
    nodeOfCall?: boolean;
    /** With nodeOwner: a request whose body names a `lineId`, which may be another node's line: it goes to that node's owner. */
    nodeOfLine?: boolean;
  }
  interface FastifyRequest { forwardBody?: Buffer }
}

export const FORWARDED_BY = 'kefu-forwarded-by';
export const FORWARDED_TO = 'kefu-forwarded-to';

/** Request headers the owner needs to authenticate and read the request (nothing else crosses). */
const PASSED = ['authorization', 'cookie', 'origin', 'sec-fetch-site', 'content-type', 'accept', 'accept-language', 'user-agent', 'host'];
/** Response headers that describe one connection, not the answer. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization', 'content-length']);

interface Answer { status: number; headers: IncomingHttpHeaders; body: Buffer }

const unavailable = (node: string, reason: string, message: string, extra: Record<string, unknown> = {}): KefuError =>
  new KefuError('NODE_OWNER_UNAVAILABLE', `Asterisk node ${node}: ${message}`, { node, reason, ...extra });

export function registerForwarding(app: FastifyInstance, cluster: ClusterDirectory | null | undefined, timeoutMs: number): void {
  if (!cluster) return;
  const log = app.log.child({ component: 'cluster-forward' }) as Logger;
  const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 64 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }) };
  app.addHook('onClose', () => { agents.http.destroy(); agents.https.destroy(); });
  const flagged = (req: FastifyRequest): boolean => req.routeOptions.config?.nodeOwner !== undefined && req.routeOptions.config.nodeOwner !== false;
  const ofCall = (req: FastifyRequest): boolean => req.routeOptions.config?.nodeOfCall === true;
  const ofLine = (req: FastifyRequest): boolean => req.routeOptions.config?.nodeOfLine === true;
  /**
   * The lease row of the node that carries the call `:id` (nodeOfCall) or the
   * body's `lineId` (nodeOfLine), when that is not this daemon's node (null:
   * this node's, none, or unknown here).
   */
  const otherNode = async (req: FastifyRequest): Promise<LeaseRow | null> => {
    const id = ofCall(req) ? (req.params as { id?: unknown }).id : null;
    const lineId = ofLine(req) ? (req.body as { lineId?: unknown } | undefined)?.lineId : null;
    const row = typeof id === 'string' && UUID.test(id) ? await cluster.nodeOfCall(id)
      : typeof lineId === 'string' && lineId.length > 0 && lineId.length <= 100 ? await cluster.nodeOfLine(lineId) : null;
    return row && row.node !== cluster.node ? row : null;
  };

  // the body exactly as received (bounded by the route's limit), for a request this daemon may forward
  app.addHook('preParsing', async (req, _reply, payload) => {
    if (!flagged(req) || (cluster.isOwner() && !ofCall(req) && !ofLine(req))) return payload;
    const limit = req.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? 1_048_576;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      size += (chunk as Buffer).length;
      if (size > limit) throw Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
      chunks.push(chunk as Buffer);
    }
    req.forwardBody = Buffer.concat(chunks);
    return Object.assign(Readable.from(chunks.length ? [req.forwardBody] : [], { objectMode: false }), { receivedEncodedLength: size });
  });

  app.addHook('preValidation', async (req, reply) => {
    const want = req.routeOptions.config?.nodeOwner;
    if (!want) return;
    if (typeof want === 'function' && !want(req)) return;
    // a command on a call of another node's line (or naming another node's line) goes to that node's owner; any other to this node's
    const other = await otherNode(req);
    if (!other && cluster.isOwner()) return;
    const node = other?.node ?? cluster.node;
    // deny by default: only a request the auth hook let through (never a public route) is forwarded
    if (!req.principal) throw new KefuError('UNAUTHORIZED', 'sign in or send an API key');
    const fromHeader = req.headers[FORWARDED_BY];
    if (fromHeader !== undefined) {
      const from = String(fromHeader).slice(0, 100);
      throw unavailable(node, 'second-hop', `forwarded here by ${from}, but this daemon (${cluster.owner}) does not own the node either; not forwarded again`, { forwardedBy: from });
    }
    // it owned the node when the body came (so the body was not kept) and lost it since: rare, and retried at once by the caller
    if (req.forwardBody === undefined && req.body !== undefined) throw unavailable(node, 'no-owner', 'this daemon let the node go while the request came in; try again');
    const row = other ?? await cluster.current();
    if (!row || row.expired || !row.owner) throw unavailable(node, 'no-owner', 'no daemon owns the node now (no live lease); try again in a few seconds');
    if (row.owner === cluster.owner) throw unavailable(node, 'no-owner', 'this daemon is taking the node over or letting it go; try again in a few seconds');
    if (!row.address) throw unavailable(node, 'no-address', `its owner ${row.owner} has not advertised an API address yet`, { owner: row.owner });
    const started = performance.now();
    const answer = await send(row.address, req, cluster.owner, timeoutMs, agents).catch((err: unknown) => {
      const code = (err as { code?: string }).code;
      log.warn({ node, owner: row.owner, address: row.address, method: req.method, route: req.routeOptions.url, code }, 'forwarding to the node owner failed');
      if (code === 'TIMEOUT') throw new KefuError('NODE_OWNER_TIMEOUT', `Asterisk node ${node}: its owner ${row.owner} did not answer within ${timeoutMs} ms (the command may have run there)`, { node, owner: row.owner, reason: 'timeout' });
      throw unavailable(node, 'unreachable', `its owner ${row.owner} could not be reached (${code ?? 'error'})`, { owner: row.owner });
    });
    log.debug({ node, owner: row.owner, method: req.method, route: req.routeOptions.url, status: answer.status, ms: Math.round(performance.now() - started) }, 'forwarded to the node owner');
    return relay(reply, answer, row.owner);
  });

}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function relay(reply: FastifyReply, answer: Answer, owner: string): FastifyReply {
  for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) reply.header(k, v);
  return reply.code(answer.status).header(FORWARDED_TO, owner).send(answer.body);
}

function send(address: string, req: FastifyRequest, me: string, timeoutMs: number, agents: { http: HttpAgent; https: HttpsAgent }): Promise<Answer> {
  const target = new URL(req.raw.url ?? req.url, address);
  const headers: Record<string, string | string[]> = {};
  for (const name of PASSED) { const v = req.headers[name]; if (v !== undefined) headers[name] = v; }
  headers[FORWARDED_BY] = me;
  const body = req.forwardBody;
  if (body) headers['content-length'] = String(body.length);
  const https = target.protocol === 'https:';
  return new Promise<Answer>((resolve, reject) => {
    const out = (https ? httpsRequest : httpRequest)(target, { method: req.method, headers, agent: https ? agents.https : agents.http, ...(https ? { servername: target.hostname } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { clearTimeout(timer); resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }); });
      res.on('error', (err) => { clearTimeout(timer); reject(err); });
    });
    const timer = setTimeout(() => out.destroy(Object.assign(new Error('the node owner did not answer in time'), { code: 'TIMEOUT' })), timeoutMs);
    out.on('error', (err) => { clearTimeout(timer); reject(err); });
    out.end(body);
  });
}
