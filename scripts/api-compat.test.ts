import { describe, expect, it } from 'vitest';
import { breakingChanges, eventChanges, unannounced } from './api-compat.ts';

const doc = (op: object, schemas: object = {}) => ({ openapi: '3.0.3', paths: { '/api/v1/things': { get: op } }, components: { schemas } });
const listOp = (extra: object = {}) => ({
  operationId: 'things.list',
  parameters: [{ name: 'limit', in: 'query', required: false, schema: { type: 'integer', maximum: 500 } }],
  responses: { 200: { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } } },
  ...extra,
});
const thing = (props: object) => ({ Thing: { type: 'object', properties: props } });

describe('breaking changes between two OpenAPI documents', () => {
  const before = doc(listOp(), thing({ id: { type: 'string' }, n: { type: 'integer' } }));
  it('lets additions through', () => {
    const now = doc(listOp({ parameters: [...listOp().parameters, { name: 'q', in: 'query', required: false, schema: { type: 'string' } }] }), thing({ id: { type: 'string' }, n: { type: 'integer' }, extra: { type: 'string' } }));
    (now.paths as Record<string, unknown>)['/api/v1/new'] = { post: { responses: {} } };
    expect(breakingChanges(before, now)).toEqual([]);
  });
  it('names removals, new requirements, narrowed inputs and retyped outputs', () => {
    const now = doc(listOp({ parameters: [{ name: 'limit', in: 'query', required: true, schema: { type: 'integer', maximum: 100 } }, { name: 'x', in: 'query', required: true, schema: { type: 'string' } }] }), thing({ id: { type: 'integer' } }));
    expect(breakingChanges(before, now)).toEqual([
      'GET /api/v1/things: query parameter limit newly required',
      'GET /api/v1/things: query parameter limit: maximum lowered to 100',
      'GET /api/v1/things: query parameter x added as required',
      'GET /api/v1/things: response 200.id: type string became integer',
      'GET /api/v1/things: response 200.n: removed',
    ]);
    expect(breakingChanges(before, { openapi: '3.0.3', paths: {} })).toEqual(['/api/v1/things: path removed']);
  });
  it('needs the changelog to name each one', () => {
    expect(unannounced(['a: removed', 'b: removed'], '## 2\n- a: removed (use c)')).toEqual(['b: removed']);
  });
  it('finds removed events and event fields', () => {
    const ev = (props: object) => ({ components: { messages: { 'call.ringing': { payload: { type: 'object', properties: { data: { type: 'object', properties: props } } } } } } });
    expect(eventChanges(ev({ a: { type: 'string' }, b: { type: 'string' } }), ev({ a: { type: 'string' }, c: { type: 'string' } }))).toEqual(['event call.ringing.data.b: removed']);
    expect(eventChanges(ev({}), { components: { messages: {} } })).toEqual(['event call.ringing: removed']);
  });
});
