/**
 * OpenAPI-driven fuzz: every operation of the daemon's own OpenAPI document
 * gets bad requests (wrong types for every body field, query and path
 * parameter; NUL, controls and lone surrogates; very long strings; huge
 * arrays; 10,000-deep bodies; broken JSON; wrong content types; bad ids and
 * cursors) and valid-looking requests with one field mutated. Fails on any 5xx
 * and on any error body not exactly `{ error: { code, message, details? } }`.
 *
 * Deterministic: KEFU_FUZZ_SEED (printed) picks the run, KEFU_FUZZ_REQUESTS
 * the number of requests (default 6000); KEFU_FUZZ_PROFILE=1 prints where the
 * time went. The daemon runs in-process with the
 * demo line (a simulated modem on a pty), so the line routes act on a line.
 * No operation is excluded: none ends the process, and the demo line's
 * simulate routes need no hardware.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { createLogger } from '../../src/logger.ts';
import { makeRng } from './fuzz/prng.ts';
import { collectionOf, operations, resolver, type OpenApiDoc, type Operation } from './fuzz/operations.ts';
import { CaseMaker, type FuzzRequest } from './fuzz/cases.ts';
import { checkResponse, summarise } from './fuzz/check.ts';

const KEY = 'kefu_fuzz_admin_key_0123456789abcdef';
const SEED = Number(process.env.KEFU_FUZZ_SEED ?? 0x6b656675);
const TOTAL = Number(process.env.KEFU_FUZZ_REQUESTS ?? 6000);
const SLOW = [/^POST \/api\/v1\/auth\/login$/, /^(POST|PATCH) \/api\/v1\/users/, /\/simulate\/dtmf$/, /^GET \/api\/v1\/diagnostics$/, /\/prompts\/preview$/];

describe(`OpenAPI fuzz on ${testDbKind()}`, () => {
  let daemon: Daemon;
  let dir: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const fresh = await freshDatabase();
    drop = fresh.drop;
    dir = mkdtempSync(join(tmpdir(), 'kefu-fuzz-'));
    const config = loadConfig({ overrides: { http: { host: '127.0.0.1', port: 0 }, database: { url: fresh.url }, dataDir: dir, demo: true, log: { level: 'fatal' } } });
    daemon = await startDaemon({ config, logger: createLogger('fatal'), bootstrapKey: KEY, adminPassword: 'fuzz-admin-password', announcePassword: () => undefined });
  });

  afterAll(async () => {
    await daemon?.stop();
    await drop?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`answers ${TOTAL} bad requests without a 5xx, every error in the one shape`, async () => {
    console.log(`fuzz seed ${SEED} (KEFU_FUZZ_SEED=${SEED} repeats this run), ${TOTAL} requests, ${testDbKind()}`);
    const t0 = performance.now();
    const rng = makeRng(SEED);
    const doc = daemon.app.swagger() as unknown as OpenApiDoc;
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(50);
    const ids = new Map<string, string[]>();
    const maker = new CaseMaker(rng, resolver(doc), ids, { authorization: `Bearer ${KEY}` });
    const failures = new Map<string, { count: number; example: FuzzRequest; why: string }>();
    const statuses = new Map<number, number>();
    let sent = 0;
    const prof = new Map<string, number>();

    const send = async (r: FuzzRequest) => {
      const t = performance.now();
      const res = await daemon.app.inject({ method: r.method as 'GET', url: r.url, headers: r.headers, ...(r.payload !== undefined ? { payload: r.payload } : {}) });
      sent++;
      const ms = performance.now() - t;
      const pk = `${r.op} ${r.label.replace(/ = .*/, '')}`;
      prof.set(pk, (prof.get(pk) ?? 0) + ms);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const c = checkResponse(res.statusCode, String(res.headers['content-type'] ?? ''), res.body);
      if (!c.ok) {
        const key = `${r.op} | ${r.label} | ${res.statusCode}`;
        const f = failures.get(key);
        if (f) f.count++; else failures.set(key, { count: 1, example: r, why: c.why! });
      }
      return res;
    };
    const remember = (op: Operation, body: string) => {
      let v: unknown;
      try { v = JSON.parse(body); } catch { return; }
      const items = Array.isArray(v) ? v : typeof v === 'object' && v !== null && Array.isArray((v as { items?: unknown }).items) ? (v as { items: unknown[] }).items : [v];
      const list = ids.get(collectionOf(op.path)) ?? [];
      for (const it of items) {
        const id = typeof it === 'object' && it !== null ? (it as { id?: unknown }).id : undefined;
        if ((typeof id === 'string' || typeof id === 'number') && !list.includes(String(id))) list.push(String(id));
      }
      ids.set(collectionOf(op.path), list);
    };

    // Data to act on: what the lists hold (the seeded flow, the demo line, seats), then a few created from the schemas.
    for (const op of ops.filter((o) => o.method === 'GET' && !o.path.includes('{'))) {
      const res = await send(maker.base(op));
      if (res.statusCode === 200) remember(op, res.body);
    }
    for (const op of ops.filter((o) => o.method === 'POST' && !o.path.includes('{') && o.body)) {
      for (let i = 0; i < 3; i++) {
        const res = await send(maker.base(op));
        if (res.statusCode < 300) remember(op, res.body);
      }
    }

    const structured = ops.flatMap((op) => maker.structured(op));
    for (let i = structured.length - 1; i > 0; i--) { const j = rng.int(i + 1); [structured[i], structured[j]] = [structured[j]!, structured[i]!]; }
    for (const r of structured) await send(r);
    // The random fill: slow operations (password hashing, the modem's DTMF pacing, diagnostics
    // probing the system, speech synthesis) get their structured cases above and 1 in 20 of the rest.
    const slow = ops.filter((o) => SLOW.some((re) => re.test(`${o.method} ${o.path}`)));
    const fast = ops.filter((o) => !slow.includes(o));
    while (sent < TOTAL) await send(maker.random(rng.pick(slow.length && rng.chance(0.05) ? slow : fast)));

    const health = await daemon.app.inject({ method: 'GET', url: '/api/v1/health' });
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`fuzz: ${sent} requests (${structured.length} structured) in ${seconds} s on ${testDbKind()}; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    if (process.env.KEFU_FUZZ_PROFILE) console.log([...prof].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => `${v.toFixed(0)} ms ${k}`).join('\n'));
    const report = summarise(failures);
    if (report.length) {
      const file = join(tmpdir(), `kefu-fuzz-${testDbKind()}-${SEED}.json`);
      writeFileSync(file, JSON.stringify([...failures].map(([k, f]) => ({ key: k, ...f, example: { ...f.example, payload: typeof f.example.payload === 'string' ? f.example.payload.slice(0, 2000) : f.example.payload?.toString('base64') } })), null, 1));
      console.log(`fuzz failures (seed ${SEED}; every case in ${file}):\n${report.join('\n')}`);
    }
    expect(health.statusCode).toBe(200);
    expect(sent).toBeGreaterThanOrEqual(Math.min(TOTAL, 5000));
    expect(report, `seed ${SEED}`).toEqual([]);
  });
});
