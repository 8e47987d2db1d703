import { describe, expect, it } from 'vitest';
import { DEFAULT_PACING, aggressiveness, pace, ringTimeout, type CampaignSnapshot, type PacingConfig } from './pacing.ts';
import { AttemptTimes, LogNormalFit } from './stats.ts';

const stats = () => ({
  attempts: new AttemptTimes({ maxS: 25, priorLiveRate: 0.25, priorWeight: 100 }),
  talk: new LogNormalFit(120, 0.8, 50),
  wrapUp: new LogNormalFit(10, 0.5, 50),
});
const cfg = (over: Partial<PacingConfig> = {}): PacingConfig => ({ ...DEFAULT_PACING, maxLines: 40, wrapUp: false, ...over });
const healthy = { day: { liveAnswered: 1000, abandoned: 5 }, month: { liveAnswered: 20000, abandoned: 300 } };
const snap = (over: Partial<CampaignSnapshot> = {}): CampaignSnapshot => ({
  agentsReady: 2, onCallS: Array.from({ length: 18 }, (_, i) => 10 + i * 12), wrapUpS: [], ringingS: [3, 8, 12], waiting: 0,
  linesFree: 19, callsUp: 21, abandon: healthy, ...over,
});

describe('pacing', () => {
  it('progressive: one call per ready agent not already covered by a ringing call', () => {
    expect(pace(snap({ agentsReady: 5, ringingS: [] }), stats(), cfg({ mode: 'progressive' }))).toMatchObject({ place: 5, mode: 'progressive' });
    expect(pace(snap({ agentsReady: 5, ringingS: [1, 2] }), stats(), cfg({ mode: 'progressive' })).place).toBe(3);
    expect(pace(snap({ agentsReady: 1, ringingS: [1, 2] }), stats(), cfg({ mode: 'progressive' })).place).toBe(0);
    expect(pace(snap({ agentsReady: 3, ringingS: [], waiting: 1 }), stats(), cfg({ mode: 'progressive' })).place).toBe(2);
  });

  it('never more calls up than lines, never negative, in any mode and state', () => {
    const modes = ['preview', 'progressive', 'predictive', 'broadcast'] as const;
    for (const mode of modes) {
      for (let ready = 0; ready <= 20; ready += 5) {
        for (const [linesFree, callsUp, maxLines] of [[0, 40, 40], [1, 39, 40], [10, 10, 12], [5, 3, 40], [0, 0, 0], [-2, 42, 40]]) {
          const d = pace(snap({ agentsReady: ready, ringingS: [], linesFree: linesFree!, callsUp: callsUp!, previewRequests: 7, abandon: healthy }), stats(), cfg({ mode, maxLines: maxLines! }));
          expect(d.place).toBeGreaterThanOrEqual(0);
          expect(Number.isInteger(d.place)).toBe(true);
          expect(d.place).toBeLessThanOrEqual(Math.max(0, Math.min(linesFree!, maxLines! - callsUp!)));
        }
      }
    }
    expect(pace(snap({ linesFree: 0 }), stats(), cfg())).toMatchObject({ place: 0, reason: 'no free line' });
  });

  it('predictive dials ahead of the agents: more than progressive, fewer than the free lines', () => {
    const s = snap({ agentsReady: 2, ringingS: [] });
    const p = pace(s, stats(), cfg());
    expect(p.mode).toBe('predictive');
    expect(p.place).toBeGreaterThan(2);
    expect(p.place).toBeLessThan(19);
    expect(p.risk).toBeLessThanOrEqual(p.theta!);
    // the calls already ringing count: more of them, fewer new ones
    expect(pace(snap({ agentsReady: 2, ringingS: [1, 2, 3, 4, 5, 6, 7, 8] }), stats(), cfg()).place).toBeLessThan(p.place);
    // callers already waiting for an agent count too
    expect(pace(snap({ agentsReady: 2, ringingS: [], waiting: 2 }), stats(), cfg()).place).toBeLessThan(p.place);
    // agents well into their calls free up sooner than agents who just started
    const fresh = pace(snap({ agentsReady: 2, ringingS: [], onCallS: Array(18).fill(1) }), stats(), cfg()).place;
    expect(pace(snap({ agentsReady: 2, ringingS: [], onCallS: Array(18).fill(150) }), stats(), cfg()).place).toBeGreaterThan(fresh);
    // with every agent busy on a fresh call, nobody will be free in time: no call
    expect(pace(snap({ agentsReady: 0, ringingS: [], onCallS: Array(20).fill(1) }), stats(), cfg()).place).toBe(0);
  });

  it('predictive at the cap is progressive, over either window', () => {
    const atCap = { day: { liveAnswered: 100, abandoned: 3 }, month: healthy.month };
    const s = snap({ agentsReady: 4, ringingS: [], abandon: atCap });
    const d = pace(s, stats(), cfg());
    expect(d).toMatchObject({ mode: 'progressive', place: pace(s, stats(), cfg({ mode: 'progressive' })).place });
    expect(d.place).toBe(4);
    expect(d.reason).toMatch(/24 h 3\.0 % at the 3\.0 % cap/);
    // nearing it: one more abandon would reach it
    expect(pace(snap({ agentsReady: 4, ringingS: [], abandon: { day: { liveAnswered: 100, abandoned: 2 }, month: healthy.month } }), stats(), cfg())).toMatchObject({ mode: 'progressive', place: 4, reason: 'one more abandon would put 24 h at the 3.0 % cap: progressive' });
    const monthAtCap = { day: healthy.day, month: { liveAnswered: 1000, abandoned: 31 } };
    expect(pace(snap({ agentsReady: 4, ringingS: [], abandon: monthAtCap }), stats(), cfg()).mode).toBe('progressive');
  });

  it('aggressiveness shrinks as the rolling rate nears the target, is zero with no budget, and is lower for small teams', () => {
    const c = cfg();
    const at = (n: number, a: number, agents = 20) => aggressiveness({ day: { liveAnswered: n, abandoned: a }, month: { liveAnswered: n, abandoned: a } }, agents, c).theta;
    expect(at(1000, 0)).toBeCloseTo(c.maxRisk, 9);
    expect(at(1000, 20)).toBeLessThan(at(1000, 10));
    expect(at(1000, 20)).toBeGreaterThan(0);
    expect(at(1000, 25)).toBe(0);
    expect(at(1000, 29)).toBe(0);
    // a fresh campaign has no budget yet: progressive until enough people answered
    expect(at(0, 0)).toBe(0);
    expect(at(1000, 0, 5)).toBeLessThan(at(1000, 0, 20));
    // one abandon is kept in reserve: 0.25 abandons of budget after 10 live answers is none yet, 1.5 after 100 is some
    const after = (n: number) => ({ day: { liveAnswered: n, abandoned: 0 }, month: { liveAnswered: n, abandoned: 0 } });
    expect(pace(snap({ agentsReady: 3, ringingS: [], abandon: after(10) }), stats(), c)).toMatchObject({ mode: 'progressive', place: 3 });
    expect(pace(snap({ agentsReady: 3, ringingS: [], abandon: after(100) }), stats(), c)).toMatchObject({ mode: 'predictive' });
    expect(pace(snap({ agentsReady: 3, ringingS: [], abandon: { day: { liveAnswered: 0, abandoned: 0 }, month: { liveAnswered: 0, abandoned: 0 } } }), stats(), c)).toMatchObject({ mode: 'progressive', place: 3 });
  });

  it('preview places what agents asked for; broadcast fills the lines; no agent, no call', () => {
    expect(pace(snap({ previewRequests: 2 }), stats(), cfg({ mode: 'preview' })).place).toBe(2);
    expect(pace(snap({ linesFree: 6, callsUp: 0 }), stats(), cfg({ mode: 'broadcast', maxLines: 4 })).place).toBe(4);
    expect(pace(snap({ agentsReady: 0, onCallS: [], ringingS: [] }), stats(), cfg())).toMatchObject({ place: 0, reason: 'no agent logged in' });
  });

  it('the ring timeout is never below the minimum ring time', () => {
    expect(ringTimeout({ ringTimeoutS: 10, minRingS: 15 })).toBe(15);
    expect(ringTimeout({ ringTimeoutS: 30, minRingS: 15 })).toBe(30);
  });
});
