import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { WRITERS } from '../auth.ts';
import { FlowSchema } from '../../core/ivr/schema.ts';
import { KefuError } from '../../core/errors.ts';
import { encodeWav } from '../../media/wav.ts';

const FlowId = Type.Object({ id: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }) });
const Summary = Type.Object({
  id: Type.String(), name: Type.String(), currentVersion: Type.Integer(), publishedVersion: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(), updatedAt: Type.String(),
});
const ValidationResult = Type.Object({
  valid: Type.Boolean(),
  errors: Type.Array(Type.Object({ path: Type.String({ description: 'JSON pointer into the flow' }), message: Type.String() })),
});
/** The flow body is checked by the shared flow validator (every error, with its path), not by the route's schema. */
const passThrough = () => (data: unknown) => ({ value: data });

/** /ivr/flows: IVR flows as data, validated by the one shared schema, with versions. */
export const flowRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['ivr'];
  const flows = ctx.flows;

  app.get('/ivr/flows', { schema: { tags, response: { 200: Type.Object({ items: Type.Array(Summary) }) } } }, async () => ({ items: await ctx.repos.flows.list() }));

  app.post('/ivr/flows/validate', { validatorCompiler: passThrough, schema: { tags, body: FlowSchema, response: { 200: ValidationResult } } }, async (req) => {
    const r = flows.validate(req.body);
    return r.ok ? { valid: true, errors: [] } : { valid: false, errors: r.errors };
  });

  app.post('/ivr/flows', { config: { roles: WRITERS }, validatorCompiler: passThrough, schema: { tags, body: FlowSchema, response: { 201: Summary } } }, async (req, reply) =>
    reply.status(201).send(await flows.create(req.body)));

  app.get('/ivr/flows/:id', {
    schema: { tags, params: FlowId, querystring: Type.Object({ version: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('current'), Type.Literal('published')])) }, { additionalProperties: false }) },
  }, async (req) => {
    const summary = await ctx.repos.flows.get(req.params.id);
    const v = await ctx.repos.flows.version(req.params.id, req.query.version ?? 'current');
    return { ...summary, version: v.version, definition: v.definition };
  });

  app.put('/ivr/flows/:id', {
    config: { roles: WRITERS }, validatorCompiler: passThrough,
    schema: { tags, params: FlowId, querystring: Type.Object({ publish: Type.Boolean({ default: true }) }), body: FlowSchema, response: { 200: Summary }, description: 'Saves a new version; publishes it unless ?publish=false.' },
  }, async (req) => {
    // This route's validator passes input through (the flow validator checks the body), so the flag arrives as text.
    const publish = String((req.query as { publish?: unknown }).publish ?? 'true');
    if (publish !== 'true' && publish !== 'false') throw new KefuError('BAD_REQUEST', 'querystring.publish: expected true or false', { field: 'querystring.publish' });
    return flows.save(req.params.id, req.body, publish === 'true');
  });

  app.delete('/ivr/flows/:id', { config: { roles: WRITERS }, schema: { tags, params: FlowId, response: { 204: Type.Null() } } }, async (req, reply) => {
    await flows.remove(req.params.id);
    return reply.status(204).send(null);
  });

  app.get('/ivr/flows/:id/versions', { schema: { tags, params: FlowId } }, async (req) => ({ items: await ctx.repos.flows.versions(req.params.id) }));

  app.get('/ivr/flows/:id/versions/:version', { schema: { tags, params: Type.Object({ id: Type.String(), version: Type.Integer({ minimum: 1 }) }) } }, async (req) =>
    ctx.repos.flows.version(req.params.id, req.params.version));

  app.post('/ivr/flows/:id/publish', {
    config: { roles: WRITERS },
    schema: { tags, params: FlowId, body: Type.Object({ version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }), response: { 200: Summary }, description: 'Publish a version (roll back by publishing an older one).' },
  }, async (req) => flows.publish(req.params.id, req.body.version));

  app.post('/ivr/prompts/preview', {
    schema: {
      tags, description: 'Listen to a prompt: the text spoken by the server-side TTS, as audio/wav (8 kHz mono), as callers hear it.',
      body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 2000 }), voice: Type.Optional(Type.Union([Type.Literal('en-us'), Type.Literal('cmn')])) }, { additionalProperties: false }),
    },
  }, async (req, reply) => {
    const pcm = await ctx.prompts.resolve({ text: req.body.text, voice: req.body.voice ?? (ctx.config.tts.voice === 'cmn' ? 'cmn' : 'en-us') });
    return reply.type('audio/wav').header('cache-control', 'private, max-age=3600').send(encodeWav(pcm));
  });
};
