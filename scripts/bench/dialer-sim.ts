/**
 * A seeded discrete-event simulation of one shift of an outbound campaign,
 * paced by the dialer's own pacing code (src/core/dialer/pacing.ts). The
 * pacing sees only what a real dialer sees: agent states and elapsed times,
 * calls still ringing and for how long, outcomes of finished attempts (from
 * which it learns its statistics, starting from a generic prior each run),
 * and its own abandonment counts. The outcome drawn for each call stays
 * hidden until it happens.
 *
 * Model: each call is answered by a live person with probability pLive after
 * U(ringMinS, ringMaxS) s; a machine answers as often as `pMachine`, found
 * out `amdS` s after it answers, then hung up; busy (or failed) comes back
 * after U(3, 8) s; the rest ring until the ring timeout. A live answer with
 * no agent free within the connect limit (2 s) is abandoned: it hears the
 * identification message (`messageS`) and the line is released. Talk times
 * are log-normal; no wrap-up. One call per line, lines held while talking.
 */
import { AttemptTimes, LogNormalFit, type AttemptOutcome } from '../../src/core/dialer/stats.ts';
import { DEFAULT_PACING, pace, ringTimeout, type PacingConfig } from '../../src/core/dialer/pacing.ts';

export interface SimParams {
  agents: number;
  lines: number;
  mode: 'predictive' | 'progressive';
  seed: number;
  shiftS?: number;
  pLive?: number;
  pMachine?: number;
  pBusy?: number;
  talkMeanS?: number;
  /** Standard deviation of ln(talk time). */
  talkSigma?: number;
  ringMinS?: number;
  ringMaxS?: number;
  amdS?: number;
  messageS?: number;
  pacing?: Partial<PacingConfig>;
}

export interface SimResult {
  talkMinPerAgentHour: number;
  abandonRate: number;
  liveAnswered: number;
  abandoned: number;
  dials: number;
  /** Highest abandonment rate seen at any time once 100 people had answered. */
  peakRate: number;
}

/** mulberry32: small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Ev =
  | { t: number; kind: 'resolve'; call: Call }
  | { t: number; kind: 'talkEnd'; agent: number; talk: number }
  | { t: number; kind: 'giveUp'; call: Call }
  | { t: number; kind: 'release' }
  | { t: number; kind: 'tick' };
interface Call { placedAt: number; outcome: AttemptOutcome; state: 'ringing' | 'waiting' | 'done' }

/** A binary min-heap of events by time. */
class Events {
  private h: Ev[] = [];
  get size() { return this.h.length; }
  push(e: Ev): void {
    const h = this.h;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.t <= e.t) break;
      h[i] = h[p]!; i = p;
    }
    h[i] = e;
  }
  pop(): Ev {
    const h = this.h;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i, tm = last.t;
        if (l < h.length && h[l]!.t < tm) { m = l; tm = h[l]!.t; }
        if (r < h.length && h[r]!.t < tm) m = r;
        if (m === i) break;
        h[i] = h[m]!; i = m;
      }
      h[i] = last;
    }
    return top;
  }
}

