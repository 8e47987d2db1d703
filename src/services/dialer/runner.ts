/**
 * One running campaign: whenever something changes (an agent frees, a call
 * resolves, a setting changes) and on a short tick, it asks the pacing
 * (src/core/dialer/pacing.ts) how many calls to place, claims that many due
 * numbers, checks each against do-not-call and the calling window at that
 * moment, writes the attempt and hands the call to the backend. Reports from
 * the backend update the attempt, the number (retry or done), the measured
 * statistics and the abandonment figures. Decisions never overlap.
 */
import type { Logger } from 'pino';
import { pace, ringTimeout, DEFAULT_PACING, type CampaignSnapshot, type PacingConfig, type PacingDecision } from '../../core/dialer/pacing.ts';
import { AttemptTimes, LogNormalFit, abandonFigures, MONTH_MS } from '../../core/dialer/stats.ts';
import type { RiskStats } from '../../core/dialer/risk.ts';
import { nextAttemptAt, type RetryOutcome } from '../../core/dialer/retry.ts';
import { isCallable, nextCallableAt } from '../../core/dialer/calling-window.ts';
import type { Campaign, CampaignAttempt, CampaignNumber, CampaignOutcome } from '../../core/dialer/campaign.ts';
import type { CampaignRepo } from '../../db/repos/campaigns.ts';
import { KefuError } from '../../core/errors.ts';
import type { AttemptReports, DialerBackend, DialerCall, ResumedAttempt } from './port.ts';

export interface RunnerDeps {
  repo: CampaignRepo;
  backend: DialerBackend;
  /** Do-not-call, from memory (entries take effect at once). */
  dnc: (numberKey: string) => string | null;
  digits: (numberKey: string) => string;
  defaultRegion: string;
  /** The campaign's agents (its queue's members or its own list). */
  agentIds: (c: Campaign) => string[];
  changed: (c: Campaign) => void;
  /** Free lines kept for running campaigns of higher priority that share this one's lines and want them. */
  reserved?: (r: CampaignRunner) => number;
  log: Logger;
  now?: () => number;
}

interface Up { attemptId: string; numberId: string; placedAt: number; answeredAt: number | null; connectedAt: number | null; waiting: boolean; agentId: string | null }

const RETRY_OUTCOMES: Partial<Record<CampaignOutcome, RetryOutcome>> = {
  connected: 'connected', abandoned: 'abandoned', machine: 'machine', busy: 'busy', 'no-answer': 'no-answer', failed: 'failed', interrupted: 'failed', cancelled: 'failed',
};

export class CampaignRunner {
  private readonly up = new Map<string, Up>();
  private stats: RiskStats;
  private abandon = { day: { liveAnswered: 0, abandoned: 0 }, month: { liveAnswered: 0, abandoned: 0 } };
  private live: Array<{ liveAt: number; abandoned: boolean }> = [];
  private deciding = false;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;
  /** Preview: numbers shown to agents (numberId → agent), and calls they asked for. */
  readonly previews = new Map<string, { agentId: string; number: CampaignNumber; timer: NodeJS.Timeout | null }>();
  last: PacingDecision | null = null;
  /** Milliseconds the last pacing decision took (the figure the lab bench reports). */
  lastDecisionMs = 0;
  /** The last claim found fewer due numbers than it asked for. */
  private nothingDue = false;
  /** What the last decision saw (demand() paces it again, with every line free). */
  private seen: CampaignSnapshot | null = null;
  private readonly now: () => number;

  constructor(public campaign: Campaign, private readonly d: RunnerDeps) {
    this.now = d.now ?? Date.now;
    this.stats = this.freshStats();
    this.unsubscribe = d.backend.onChange(() => this.kick());
  }

  private freshStats(): RiskStats {
    return { attempts: new AttemptTimes({ maxS: ringTimeout({ ringTimeoutS: this.campaign.settings.ringTimeoutS, minRingS: 15 }) + 5 }), talk: new LogNormalFit(120, 1), wrapUp: new LogNormalFit(10, 0.5) };
  }

  /** Loads what was measured before (attempts, abandonment) and starts deciding. */
  async start(): Promise<void> {
    for (const a of await this.d.repo.recentResolved(this.campaign.id, 500)) {
      this.stats.attempts.record(a.live ? 'live' : 'no-answer', (a.resolvedAt - a.placedAt) / 1000);
      if (a.talkMs !== null) this.stats.talk.add(a.talkMs / 1000);
    }
    this.live = await this.d.repo.liveAnswers(this.campaign.id, new Date(this.now() - MONTH_MS));
    this.refigure();
    this.timer = setInterval(() => this.kick(), 1000);
    this.timer.unref();
    this.kick();
  }

