/**
 * Who ended a call that had no conversation (fake PBX, fake timers; the
 * services, the IVR and PGlite are real). A caller who hangs up in the menu
 * or in a queue has `abandoned`, and counts in the queue's abandonment; a
 * caller we hang up through the API (`POST /calls/{id}/hangup`, a
 * supervisor clearing a stuck call) has `cancelled`. Before, both were
 * `abandoned`: an API hang-up raised the queue's abandonment rate.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAKE_CLOCK, pbxHarness, TRUNK, type PbxHarness } from '../../support/pbx-harness.ts';
import { salesMenuFlow } from '../../helpers/flows.ts';

describe('an API hang-up before a conversation (fake PBX, fake timers)', () => {
  let h: PbxHarness;
  const rows = async (number: string) => (await h.db.query<{ id: string; state: string; disposition: string | null }>('SELECT id, state, disposition FROM calls WHERE number LIKE $1', [`%${number}`])).rows;
  const until = async (number: string, ok: (r: { state: string; disposition: string | null }) => boolean, what: string) => {
    for (let i = 0; i < 200; i++) {
      const r = (await rows(number))[0];
      if (r && ok(r)) return r;
      await h.settle();
      await vi.advanceTimersByTimeAsync(50);
    }
    throw new Error(`never happened: ${what}`);
  };
  const apiHangup = async (callId: string) => h.service.calls().find((s) => s.id === callId)!.hangup();

  beforeAll(async () => {
    h = await pbxHarness({ seats: ['d1'] });
    await h.service.start();
    await h.addAgents(['d1']);
    await h.agents.setState('d1', { state: 'paused', reason: 'lunch' });
    await h.addQueue('sales', 'round-robin', ['d1'], { maxWaitS: 600 });
    const menu = { ...salesMenuFlow({ id: 'main', name: 'Menu', timeoutMs: 60_000 }) };
    if ((await h.repos.flows.list()).some((f) => f.id === 'main')) await h.flows.save('main', menu, true);
    else await h.flows.create(menu);
  });
  afterAll(async () => { await h?.close(); });
  beforeEach(() => { vi.useFakeTimers(FAKE_CLOCK); });
  afterEach(() => { vi.useRealTimers(); });

  it('in the menu and in the queue: the caller\'s own hang-up is abandoned, ours is cancelled', async () => {
    // in the menu
    const m1 = h.pbx.callIn({ number: '13800138061', trunk: TRUNK });
    const r1 = await until('13800138061', (r) => r.state === 'answered', 'M1 in the menu');
    const m2 = h.pbx.callIn({ number: '13800138062', trunk: TRUNK });
    await until('13800138062', (r) => r.state === 'answered', 'M2 in the menu');
    await apiHangup(r1.id);
    h.pbx.farHangup(m2);
    expect((await until('13800138061', (r) => r.state === 'ended', 'M1 ended')).disposition).toBe('cancelled');
    expect((await until('13800138062', (r) => r.state === 'ended', 'M2 ended')).disposition).toBe('abandoned');
    expect(h.pbx.leg(m1)).toBeUndefined();

    // waiting in the queue (d1 is paused)
    const q1 = h.pbx.callIn({ number: '13800138063', trunk: TRUNK });
    const q2 = h.pbx.callIn({ number: '13800138064', trunk: TRUNK });
    h.pbx.press(q1, '1');
    h.pbx.press(q2, '1');
    const r3 = await until('13800138063', (r) => r.state === 'queued', 'Q1 queued');
    await until('13800138064', (r) => r.state === 'queued', 'Q2 queued');
    await apiHangup(r3.id);
    h.pbx.farHangup(q2);
    expect((await until('13800138063', (r) => r.state === 'ended', 'Q1 ended')).disposition).toBe('cancelled');
    expect((await until('13800138064', (r) => r.state === 'ended', 'Q2 ended')).disposition).toBe('abandoned');
    expect(h.pbx.leg(q1)).toBeUndefined();
    // the queue's figures count the caller who gave up, not the one we hung up
    const stat = h.service.acd.queueStats().find((x) => x.queueId === 'sales');
    expect(stat, JSON.stringify(stat)).toMatchObject({ abandoned: 1, waiting: 0 });
  });
});
