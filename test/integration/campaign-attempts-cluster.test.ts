/**
 * Campaign attempts left up, closed at a daemon's start (and, in a cluster,
 * by a sweep): on one daemon every attempt left up is the stopped run's and
 * is closed; in a cluster another daemon may be dialing the same campaign
 * now, so only attempts whose call is over are closed, and a claimed number
 * with no attempt yet goes back on the list only when no other daemon is
 * alive. Before, a standby's start closed the owner's live attempts and put
 * their numbers back on the list (dialled a second time while the first
 * call still rang). Plain SQL: both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDbKind } from '../helpers/db.ts';
import { migratedDb, type MigratedDb } from '../helpers/app.ts';
import { CampaignRepo } from '../../src/db/repos/campaigns.ts';

let m: MigratedDb;
beforeAll(async () => { m = await migratedDb(); });
afterAll(async () => { await m.close(); });

describe(`campaign attempts left up, on ${testDbKind()}`, () => {
  /** A campaign with one number per entry of `nums`, each claimed (state dialing). */
  const campaign = async (nums: string[]) => {
    const repo = new CampaignRepo(m.db);
    const c = await repo.create({ name: `c-${randomUUID().slice(0, 8)}`, mode: 'progressive', priority: 0, settings: {} });
    await repo.addNumbers(c.id, nums.map((number) => ({ number })));
    const claimed = await repo.claimDue(c.id, nums.length, new Date());
    return { repo, c, byNumber: new Map(claimed.map((n) => [n.number, n])) };
  };
  const call = async (endedAgoS: number | null) => {
    const id = randomUUID();
    await m.db.query(`INSERT INTO calls(id, line_id, direction, state, started_at, ended_at) VALUES ($1, 'trunk1', 'outbound', $2, now() - interval '10 minutes', $3)`,
      [id, endedAgoS === null ? 'connected' : 'ended', endedAgoS === null ? null : new Date(Date.now() - endedAgoS * 1000)]);
    return id;
  };
  const attempt = async (repo: CampaignRepo, campaignId: string, n: { id: string; number: string }, o: { callId: string | null; placedAgoS: number; answered?: boolean }) => {
    const a = await repo.openAttempt({ campaignId, numberId: n.id, number: n.number, lineId: 'trunk1', agentId: null, placedAt: new Date(Date.now() - o.placedAgoS * 1000) });
    await repo.updateAttempt(a.id, { ...(o.callId ? { callId: o.callId } : {}), ...(o.answered ? { answeredAt: new Date() } : {}) });
    return a.id;
  };
  const state = async (id: string) => (await m.db.query<{ state: string }>('SELECT state FROM campaign_numbers WHERE id = $1', [id])).rows[0]!.state;
  const outcome = async (id: string) => (await m.db.query<{ outcome: string | null }>('SELECT outcome FROM campaign_attempts WHERE id = $1', [id])).rows[0]!.outcome;

  it('in a cluster: only attempts whose call is over are closed; a claim of a live daemon is left alone; on one daemon every one is closed', async () => {
    const { repo, c, byNumber } = await campaign(['+8613900000001', '+8613900000002', '+8613900000003', '+8613900000004', '+8613900000005', '+8613900000006']);
    const n = (i: number) => byNumber.get(`+861390000000${i}`)!;
    const ringing = await attempt(repo, c.id, n(1), { callId: await call(null), placedAgoS: 20 });
    const overLongAgo = await attempt(repo, c.id, n(2), { callId: await call(120), placedAgoS: 300, answered: true });
    const justOver = await attempt(repo, c.id, n(3), { callId: await call(10), placedAgoS: 60 });
    const noRowOld = await attempt(repo, c.id, n(4), { callId: randomUUID(), placedAgoS: 600 });
    const noCallYet = await attempt(repo, c.id, n(5), { callId: null, placedAgoS: 5 });
    // n(6): claimed, no attempt yet; another daemon holds a live lease
    await m.db.query("INSERT INTO node_lease(node, owner, epoch, expires_at) VALUES ('camp-node', 'other', 1, now() + interval '1 minute') ON CONFLICT (node) DO UPDATE SET owner = 'other', expires_at = EXCLUDED.expires_at");

    expect(await repo.closeInterrupted(new Date(), { owner: 'me' })).toEqual({ attempts: 2 });
    // the call of n(1) still rings somewhere: its attempt and its number are left alone (not dialled twice)
    expect([await outcome(ringing), await state(n(1).id)]).toEqual([null, 'dialing']);
    // over a minute ago: closed (answered: done, not called again); a call that never got a row: closed, back on the list
    expect([await outcome(overLongAgo), await state(n(2).id)]).toEqual(['interrupted', 'done']);
    expect([await outcome(noRowOld), await state(n(4).id)]).toEqual(['interrupted', 'pending']);
    // over seconds ago (its end may still be on its way), or placed moments ago: left alone
    expect(await outcome(justOver)).toBeNull();
    expect(await outcome(noCallYet)).toBeNull();
    // claimed with no attempt while another daemon lives: left alone
    expect(await state(n(6).id)).toBe('dialing');

    // nobody else alive: the claim goes back on the list
    await m.db.query("UPDATE node_lease SET expires_at = now() - interval '1 second' WHERE node = 'camp-node'");
    await repo.closeInterrupted(new Date(), { owner: 'me' });
    expect(await state(n(6).id)).toBe('pending');

    // one daemon (no cluster): every attempt left up is the stopped run's
    expect(await repo.closeInterrupted(new Date())).toEqual({ attempts: 3 });
    for (const id of [ringing, justOver, noCallYet]) expect(await outcome(id)).toBe('interrupted');
  });
});
