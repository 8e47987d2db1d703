/**
 * Security headers on every HTTP response (console, API, docs): a Content
 * Security Policy, no framing, no MIME sniffing, no referrer. One onSend hook.
 *
 * The console (web/dist, Vite + Preact) loads only its own hashed scripts and
 * stylesheets; recordings and prompt previews play from blob: URLs; the
 * favicon is a data: URL; the event stream is a same-origin WebSocket.
 * Preact sets inline styles through the CSSOM (element.style), which CSP
 * allows, so no 'unsafe-inline' is needed. /docs (Swagger UI) gets a
 * relaxed policy of its own. A route that sets its own
 * Content-Security-Policy keeps it.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const COMMON = ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"];

/** A Host header we are willing to repeat inside the policy (no spaces, quotes or semicolons). */
const SAFE_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** The console's policy. `host` adds explicit ws:/wss: sources for browsers whose 'self' does not cover WebSockets. */
export function consoleCsp(host?: string): string {
  const ws = host && SAFE_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "media-src 'self' blob: data:",
    `connect-src 'self'${ws}`, "font-src 'self' data:", "worker-src 'self' blob:", "manifest-src 'self'", ...COMMON,
  ].join('; ');
}

/** Swagger UI at /docs: inline styles and scripts of its bundle. */
export const DOCS_CSP = [
  "default-src 'self'", "script-src 'self' 'unsafe-inline' 'unsafe-eval'", "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:", "connect-src 'self'", "font-src 'self' data:", ...COMMON,
].join('; ');

/** A policy that allows exactly these inline <style> blocks (by hash) besides the console's own sources. */
export function cspWithInlineStyles(css: string[], host?: string): string {
  const hashes = css.map((c) => `'sha256-${createHash('sha256').update(c).digest('base64')}'`).join(' ');
  return consoleCsp(host).replace("style-src 'self'", `style-src 'self' ${hashes}`);
}

const isDocs = (req: FastifyRequest): boolean => (req.routeOptions.url ?? '').startsWith('/docs');

export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (!reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', isDocs(req) ? DOCS_CSP : consoleCsp(req.headers.host));
    }
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    return payload;
  });
}
