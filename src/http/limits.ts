/**
 * Every bound of the HTTP server in one place: body sizes per kind of route,
 * time-outs, the connection cap, and a shutdown that never waits on idle or
 * silent connections. Values come from `http.*` in the config.
 */
import type { FastifyInstance, FastifyServerOptions, RouteOptions } from 'fastify';
import type { Config } from '../config/schema.ts';

type HttpConfig = Config['http'];

/** The Fastify constructor options that bound requests and connections. */
export function serverLimitOptions(http: HttpConfig): Pick<FastifyServerOptions, 'bodyLimit' | 'connectionTimeout' | 'keepAliveTimeout' | 'requestTimeout' | 'forceCloseConnections'> {
  return {
    bodyLimit: http.bodyLimit,
    connectionTimeout: http.connectionTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    forceCloseConnections: 'idle',
  };
}

/** Routes that answer without a key take small bodies (import routes set their own: imports.maxBytes). */
export function routeBodyLimit(route: Pick<RouteOptions, 'method' | 'url' | 'config'>, http: HttpConfig): number | undefined {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (!methods.some((m) => ['POST', 'PUT', 'PATCH'].includes(m))) return undefined;
  if ((route.config as { public?: boolean } | undefined)?.public) return Math.min(http.publicBodyLimit, http.bodyLimit);
  return undefined;
}

/**
 * Applies the per-route body limits (set on every route added after this
 * call), the header time-out and connection cap, and the shutdown rule: idle
 * connections close at once, the rest after `http.shutdownGraceMs`.
 */
export function applyHttpLimits(app: FastifyInstance, http: HttpConfig): void {
  app.addHook('onRoute', (route) => {
    const limit = routeBodyLimit(route, http);
    if (limit !== undefined) route.bodyLimit = limit;
  });
  const server = app.server;
  server.headersTimeout = Math.min(http.headersTimeoutMs, http.requestTimeoutMs);
  server.maxConnections = http.maxConnections;

  let force: NodeJS.Timeout | undefined;
  app.addHook('preClose', (done) => {
    // A connection that never sent a request is not "idle" to Node: only closeAllConnections ends it.
    server.closeIdleConnections();
    force = setTimeout(() => server.closeAllConnections(), http.shutdownGraceMs);
    force.unref();
    done();
  });
  app.addHook('onClose', (_app, done) => { clearTimeout(force); done(); });
}
