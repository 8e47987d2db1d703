/**
 * The OpenAPI document of the running app is complete for integrators and
 * lint-clean: every operation has a unique resource.verb operationId, a
 * summary, its roles in the description, documented error responses that all
 * use the one shared Error schema; parameters with defaults are optional, path
 * parameters are those of the path; and `redocly lint` (recommended rules,
 * redocly.yaml) finds 0 errors and no warning that redocly.yaml does not keep
 * with a reason. The generic rules are in src/http/openapi/document.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDbKind } from '../helpers/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** The "kept:" warnings of redocly.yaml, as "rule pointer". */
function keptWarnings(): string[] {
  return readFileSync('redocly.yaml', 'utf8').split('\n').map((l) => /^# kept: (\S+) (\S+) -- .+$/.exec(l)).filter((m) => m !== null).map((m) => `${m[1]} ${m[2]}`);
}

describe(`OpenAPI document on ${testDbKind()}`, () => {
  let t: TestApp;
  let doc: Obj;
  let ops: Array<{ path: string; method: string; op: Obj }>;
  beforeAll(async () => {
    t = await startTestApp({ fax: true });
    const res = await t.call('GET', '/api/v1/openapi.json', { key: null });
    expect(res.status).toBe(200);
    doc = res.body;
    ops = Object.entries(doc.paths as Obj).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] as Obj })));
  }, 60_000);
  afterAll(async () => { await t?.close(); });

  it('names every operation once, resource.verb, with a summary, tags and its roles', () => {
    expect(ops.length).toBeGreaterThan(100);
    const ids = ops.map((o) => o.op.operationId);
    for (const { path, method, op } of ops) {
      expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/);
      expect(op.summary, `${method} ${path}`).toBeTruthy();
      expect(op.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
      expect(op.description, `${method} ${path}`).toMatch(/Roles: (public|[a-z, ]+)/);
    }
    expect(new Set(ids).size).toBe(ids.length);
    const byKey = new Map(ops.map((o) => [`${o.method} ${o.path}`, o.op]));
    expect(byKey.get('get /api/v1/customers')!.operationId).toBe('customers.list');
    expect(byKey.get('get /api/v1/customers')!.summary).toBe('List customers');
    expect(byKey.get('post /api/v1/customers')!.operationId).toBe('customers.create');
    expect(byKey.get('get /api/v1/customers/{id}')!.operationId).toBe('customers.get');
    expect(byKey.get('patch /api/v1/customers/{id}')!.operationId).toBe('customers.update');
    expect(byKey.get('delete /api/v1/customers/{id}')!.operationId).toBe('customers.delete');
    expect(byKey.get('get /api/v1/customers/{id}/interactions')!.operationId).toBe('customers.interactions.list');
    expect(byKey.get('post /api/v1/campaigns/{id}/start')!.operationId).toBe('campaigns.start');
    // The route's own summary and description are kept, the roles added.
    const block = byKey.get('post /api/v1/blacklist')!;
    expect(block.summary).toBe('Block a number or a prefix');
    expect(block.description).toMatch(/^Exactly one of number or prefix[\s\S]*Roles: admin, supervisor, integrator\.$/);
    expect(byKey.get('get /api/v1/health')!.description).toBe('Roles: public (no API key needed).');
  });

  it('documents errors with the one shared Error schema, by the generic rule', () => {
    const schemas = doc.components.schemas as Obj;
    expect(schemas.Error.properties.error.required).toEqual(['code', 'message']);
    expect(Object.keys(schemas.Error.properties.error.properties)).toEqual(['code', 'message', 'details']);
    const responses = doc.components.responses as Obj;
    for (const { path, method, op } of ops) {
      const where = `${method} ${path}`;
      const codes = Object.keys(op.responses);
      expect(codes, where).toContain('500');
      for (const code of codes.filter((c) => Number(c) >= 400)) {
        const r = op.responses[code].$ref ? responses[op.responses[code].$ref.split('/').pop()] : op.responses[code];
        const schema = r.content['application/json'].schema;
        expect(schema.$ref ?? schema.allOf?.[0]?.$ref, `${where} ${code}`).toBe('#/components/schemas/Error');
      }
      const isPublic = (op['x-kefu-roles'] as string[]).includes('public');
      expect(codes.includes('401') && codes.includes('403'), where).toBe(!isPublic);
      expect(codes.includes('404'), where).toBe(path.includes('{'));
      expect(codes.includes('413'), where).toBe(op.requestBody !== undefined);
      if (op.requestBody || op.parameters) expect(codes, where).toContain('400');
    }
    const byKey = new Map(ops.map((o) => [`${o.method} ${o.path}`, o.op]));
    expect(Object.keys(byKey.get('post /api/v1/sms')!.responses)).toContain('429');
    expect(Object.keys(byKey.get('post /api/v1/calls')!.responses)).toEqual(expect.arrayContaining(['409', '429', '503']));
  });

  it('makes parameters right: defaults optional, path parameters those of the path, paging shared', () => {
    for (const { path, method, op } of ops) {
      const params = (op.parameters ?? []) as Obj[];
      for (const p of params.filter((x) => !x.$ref)) {
        if (p.schema?.default !== undefined) expect(p.required, `${method} ${path} ${p.name}`).toBe(false);
      }
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      expect(params.filter((p) => p.in === 'path').map((p) => p.name).sort(), `${method} ${path}`).toEqual(inPath);
    }
    const list = (doc.paths['/api/v1/customers'] as Obj).get;
    expect(list.parameters).toEqual(expect.arrayContaining([{ $ref: '#/components/parameters/limit' }, { $ref: '#/components/parameters/cursor' }]));
    expect(list.responses['200'].content['application/json'].schema.properties.next).toEqual({ $ref: '#/components/schemas/NextCursor' });
    expect(doc.components.parameters.limit.required).toBe(false);
    expect(doc.info.license.name).toBe('MIT');
    expect(doc.info.contact).toBeDefined();
  });

  it('gives request bodies an example that fits their schema (redocly checks them too)', () => {
    const create = (doc.paths['/api/v1/customers'] as Obj).post.requestBody.content['application/json'];
    expect(create.example).toEqual(expect.objectContaining({ name: expect.any(String) }));
    const withBody = ops.filter((o) => o.op.requestBody?.content?.['application/json']);
    const withExample = withBody.filter((o) => o.op.requestBody.content['application/json'].example !== undefined);
    expect(withExample.length / withBody.length).toBeGreaterThan(0.8);
  });

  it('still serialises error answers with their details (the runtime schemas are untouched)', async () => {
    const bad = await t.call('POST', '/customers', { body: { name: '', nope: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BAD_REQUEST');
    expect(bad.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.nope', message: 'is not a known field' })]));
    const denied = await t.call('POST', '/customers', { key: t.agent, body: { name: 'x' } });
    if (denied.status === 403) expect(denied.body.error.details).toEqual(expect.objectContaining({ allowedRoles: expect.any(Array) }));
  });

  it('is what /docs shows: descriptions with roles, summaries and examples', async () => {
    const shown = await t.call('GET', '/docs/json', { key: null });
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual(doc);
    const page = await t.call('GET', '/docs/', { key: null });
    expect(page.status).toBe(200);
  });

  it('passes redocly lint (recommended rules) with 0 errors and only the warnings redocly.yaml keeps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      const r = spawnSync(process.execPath, ['node_modules/@redocly/cli/bin/cli.js', 'lint', file, '--config', 'redocly.yaml', '--format', 'json', '--max-problems', '10000'], {
        encoding: 'utf8', timeout: 120_000,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      });
      const out = r.stdout.slice(r.stdout.indexOf('{'));
      const report = JSON.parse(out) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }> };
      const errors = report.problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
      expect(errors).toEqual([]);
      const warnings = report.problems.filter((p) => p.severity === 'warn').map((p) => `${p.ruleId} ${p.location[0]?.pointer}`).sort();
      expect(warnings).toEqual(keptWarnings().sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
