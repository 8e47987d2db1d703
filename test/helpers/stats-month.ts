/**
 * A generated month of call records for the statistics tests, written the way
 * the daemon writes them (call rows opened then closed, legs, agent states,
 * campaign attempts), with the edge cases the rollups must get right: calls
 * across midnight and hour boundaries, abandoned with and without a queue
 * wait, unanswered, waits exactly on a ring boundary, a call re-wrapped to a
 * new outcome, an end written twice, an attempt linked after the end, a call
 * deleted (retention), a call still open.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/types.ts';
import type { Repos } from '../../src/db/repos/index.ts';
import { newAgent, type Agent } from '../../src/core/acd/agent.ts';

export interface GenCall {
  id: string; lineId: string; direction: 'inbound' | 'outbound'; agentId: string | null; queueId: string | null; campaignId: string | null;
  startedAt: Date; answeredAt: Date | null; endedAt: Date | null; queueWaitMs: number | null; disposition: string | null; outcome: string | null;
  deleted?: boolean;
}

const mulberry32 = (seed: number) => () => {
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

export const AGENTS = ['a1', 'a2', 'a3'];
export const QUEUES = ['sales', 'support'];
export const LINES = ['l1', 'l2'];

/** Writes the month [monthStart, monthStart + days) and returns what was written. */
export async function writeStatsMonth(db: Db, repos: Repos, monthStart: Date, days = 30, perDay = 8): Promise<{ calls: GenCall[]; campaignId: string }> {
  const rnd = mulberry32(13);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  for (const a of AGENTS) await db.query('INSERT INTO agents(id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING', [a]);
  const campaignId = randomUUID();
  await db.query("INSERT INTO campaigns(id, name, mode) VALUES ($1, 'Autumn', 'progressive')", [campaignId]);
  const calls: GenCall[] = [];
  const at = (ms: number) => new Date(monthStart.getTime() + ms);
  for (let d = 0; d < days; d++) {
    for (let i = 0; i < perDay; i++) {
      const start = at(d * 86_400_000 + Math.floor(rnd() * 86_400_000));
      const kind = rnd();
      const agentId = pick(AGENTS);
      const queueId = rnd() < 0.8 ? pick(QUEUES) : null;
      const wait = Math.floor(rnd() * 40_000);
      const c: GenCall = { id: randomUUID(), lineId: pick(LINES), direction: 'inbound', agentId: null, queueId, campaignId: null, startedAt: start,
        answeredAt: null, endedAt: null, queueWaitMs: null, disposition: null, outcome: null };
      if (kind < 0.6) {
        Object.assign(c, { agentId, answeredAt: new Date(start.getTime() + wait), queueWaitMs: queueId ? wait : null, disposition: 'answered',
          endedAt: new Date(start.getTime() + wait + 30_000 + Math.floor(rnd() * 600_000)), outcome: pick(['sale', 'info', 'callback', null]) });
      } else if (kind < 0.8) {
        Object.assign(c, { disposition: 'abandoned', queueWaitMs: queueId ? wait : null, endedAt: new Date(start.getTime() + wait + 1000) });
      } else if (kind < 0.9) {
        Object.assign(c, { disposition: pick(['missed', 'busy', 'no-answer']), endedAt: new Date(start.getTime() + 20_000) });
      } else {
        Object.assign(c, { direction: 'outbound', agentId, campaignId, answeredAt: new Date(start.getTime() + 9000), disposition: 'answered',
          endedAt: new Date(start.getTime() + 120_000), outcome: 'sale' });
      }
      calls.push(c);
    }
  }
  // Edge cases (the month is in Asia/Shanghai: local midnight is 16:00 UTC).
  const edge = (o: Partial<GenCall>): GenCall => {
    const c: GenCall = { id: randomUUID(), lineId: 'l1', direction: 'inbound', agentId: 'a1', queueId: 'sales', campaignId: null, startedAt: at(0),
      answeredAt: null, endedAt: null, queueWaitMs: null, disposition: 'answered', outcome: null, ...o };
    calls.push(c);
    return c;
  };
  const across = at(3 * 86_400_000 - 30_000); // 30 s before a local midnight
  edge({ startedAt: across, answeredAt: new Date(across.getTime() + 18_000), queueWaitMs: 18_000, endedAt: new Date(across.getTime() + 400_000), outcome: 'sale' });
  const hourEdge = at(5 * 86_400_000 + 3_600_000 - 5000);
  edge({ startedAt: hourEdge, answeredAt: new Date(hourEdge.getTime() + 18_001), queueWaitMs: 18_001, endedAt: new Date(hourEdge.getTime() + 90_000) });
  edge({ startedAt: at(6 * 86_400_000), disposition: 'abandoned', queueId: null, agentId: null, endedAt: at(6 * 86_400_000 + 47_000) });
  edge({ startedAt: at(7 * 86_400_000), disposition: 'abandoned', queueWaitMs: 61_000, agentId: null, endedAt: at(7 * 86_400_000 + 61_500) });
  edge({ startedAt: at(8 * 86_400_000), disposition: 'no-answer', agentId: null, queueId: null, endedAt: at(8 * 86_400_000 + 25_000) });
  edge({ startedAt: at(9 * 86_400_000), answeredAt: at(9 * 86_400_000), queueWaitMs: 0, endedAt: at(9 * 86_400_000 + 10_000), outcome: '=SUM(1,2)' });
  const rewrapped = edge({ startedAt: at(10 * 86_400_000 + 7200_000), answeredAt: at(10 * 86_400_000 + 7206_000), queueWaitMs: 6000, endedAt: at(10 * 86_400_000 + 7300_000), outcome: 'info' });
  const twice = edge({ startedAt: at(11 * 86_400_000), answeredAt: at(11 * 86_400_000 + 12_000), queueWaitMs: 12_000, endedAt: at(11 * 86_400_000 + 70_000) });
  const linkedLate = edge({ direction: 'outbound', queueId: null, startedAt: at(12 * 86_400_000 + 3600_000), answeredAt: at(12 * 86_400_000 + 3610_000), endedAt: at(12 * 86_400_000 + 3700_000), outcome: 'sale' });
  const deleted = edge({ startedAt: at(13 * 86_400_000), answeredAt: at(13 * 86_400_000 + 1000), queueWaitMs: 1000, endedAt: at(13 * 86_400_000 + 5000), deleted: true });
  const open = edge({ startedAt: at(14 * 86_400_000), answeredAt: at(14 * 86_400_000 + 1000), endedAt: null, disposition: null });

  for (const c of calls) {
    await repos.calls.create({ id: c.id, lineId: c.lineId, direction: c.direction, state: 'ringing', startedAt: c.startedAt });
    await repos.calls.update(c.id, { agentId: c.agentId, queueId: c.queueId, state: 'queued' });
    if (c.answeredAt) await repos.calls.update(c.id, { answeredAt: c.answeredAt, state: 'connected' });
    if (c.agentId && c.answeredAt && c.endedAt && c.direction === 'inbound') {
      // The agent's phone leg (talk time), and the agent's states around the call.
      const legId = randomUUID();
      await repos.legs.open({ id: legId, callId: c.id, kind: 'agent', channelId: `ch-${legId}`, endpoint: null, agentId: c.agentId, startedAt: c.answeredAt });
      await repos.legs.answered(legId, c.answeredAt);
      await repos.legs.ended(legId, c.endedAt, 'normal');
    }
    if (c.endedAt && c !== open) {
      await repos.calls.update(c.id, { state: 'ended', disposition: c.disposition, endedAt: c.endedAt, durationMs: c.endedAt.getTime() - c.startedAt.getTime(),
        queueWaitMs: c.queueWaitMs, outcome: c.outcome });
    }
    if (c.campaignId && c !== linkedLate) await attempt(db, campaignId, c, true);
  }
  // An end written twice; a re-wrap to a new outcome; an attempt linked after the call ended; a pruned call.
  await repos.calls.update(twice.id, { state: 'ended', disposition: 'answered', endedAt: twice.endedAt!, durationMs: 70_000 });
  await repos.calls.update(rewrapped.id, { outcome: 'sale', wrappedAt: new Date() });
  rewrapped.outcome = 'sale';
  linkedLate.campaignId = campaignId;
  await attempt(db, campaignId, linkedLate, false);
  await db.query('DELETE FROM calls WHERE id = $1', [deleted.id]);

  // Agent shifts: every day 01:00-10:00 UTC logged in, with a wrap-up after each answered inbound call of theirs that day.
  for (const a of AGENTS) {
    let agent: Agent = newAgent(a, monthStart.getTime());
    const save = async (patch: Partial<Agent>, t: number) => { agent = { ...agent, ...patch, since: t }; await repos.acd.saveAgentState(agent); };
    await repos.acd.saveAgentState(agent);
    for (let d = 0; d < days; d++) {
      const day = monthStart.getTime() + d * 86_400_000;
      await save({ state: 'ready' }, day + 3600_000);
      const mine = calls.filter((c) => c.agentId === a && c.direction === 'inbound' && c.answeredAt && c.endedAt && !c.deleted
        && c.answeredAt.getTime() > day + 3600_000 && c.endedAt.getTime() + 60_000 < day + 36_000_000)
        .sort((x, y) => x.answeredAt!.getTime() - y.answeredAt!.getTime());
      let free = day + 3600_000;
      for (const c of mine) {
        if (c.answeredAt!.getTime() < free) continue;
        await save({ state: 'on-call', callId: c.id }, c.answeredAt!.getTime());
        await save({ state: 'wrap-up', callId: null }, c.endedAt!.getTime());
        free = c.endedAt!.getTime() + 45_000;
        await save({ state: 'ready' }, free);
      }
      await save({ state: 'paused', reason: 'lunch' }, Math.max(free, day + 30_000_000));
      await save({ state: 'logged-out', reason: null }, Math.max(free, day + 36_000_000) + 1);
    }
  }
  return { calls: calls.filter((c) => !c.deleted), campaignId };
}

async function attempt(db: Db, campaignId: string, c: GenCall, withCall: boolean): Promise<void> {
  const numberId = randomUUID();
  const attemptId = randomUUID();
  await db.query('INSERT INTO campaign_numbers(id, campaign_id, number) VALUES ($1, $2, $3)', [numberId, campaignId, `+86138${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`]);
  await db.query('INSERT INTO campaign_attempts(id, campaign_id, number_id, number, call_id, placed_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [attemptId, campaignId, numberId, '+8613800000000', withCall ? c.id : null, c.startedAt]);
  if (!withCall) await db.query('UPDATE campaign_attempts SET call_id = $2 WHERE id = $1', [attemptId, c.id]);
}
