import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { openDb } from '../../src/db/open.ts';
import { migrate, appliedVersions, listMigrations } from '../../src/db/migrate.ts';
import type { Db } from '../../src/db/types.ts';
import { CustomerRepo } from '../../src/db/repos/customers.ts';
import { BlacklistRepo } from '../../src/db/repos/blacklist.ts';
import { FlowRepo } from '../../src/db/repos/flows.ts';
import { isKefuError } from '../../src/core/errors.ts';
import { CallRepo } from '../../src/db/repos/calls.ts';
import { CallLegRepo } from '../../src/db/repos/legs.ts';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe(`database on ${testDbKind()}`, () => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const fresh = await freshDatabase();
    drop = fresh.drop;
    db = await openDb(fresh.url);
  });
  afterAll(async () => { await db.close(); await drop(); });

  it('applies every migration once, and a second run applies none', async () => {
    const first = await migrate(db);
    expect(first.map((m) => m.version)).toEqual(listMigrations().map((m) => m.version));
    expect(await migrate(db)).toEqual([]);
    expect(await appliedVersions(db)).toEqual(listMigrations().map((m) => m.version));
  });

  it('numbers with a gap apply in order; a lower number that arrives later is applied then; duplicates are refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-mig-'));
    try {
      writeFileSync(join(dir, '001_a.sql'), 'CREATE TABLE mig_a (x int);');
      writeFileSync(join(dir, '004_d.sql'), 'INSERT INTO mig_a VALUES (4);');
      writeFileSync(join(dir, '010_j.sql'), 'INSERT INTO mig_a VALUES (10);');
      writeFileSync(join(dir, 'README'), 'not a migration');
      const fresh = await freshDatabase();
      const extra = await openDb(fresh.url);
      try {
        expect((await migrate(extra, dir)).map((m) => m.version)).toEqual([1, 4, 10]);
        writeFileSync(join(dir, '003_c.sql'), 'INSERT INTO mig_a VALUES (3);');
        expect((await migrate(extra, dir)).map((m) => m.version)).toEqual([3]);
        expect((await extra.query<{ x: number }>('SELECT x FROM mig_a ORDER BY x')).rows.map((r) => r.x)).toEqual([3, 4, 10]);
        writeFileSync(join(dir, '003_other.sql'), 'SELECT 1;');
        expect(() => listMigrations(dir)).toThrow(/two migrations numbered 3/);
      } finally {
        await extra.close();
        await fresh.drop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('call legs: opened once per channel, answered and ended once; recovery closes open legs at the call\'s end; handle times per queue', async () => {
    const calls = new CallRepo(db);
    const legs = new CallLegRepo(db);
    const id = randomUUID();
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 9, 0, s));
    await calls.create({ id, lineId: 'trunk1', direction: 'inbound', state: 'queued', startedAt: t(0) });
    await calls.update(id, { queueId: 'sales' });
    const [caller, agent, again] = [randomUUID(), randomUUID(), randomUUID()];
    await legs.open({ id: caller, callId: id, kind: 'caller', channelId: 'ch-1', startedAt: t(0) });
    await legs.open({ id: agent, callId: id, kind: 'agent', channelId: 'ch-2', seatId: 'seat-101', agentId: 'ann', startedAt: t(1) });
    await legs.open({ id: again, callId: id, kind: 'agent', channelId: 'ch-2', startedAt: t(2) }); // same channel: ignored
    await legs.answered(agent, t(3));
    await legs.answered(agent, t(4)); // once
    await legs.ended(agent, t(13), 'normal');
    await legs.ended(agent, t(20), 'failed'); // once
    expect(await legs.recentHandleTimes('sales', 5)).toEqual([10_000]);
    await calls.update(id, { state: 'ended', endedAt: t(30) });
    expect(await legs.closeOpen('interrupted')).toBe(1);
    expect(await legs.closeOpen('interrupted')).toBe(0);
    const out = await legs.forCall(id);
    expect(out.map((l) => [l.kind, l.channelId, l.endCause, l.endedAt])).toEqual([
      ['caller', 'ch-1', 'interrupted', t(30).toISOString()],
      ['agent', 'ch-2', 'normal', t(13).toISOString()],
    ]);
    expect(out[1]).toMatchObject({ seatId: 'seat-101', agentId: 'ann', answeredAt: t(3).toISOString() });
  });

  it('customers: create, find by phone key, patch, page through, delete', async () => {
    const repo = new CustomerRepo(db);
    const a = await repo.create({ name: 'Wang Fang', phones: [{ number: '+8613800138000', label: 'mobile' }], tier: 'vip' });
    for (let i = 0; i < 5; i++) await repo.create({ name: `C${i}`, phones: [{ number: `+861390000000${i}` }] });
    expect((await repo.findByPhone('+8613800138000'))?.id).toBe(a.id);
    expect(await repo.findByPhone('+8600000000000')).toBeNull();
    const patched = await repo.update(a.id, { company: 'Acme', phones: [{ number: '+8613700137000' }] });
    expect(patched.company).toBe('Acme');
    expect(patched.name).toBe('Wang Fang');
    expect(await repo.findByPhone('+8613800138000')).toBeNull();
    const p1 = await repo.list({ limit: 4 });
    expect(p1.items).toHaveLength(4);
    const p2 = await repo.list({ limit: 4, cursor: p1.next ?? undefined });
    expect(p2.items).toHaveLength(2);
    expect(p2.next).toBeNull();
    expect(new Set([...p1.items, ...p2.items].map((c) => c.id)).size).toBe(6);
    expect((await repo.list({ limit: 10, q: 'wang' })).items.map((c) => c.id)).toEqual([a.id]);
    await repo.delete(a.id);
    await expect(repo.get(a.id)).rejects.toSatisfy((e) => isKefuError(e, 'NOT_FOUND'));
  });

  it('blacklist: duplicate is a CONFLICT by SQLSTATE; bulk import skips duplicates; scan sees every row', async () => {
    const repo = new BlacklistRepo(db);
    await repo.add({ kind: 'number', value: '+8613800138000', direction: 'inbound' });
    await expect(repo.add({ kind: 'number', value: '+8613800138000', direction: 'inbound' })).rejects.toSatisfy((e) => isKefuError(e, 'CONFLICT'));
    const many = Array.from({ length: 12_000 }, (_, i) => ({ kind: 'number' as const, value: `+86139${String(i).padStart(8, '0')}`, direction: 'both' as const }));
    expect(await repo.addMany([...many, ...many.slice(0, 10)])).toBe(12_000);
    let seen = 0;
    for await (const chunk of repo.scan(5000)) seen += chunk.length;
    expect(seen).toBe(12_001);
  });

  it('flows: versions, publish and roll back', async () => {
    const repo = new FlowRepo(db);
    await repo.create('f1', 'Flow one', { v: 1 });
    await repo.saveVersion('f1', 'Flow one', { v: 2 });
    const draft = await repo.saveVersion('f1', 'Flow one', { v: 3 }, false);
    expect(draft).toMatchObject({ currentVersion: 3, publishedVersion: 2 });
    expect((await repo.version('f1', 'published')).definition).toEqual({ v: 2 });
    await repo.publish('f1', 1);
    expect((await repo.version('f1', 'published')).definition).toEqual({ v: 1 });
    expect((await repo.versions('f1')).map((v) => v.version)).toEqual([3, 2, 1]);
  });
});
