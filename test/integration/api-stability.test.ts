/**
 * The API does not break without saying so: the daemon's OpenAPI and AsyncAPI
 * documents now against the snapshots in clients/typescript
 * (openapi.snapshot.json, asyncapi.snapshot.json). Additions pass; a breaking
 * change (scripts/api-compat.ts: removed path, operation, parameter or field,
 * narrowed type, newly required input, removed event) fails unless CHANGELOG.md
 * names it verbatim. `npm run api:snapshot` rewrites the snapshots (and the
 * client's generated types) from this same app: run it when a change is made
 * and named, or after merging additions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testDbKind } from '../helpers/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { breakingChanges, eventChanges, unannounced } from '../../scripts/api-compat.ts';

const DIR = 'clients/typescript';
const OPENAPI = join(DIR, 'openapi.snapshot.json');
const ASYNCAPI = join(DIR, 'asyncapi.snapshot.json');

describe(`API stability against the snapshot (${testDbKind()})`, () => {
  let t: TestApp;
  let openapi: Record<string, unknown>;
  let asyncapi: Record<string, unknown>;
  beforeAll(async () => {
    t = await startTestApp({ fax: true });
    openapi = (await t.call('GET', '/api/v1/openapi.json', { key: null })).body;
    asyncapi = (await t.call('GET', '/api/v1/asyncapi.json', { key: null })).body;
    if (process.env.KEFU_API_SNAPSHOT === 'write') {
      writeFileSync(OPENAPI, `${JSON.stringify(openapi, null, 2)}\n`);
      writeFileSync(ASYNCAPI, `${JSON.stringify(asyncapi, null, 2)}\n`);
      const r = spawnSync(process.execPath, [join(DIR, 'scripts/generate.mjs'), OPENAPI, ASYNCAPI], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
      console.log(`snapshot written: ${OPENAPI}, ${ASYNCAPI}; ${r.stdout.trim()}`);
    }
  }, 60_000);
  afterAll(async () => { await t?.close(); });

  it('has no breaking change that CHANGELOG.md does not name', () => {
    const changes = [
      ...breakingChanges(JSON.parse(readFileSync(OPENAPI, 'utf8')), openapi),
      ...eventChanges(JSON.parse(readFileSync(ASYNCAPI, 'utf8')), asyncapi),
    ];
    const missing = unannounced(changes, readFileSync('CHANGELOG.md', 'utf8'));
    expect(missing, 'breaking changes: name each line in CHANGELOG.md (or undo it), then npm run api:snapshot').toEqual([]);
  });
});