  /** Stops deciding; calls up go on unless `cancel` (their ringing ends). */
  async stop(cancel: boolean): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe();
    for (const [numberId, p] of this.previews) {
      if (p.timer) clearTimeout(p.timer);
      await this.d.repo.defer(numberId, null, null);
    }
    this.previews.clear();
    if (cancel) await this.d.backend.cancelRinging(this.campaign.id);
  }

  /**
   * Calls it would place now were lines free (0 once nothing is due), from
   * what its last decision saw: lower-priority campaigns on its lines leave
   * them to it. Paced only when a campaign sharing its lines asks.
   */
  demand(): number {
    if (this.nothingDue || !this.seen) return 0;
    return pace({ ...this.seen, linesFree: Number.MAX_SAFE_INTEGER }, this.stats, this.pacing()).place;
  }

  update(c: Campaign): void { this.campaign = c; this.kick(); }

  callsUp(): number { return this.up.size; }

  figures(): typeof this.abandon & { rate: { day: number | null; month: number | null } } {
    const rate = (w: { liveAnswered: number; abandoned: number }) => (w.liveAnswered ? w.abandoned / w.liveAnswered : null);
    return { ...this.abandon, rate: { day: rate(this.abandon.day), month: rate(this.abandon.month) } };
  }

  private refigure(): void {
    const f = abandonFigures(this.live.map((x) => ({ liveAnsweredAt: x.liveAt, abandoned: x.abandoned })), this.now());
    this.abandon = { day: { liveAnswered: f.day.liveAnswered, abandoned: f.day.abandoned }, month: { liveAnswered: f.month.liveAnswered, abandoned: f.month.abandoned } };
  }

  /** Decide again now (or right after the decision in progress). */
  kick(): void {
    if (this.stopped) return;
    if (this.deciding) { this.again = true; return; }
    this.deciding = true;
    void this.decide().catch((err: unknown) => this.d.log.error({ err, campaignId: this.campaign.id }, 'dialer decision failed')).finally(() => {
      this.deciding = false;
      if (this.again) { this.again = false; this.kick(); }
    });
  }

  private pacing(): PacingConfig {
    const s = this.campaign.settings;
    return { ...DEFAULT_PACING, mode: this.campaign.mode, maxLines: s.maxLines, abandonCap: s.abandonCap, abandonTarget: s.abandonTarget, connectWithinS: s.connectWithinS, ringTimeoutS: s.ringTimeoutS };
  }

  private async decide(): Promise<void> {
    const c = this.campaign;
    const t0 = performance.now();
    const agents = this.d.backend.agents(this.d.agentIds(c));
    const now = this.now();
    const ringing = [...this.up.values()].filter((u) => u.answeredAt === null);
    const snapshot: CampaignSnapshot = {
      agentsReady: agents.ready.length, onCallS: agents.onCallS, wrapUpS: agents.wrapUpS, waiting: agents.waiting,
      ringingS: ringing.map((u) => (now - u.placedAt) / 1000), linesFree: 0, callsUp: this.up.size,
      abandon: this.abandon, previewRequests: 0,
    };
    const free = this.d.backend.freeLines(this.lineIds());
    const reserved = this.d.reserved?.(this) ?? 0;
    let decision = pace({ ...snapshot, linesFree: Math.max(0, free - reserved) }, this.stats, this.pacing());
    if (decision.place === 0 && free > 0 && reserved >= free) decision = { ...decision, reason: `lines kept for campaigns of higher priority (${reserved} wanted)` };
    this.lastDecisionMs = performance.now() - t0;
    this.seen = snapshot;
    this.last = decision;
    const placed = decision.place > 0 ? await this.placeSome(decision.place) : 0;
    // nothing up and nothing left to dial (or nothing due): the campaign may be over
    if (placed === 0 && this.up.size === 0 && this.previews.size === 0) await this.finishIfDone();
  }

  /**
   * Preview: the next due number for `agentId`, held for them until they dial
   * or skip it (or the countdown dials it); null when none is due.
   */
  async preview(agentId: string): Promise<CampaignNumber | null> {
    for (const [, p] of this.previews) if (p.agentId === agentId) return p.number;
    const [num] = await this.d.repo.claimDue(this.campaign.id, 1, new Date(this.now()));
    if (!num) return null;
    const countdown = this.campaign.settings.previewCountdownS;
    const timer = countdown === null ? null : setTimeout(() => { void this.previewDial(num.id, agentId).catch((err: unknown) => this.d.log.warn({ err }, 'preview countdown dial failed')); }, countdown * 1000);
    this.previews.set(num.id, { agentId, number: num, timer });
    return num;
  }

  /** Preview: the agent dials the number shown to them; resolves with the attempt id (null when do-not-call or the window refused it). */
  async previewDial(numberId: string, agentId: string): Promise<string | null> {
    const p = this.takePreview(numberId, agentId);
    return this.dial(p.number, agentId);
  }

  /** Preview: the agent passes; the number goes back on the list for later (an hour). */
  async previewSkip(numberId: string, agentId: string): Promise<void> {
    this.takePreview(numberId, agentId);
    await this.d.repo.defer(numberId, new Date(this.now() + 3600_000), null);
    this.kick();
  }

  private takePreview(numberId: string, agentId: string): { number: CampaignNumber } {
    const p = this.previews.get(numberId);
    if (!p || p.agentId !== agentId) throw new KefuError('NOT_FOUND', `number ${numberId} is not being previewed by ${agentId}`, { field: 'numberId' });
    if (p.timer) clearTimeout(p.timer);
    this.previews.delete(numberId);
    return p;
  }

  lineIds(): readonly string[] { return this.campaign.settings.lines.length ? this.campaign.settings.lines : this.d.backend.lineIds; }

  private async finishIfDone(): Promise<void> {
    const counts = await this.d.repo.counts(this.campaign.id, new Date(this.now()));
    if (counts.numbers.pending === 0 && counts.numbers.dialing === 0 && counts.up === 0) this.d.changed({ ...this.campaign, state: 'finished' });
  }

  /**
   * Claims and dials up to `n` due numbers; resolves with how many were
   * claimed. The calls name no agent: whichever campaign agent is free when
   * the person answers takes it (naming one here would send two calls to
   * the agent whose first call is still ringing).
   */
  private async placeSome(n: number): Promise<number> {
    const claimed = await this.d.repo.claimDue(this.campaign.id, n, new Date(this.now()));
    this.nothingDue = claimed.length < n;
    for (const num of claimed) {
      if (this.stopped) { await this.d.repo.defer(num.id, null, null); continue; }
      await this.dial(num, null);
    }
    return claimed.length;
  }

  /** Checks a claimed number at dial time, writes its attempt and places it. */
  async dial(num: CampaignNumber, agentId: string | null): Promise<string | null> {
    const c = this.campaign;
    const at = new Date(this.now());
    const dnc = this.d.dnc(num.number);
    if (dnc) {
      await this.d.repo.skipped({ campaignId: c.id, numberId: num.id, number: num.number, reason: `do-not-call (${dnc})`, at });
      await this.d.repo.finishNumber(num.id, 'do-not-call', 'skipped');
      this.d.changed(c);
      return null;
    }
    const window = { ...c.settings.window, defaultRegion: c.settings.window.defaultRegion ?? this.d.defaultRegion };
    if (!isCallable(num.number, at, window)) {
      const next = nextCallableAt(num.number, at, window);
      if (next) await this.d.repo.defer(num.id, next, null);
      else await this.d.repo.finishNumber(num.id, 'no calling hours in the next 14 days', null);
      return null;
    }
    const attempt = await this.d.repo.openAttempt({ campaignId: c.id, numberId: num.id, number: num.number, lineId: null, agentId, placedAt: at });
    const up: Up = { attemptId: attempt.id, numberId: num.id, placedAt: at.getTime(), answeredAt: null, connectedAt: null, waiting: false, agentId };
    this.up.set(attempt.id, up);
    const call = this.dialerCall(c, attempt.id, num, agentId);
    try {
      await this.d.backend.place(call, this.lineIds(), this.reports(up, num));
    } catch (err) {
      this.d.log.warn({ err, campaignId: c.id, number: num.number }, 'campaign call could not be placed');
      this.ended(up, num, 'failed', { error: err instanceof Error ? err.message : String(err) });
    }
    return attempt.id;
  }

  /**
   * An attempt another daemon placed, whose conversation goes on here (a
   * takeover of its node): counted as up, and its reports (the agent's end
   * of the conversation, the number's retry) are this runner's.
   */
  adopt(a: CampaignAttempt, num: CampaignNumber): ResumedAttempt {
    const ms = (t: string | null) => (t ? Date.parse(t) : null);
    const waitingSince = a.liveAt && !a.connectedAt && !a.abandoned ? Date.parse(a.liveAt) : null;
    const up: Up = { attemptId: a.id, numberId: num.id, placedAt: Date.parse(a.placedAt), answeredAt: ms(a.answeredAt), connectedAt: ms(a.connectedAt), waiting: waitingSince !== null, agentId: a.agentId };
    this.up.set(a.id, up);
    return {
      call: this.dialerCall(this.campaign, a.id, num, this.campaign.mode === 'preview' ? a.agentId : null), reports: this.reports(up, num), waitingSince,
      drop: () => { if (this.up.get(a.id) === up) this.up.delete(a.id); },
    };
  }

  /** The call the backend places (or carries on) for an attempt of `c` on `num`; `agentId`: the agent it is for (preview). */
  private dialerCall(c: Campaign, attemptId: string, num: CampaignNumber, agentId: string | null): DialerCall {
    return { campaign: c, attemptId, numberKey: num.number, digits: this.d.digits(num.number), name: num.name, customerId: num.customerId, agentId };
  }

  private reports(up: Up, num: CampaignNumber): AttemptReports {
    const write = (patch: Parameters<CampaignRepo['updateAttempt']>[1]) => {
      void this.d.repo.updateAttempt(up.attemptId, patch).catch((err: unknown) => this.d.log.error({ err, attemptId: up.attemptId }, 'attempt update failed'));
    };
    let done = false;
    return {
      placed: (callId, lineId) => write({ callId, lineId }),
      ringing: () => write({ ringAt: new Date(this.now()) }),
      answered: (by, amd) => {
        const t = this.now();
        up.answeredAt = t;
        this.stats.attempts.record(by === 'live' ? 'live' : 'machine', (t - up.placedAt) / 1000);
        if (by === 'live') { up.waiting = true; this.live.push({ liveAt: t, abandoned: false }); this.refigure(); }
        write({ answeredAt: new Date(t), ...(by === 'live' ? { liveAt: new Date(t) } : {}), ...(amd ? { amd } : {}) });
        this.d.changed(this.campaign);
      },
      connected: (agentId) => {
        up.connectedAt = this.now();
        up.waiting = false;
        up.agentId = agentId;
        write({ connectedAt: new Date(up.connectedAt), agentId });
      },
      abandoned: () => {
        up.waiting = false;
        const mine = this.live.findLast((x) => x.liveAt === up.answeredAt);
        if (mine) mine.abandoned = true;
        this.refigure();
        write({ abandoned: true });
        this.d.log.warn({ campaignId: this.campaign.id, number: num.number, figures: this.abandon }, 'abandoned call: no agent reached the person within the connect limit');
        this.d.changed(this.campaign);
      },
      ended: (outcome, result) => {
        if (done) return;
        done = true;
        this.ended(up, num, outcome, result);
      },
    };
  }

  private ended(up: Up, num: CampaignNumber, outcome: CampaignOutcome, result?: Record<string, unknown>): void {
    const t = this.now();
    this.up.delete(up.attemptId);
    if (up.answeredAt === null) this.stats.attempts.record(outcome === 'busy' ? 'busy' : outcome === 'no-answer' ? 'no-answer' : 'failed', (t - up.placedAt) / 1000);
    if (up.connectedAt !== null && outcome === 'connected') this.stats.talk.add((t - up.connectedAt) / 1000);
    void this.settle(up, num, outcome, t, result).catch((err: unknown) => this.d.log.error({ err, attemptId: up.attemptId }, 'closing the attempt failed')).finally(() => {
      this.d.changed(this.campaign);
      this.kick();
    });
  }

  /** The attempt's end is written with its number's next step (retried later or done), in one transaction. */
  private async settle(up: Up, num: CampaignNumber, outcome: CampaignOutcome, t: number, result?: Record<string, unknown>): Promise<void> {
    const s = this.campaign.settings;
    await this.d.repo.closeAttempt(up.attemptId, num.id, { endedAt: new Date(t), outcome, ...(result ? { result } : {}) }, (past) => {
      if (result?.optOut) return { done: 'opted out' };
      const retry = past.flatMap((p) => { const o = RETRY_OUTCOMES[p.outcome]; return o ? [{ endedAt: p.endedAt, outcome: o }] : []; });
      const next = nextAttemptAt(num.number, retry, t, { ...s.window, defaultRegion: s.window.defaultRegion ?? this.d.defaultRegion }, s.retry);
      if (next === null) return { done: outcome === 'connected' ? 'reached' : `no more attempts after ${outcome}` };
      return { nextAt: new Date(next) };
    });
  }
}
