/**
 * An attempt's end and its number's next step are one transaction: before,
 * they were two writes, and between them the number still read `dialing`
 * with no attempt open (seen by the lab's campaign takeover test; a crash
 * there left the number stuck). Plain SQL: both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDbKind } from '../helpers/db.ts';
import { migratedDb, type MigratedDb } from '../helpers/app.ts';
import { CampaignRepo, type PastAttempt } from '../../src/db/repos/campaigns.ts';

let m: MigratedDb;
beforeAll(async () => { m = await migratedDb(); });
afterAll(async () => { await m.close(); });

describe(`closing a campaign attempt, on ${testDbKind()}`, () => {
  const dialing = async () => {
    const repo = new CampaignRepo(m.db);
    const c = await repo.create({ name: `c-${randomUUID().slice(0, 8)}`, mode: 'progressive', priority: 0, settings: {} });
    await repo.addNumbers(c.id, [{ number: '+8613900000001' }]);
    const [n] = await repo.claimDue(c.id, 1, new Date());
    const a = await repo.openAttempt({ campaignId: c.id, numberId: n!.id, number: n!.number, lineId: 'trunk1', agentId: null, placedAt: new Date() });
    return { repo, numberId: n!.id, attemptId: a.id };
  };
  const rows = async (attemptId: string, numberId: string) => ({
    attempt: (await m.db.query<{ outcome: string | null; ended: boolean }>('SELECT outcome, ended_at IS NOT NULL AS ended FROM campaign_attempts WHERE id = $1', [attemptId])).rows[0],
    number: (await m.db.query<{ state: string; done_reason: string | null; last_outcome: string | null; next_at: Date | null }>('SELECT state, done_reason, last_outcome, next_at FROM campaign_numbers WHERE id = $1', [numberId])).rows[0],
  });

  it('the attempt ends and the number is done in one commit; the retry rule sees this attempt', async () => {
    const { repo, numberId, attemptId } = await dialing();
    let seen: PastAttempt[] = [];
    await repo.closeAttempt(attemptId, numberId, { endedAt: new Date(), outcome: 'connected' }, (past) => { seen = past; return { done: 'reached' }; });
    expect(seen.map((p) => p.outcome)).toEqual(['connected']);
    expect(await rows(attemptId, numberId)).toEqual({
      attempt: { outcome: 'connected', ended: true },
      number: { state: 'done', done_reason: 'reached', last_outcome: 'connected', next_at: null },
    });
  });

  it('a retry puts the number back on the list with its time', async () => {
    const { repo, numberId, attemptId } = await dialing();
    const at = new Date(Date.now() + 600_000);
    await repo.closeAttempt(attemptId, numberId, { endedAt: new Date(), outcome: 'busy' }, () => ({ nextAt: at }));
    const r = await rows(attemptId, numberId);
    expect(r.attempt).toEqual({ outcome: 'busy', ended: true });
    expect(r.number).toMatchObject({ state: 'pending', last_outcome: 'busy', done_reason: null });
    expect(r.number!.next_at!.getTime()).toBe(at.getTime());
  });

  it('when settling fails nothing is written: the attempt stays open and the number dialing (never an ended attempt with a stuck number)', async () => {
    const { repo, numberId, attemptId } = await dialing();
    await expect(repo.closeAttempt(attemptId, numberId, { endedAt: new Date(), outcome: 'connected' }, () => { throw new Error('settle failed'); })).rejects.toThrow();
    expect(await rows(attemptId, numberId)).toEqual({
      attempt: { outcome: null, ended: false },
      number: { state: 'dialing', done_reason: null, last_outcome: null, next_at: null },
    });
  });
});