export function simulate(p: SimParams): SimResult {
  const rnd = prng(p.seed);
  const shiftS = p.shiftS ?? 8 * 3600;
  const pLive = p.pLive ?? 0.25, pMachine = p.pMachine ?? 0.15, pBusy = p.pBusy ?? 0.15;
  const sigma = p.talkSigma ?? 0.7;
  const mu = Math.log(p.talkMeanS ?? 120) - sigma * sigma / 2;
  const ringMin = p.ringMinS ?? 5, ringMax = p.ringMaxS ?? 25, amdS = p.amdS ?? 3, messageS = p.messageS ?? 5;
  const cfg: PacingConfig = { ...DEFAULT_PACING, wrapUp: false, ...p.pacing, mode: p.mode, maxLines: p.lines };
  const timeout = ringTimeout(cfg);
  const stats = {
    attempts: new AttemptTimes({ maxS: timeout, priorLiveRate: 0.2, priorWeight: 40 }),
    talk: new LogNormalFit(150, 1, 10),
    wrapUp: new LogNormalFit(1, 0.5, 10),
  };
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const uniform = (a: number, b: number) => a + (b - a) * rnd();

  const ev = new Events();
  const talkStart: Array<number | null> = Array.from({ length: p.agents }, () => null);
  const ringing = new Set<Call>();
  const waiting: Call[] = [];
  let linesUsed = 0, dials = 0, live = 0, abandoned = 0, talkS = 0, peakRate = 0;

  const connect = (agent: number, now: number) => {
    const talk = Math.exp(mu + sigma * gauss());
    talkStart[agent] = now;
    talkS += Math.min(now + talk, shiftS) - now;
    ev.push({ t: now + talk, kind: 'talkEnd', agent, talk });
  };
  const freeAgent = () => talkStart.indexOf(null);
  const place = (now: number) => {
    const u = rnd();
    const outcome: AttemptOutcome = u < pLive ? 'live' : u < pLive + pMachine ? 'machine' : u < pLive + pMachine + pBusy ? 'busy' : 'no-answer';
    const at = outcome === 'live' ? uniform(ringMin, ringMax) : outcome === 'machine' ? uniform(ringMin, ringMax) + amdS
      : outcome === 'busy' ? uniform(3, 8) : timeout;
    // a person who would answer after the ring timeout is a no-answer
    const call: Call = { placedAt: now, outcome: outcome === 'live' && at > timeout ? 'no-answer' : outcome, state: 'ringing' };
    ringing.add(call);
    linesUsed++;
    dials++;
    ev.push({ t: now + Math.min(at, timeout), kind: 'resolve', call });
  };
  const decide = (now: number) => {
    if (now >= shiftS) return;
    let ready = 0;
    const onCallS: number[] = [];
    for (const s of talkStart) if (s === null) ready++; else onCallS.push(now - s);
    const ringingS: number[] = [];
    for (const c of ringing) ringingS.push(now - c.placedAt);
    const counts = { liveAnswered: live, abandoned };
    const d = pace({
      agentsReady: ready, onCallS, wrapUpS: [], ringingS, waiting: waiting.length,
      linesFree: p.lines - linesUsed, callsUp: linesUsed, abandon: { day: counts, month: counts },
    }, stats, cfg);
    for (let i = 0; i < d.place; i++) place(now);
  };

  for (let t = 0; t < shiftS; t += 1) ev.push({ t, kind: 'tick' });
  while (ev.size > 0) {
    const e = ev.pop();
    if (e.t >= shiftS && e.kind !== 'tick') break;
    const now = e.t;
    if (e.kind === 'resolve') {
      const c = e.call;
      ringing.delete(c);
      stats.attempts.record(c.outcome, now - c.placedAt);
      if (c.outcome !== 'live') { linesUsed--; c.state = 'done'; }
      else {
        live++;
        const a = freeAgent();
        if (a >= 0) { c.state = 'done'; connect(a, now); }
        else { c.state = 'waiting'; waiting.push(c); ev.push({ t: now + cfg.connectWithinS, kind: 'giveUp', call: c }); }
      }
    } else if (e.kind === 'talkEnd') {
      talkStart[e.agent] = null;
      stats.talk.add(e.talk);
      linesUsed--;
      const next = waiting.shift();
      if (next) { next.state = 'done'; connect(e.agent, now); }
    } else if (e.kind === 'giveUp') {
      if (e.call.state === 'waiting') {
        e.call.state = 'done';
        waiting.splice(waiting.indexOf(e.call), 1);
        abandoned++;
        if (live >= 100) peakRate = Math.max(peakRate, abandoned / live);
        ev.push({ t: now + messageS, kind: 'release' });
      }
    } else if (e.kind === 'release') {
      linesUsed--;
    }
    decide(now);
  }
  return {
    talkMinPerAgentHour: talkS / 60 / (p.agents * shiftS / 3600),
    abandonRate: live === 0 ? 0 : abandoned / live,
    liveAnswered: live, abandoned, dials, peakRate,
  };
}
