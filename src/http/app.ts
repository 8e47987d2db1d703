/**
 * build() -> the Fastify app, not listening. Each resource is a plugin folder
 * with routes.ts and schemas.ts; TypeBox schemas are the validation, the
 * types and the OpenAPI document.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_DIST_DIR } from '../paths.ts';
import type { AppContext } from './context.ts';
import { errorHandler, frameworkErrors } from './errors.ts';
import { registerAuth } from './auth.ts';
import { ErrorBody } from './common.ts';
import { customerRoutes } from './customers/routes.ts';
import { eventRoutes } from './events/routes.ts';
import { resourcePlugins } from './resources.ts';
import { addFreeJsonKeywords, guardInput } from './input-guard.ts';
import { cspWithInlineStyles, securityHeaders } from './security-headers.ts';
import { applyHttpLimits, serverLimitOptions } from './limits.ts';
import { lazySchemas } from './lazy-schemas.ts';
import { completeDocument, transformRoute } from './openapi/document.ts';
import { asyncApiDocument } from './events/asyncapi.ts';
import { registerForwarding } from './cluster/forward.ts';

export type App = FastifyInstance;

declare module 'fastify' {
  interface FastifyInstance {
    /** Compile every route schema not compiled yet (they compile on first use; see lazy-schemas.ts). */
    compileSchemas(): Promise<void>;
  }
}

/** The style of the page shown when the console is not built (allowed by its hash in the page's CSP). */
const FALLBACK_CSS = 'body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;line-height:1.5}';


export async function build(ctx: AppContext): Promise<App> {
  const schemas = lazySchemas();
  const app: FastifyInstance = Fastify({
    loggerInstance: ctx.logger.child({ component: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
    ...serverLimitOptions(ctx.config.http),
    frameworkErrors,
    trustProxy: ctx.config.http.trustProxy,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true }, onCreate: addFreeJsonKeywords },
    schemaController: { compilersFactory: schemas.compilersFactory },
  }) as unknown as FastifyInstance;
  app.decorate('compileSchemas', () => schemas.compileAll());
  // Once the port is open, the schemas not used yet compile in the background, one per turn of the loop.
  app.addHook('onListen', (done) => {
    schemas.compileAll().catch((err: unknown) => app.log.error({ err }, 'a route schema does not compile'));
    done();
  });

  applyHttpLimits(app, ctx.config.http);
  guardInput(app);
  securityHeaders(app);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } }));
  app.addSchema(ErrorBody);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'kefu API', version: '1', description: 'Telephony and customer service: calls, customers, blacklist, IVR, lines. Errors: { error: { code, message, details } }. Lists: ?limit=&cursor= -> { items, next }. Every operation names the roles allowed (Roles: ..., x-kefu-roles). The event stream (WebSocket /api/v1/events) is described by /api/v1/asyncapi.json (AsyncAPI 3). A typed TypeScript client and the first integration: docs/integrators.md.' },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key (kefu keys create --role ROLE)' } } },
      security: [{ bearer: [] }],
    },
    // Documentation only (the route schemas are untouched): see openapi/document.ts.
    transform: transformRoute,
    transformObject: (d) => completeDocument((d as { openapiObject: Record<string, unknown> }).openapiObject, { license: 'MIT' }),
    // Shared schemas are named by their $id (Error, Customer, CallRecord...), not def-N.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' && /^[A-Za-z][A-Za-z0-9]*$/.test(json.$id) ? json.$id : `def-${i}`) },
  });
  await app.register(websocket, {
    options: {
      maxPayload: 64 * 1024,
      handleProtocols: (protocols: Set<string>) => (protocols.has('kefu') ? 'kefu' : false),
    },
  });
  registerAuth(app, ctx.repos.keys, ctx.repos.users);
  // cluster.enabled: requests that need the Asterisk node go to its owner, after the auth hook let them through here
  registerForwarding(app, ctx.cluster, ctx.config.cluster.forwardTimeoutS * 1000);

  app.get('/api/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  // The event stream (AsyncAPI 3), public like the OpenAPI document.
  app.get('/api/v1/asyncapi.json', { config: { public: true }, schema: { hide: true } }, async (req) => asyncApiDocument(req.host, req.protocol === 'https'));
  // The API documentation page and the console's static files are public: their routes say so.
  await app.register(async (pub) => {
    pub.addHook('onRoute', (route) => { route.config = { ...route.config, public: true }; });
    await pub.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
    if (ctx.config.console.enabled && existsSync(join(CONSOLE_DIST_DIR, 'index.html'))) {
      // The console (web/dist): hashed assets are immutable, index.html is always revalidated.
      await pub.register(fastifyStatic, {
        root: CONSOLE_DIST_DIR, prefix: '/', index: ['index.html'], cacheControl: false, dotfiles: 'ignore', // not the build stamp
        setHeaders: (res, path) => { res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'); },
      });
    } else {
      pub.get('/', { config: { public: true }, schema: { hide: true } }, async (req, reply) => reply.type('text/html; charset=utf-8')
        .header('content-security-policy', cspWithInlineStyles([FALLBACK_CSS], req.headers.host)).send(
        `<!doctype html><html lang="en"><meta charset="utf-8"><title>kefu 客服</title><style>${FALLBACK_CSS}</style>`
        + '<body>'
        + '<h1>kefu 客服</h1><p>The daemon is running. The web console is '
        + (ctx.config.console.enabled ? 'not built: run <code>npm run build</code> in the kefu folder (<code>npm ci</code> does it)' : 'turned off (console.enabled)') + '.</p><ul>'
        + '<li><a href="/docs">API documentation</a> (OpenAPI 3: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>)</li>'
        + '<li>Event stream: WebSocket <code>/api/v1/events</code></li>'
        + '<li>Diagnostics: <code>npx kefu diagnose</code></li></ul></body></html>'));
    }
  });
  app.get('/api/v1/health', { config: { public: true }, schema: { tags: ['system'], security: [] } }, async () => ({ status: 'ok' }));

  await app.register(async (api) => {
    await api.register(customerRoutes, { ctx });
    await api.register(eventRoutes, { ctx });
    for (const plugin of resourcePlugins) await api.register(plugin, { ctx });
  }, { prefix: '/api/v1' });

  return app;
}
