import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { Type } from 'typebox';
import { assertLowerCaseHeaders, lazySchemas } from './lazy-schemas.ts';

const ajv = { customOptions: { removeAdditional: false, coerceTypes: 'array' as const, useDefaults: true, allErrors: true } };

async function testApp() {
  const schemas = lazySchemas();
  const app = Fastify({ ajv, schemaController: { compilersFactory: schemas.compilersFactory } });
  app.get('/q', {
    schema: {
      querystring: Type.Object({ n: Type.Integer({ minimum: 1 }), tags: Type.Optional(Type.Array(Type.String())), d: Type.String({ default: 'x' }) }),
      response: { 200: Type.Object({ n: Type.Integer(), tags: Type.Array(Type.String()), d: Type.String() }) },
    },
  }, async (req) => { const q = req.query as { n: number; tags?: string[]; d: string }; return { n: q.n, tags: q.tags ?? [], d: q.d, secret: 'not in the schema' }; });
  app.post('/b', { schema: { body: Type.Object({ name: Type.String({ minLength: 2 }) }, { additionalProperties: false }) } }, async () => ({ ok: true }));
  app.get('/h', { schema: { headers: Type.Object({ range: Type.Optional(Type.String({ pattern: '^bytes=' })) }) } }, async () => ({ ok: true }));
  await app.ready();
  return { app, schemas };
}

describe('lazy route schemas', () => {
  it('compiles nothing at start, then validates, coerces and serialises as Fastify does', async () => {
    const { app, schemas } = await testApp();
    const before = schemas.pending();
    expect(before).toBeGreaterThanOrEqual(4);
    const ok = await app.inject({ url: '/q?n=3&tags=a' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ n: 3, tags: ['a'], d: 'x' }); // coerced, defaulted, extra field dropped by the serialiser
    expect(schemas.pending()).toBe(before - 2);
    const bad = await app.inject({ url: '/q?n=0' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/querystring\/n must be >= 1/);
    const body = await app.inject({ method: 'POST', url: '/b', payload: { name: 'a', extra: 1 } });
    expect(body.statusCode).toBe(400);
    expect(body.json().message).toMatch(/must NOT have fewer than 2 characters/);
    expect(body.json().message).toMatch(/must NOT have additional properties/); // allErrors
    expect((await app.inject({ method: 'POST', url: '/b', payload: { name: 'ab' } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/h', headers: { Range: 'pages=1' } })).statusCode).toBe(400);
    expect((await app.inject({ url: '/h', headers: { Range: 'bytes=0-' } })).statusCode).toBe(200);
    await app.close();
  });

  it('compileAll compiles the rest', async () => {
    const { app, schemas } = await testApp();
    await schemas.compileAll();
    expect(schemas.pending()).toBe(0);
    expect((await app.inject({ url: '/q?n=2' })).json()).toEqual({ n: 2, tags: [], d: 'x' });
    await app.close();
  });

  it('a schema that does not compile fails compileAll and every request of its route, naming it', async () => {
    const schemas = lazySchemas();
    const app = Fastify({ ajv, schemaController: { compilersFactory: schemas.compilersFactory } });
    app.get('/broken', { schema: { querystring: { type: 'object', properties: { a: { $ref: 'nowhere#' } } } } }, async () => 'x');
    await app.ready();
    await expect(schemas.compileAll()).rejects.toThrow(/GET \/broken \(querystring\)/);
    expect((await app.inject({ url: '/broken' })).statusCode).toBe(500);
    await app.close();
  });

  it('refuses a headers schema with upper-case names (Fastify would lower-case them only for its own compiler)', () => {
    expect(() => assertLowerCaseHeaders({ type: 'object', properties: { range: {} }, required: ['range'] })).not.toThrow();
    expect(() => assertLowerCaseHeaders({ type: 'object', properties: { 'If-Range': {} } })).toThrow(/If-Range/);
    expect(() => assertLowerCaseHeaders({ anyOf: [{ required: ['X-Key'] }] })).toThrow(/X-Key/);
  });
});
