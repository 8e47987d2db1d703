/**
 * Campaigns: create and change them, fill their lists, start, pause and stop
 * them, and the figures (progress, compliance). A running campaign has a
 * CampaignRunner; changes reach it at once. `campaign.update` goes out when
 * a campaign changes or its calls move (at most every half second per
 * campaign).
 */
import type { Logger } from 'pino';
import type { EventBus } from '../../core/events/bus.ts';
import { KefuError } from '../../core/errors.ts';
import { canMove, checkSettings, withDefaults, type Campaign, type CampaignSettings, type CampaignState, type SettingsInput } from '../../core/dialer/campaign.ts';
import type { DialMode } from '../../core/dialer/pacing.ts';
import { abandonFigures, MONTH_MS } from '../../core/dialer/stats.ts';
import type { CampaignRepo, NewNumber } from '../../db/repos/campaigns.ts';
import type { AcdRepo } from '../../db/repos/acd.ts';
import type { NumberService } from '../numbers.ts';
import type { BlacklistService } from '../blacklist.ts';
import { dialDigits } from '../../core/numbers/normalize.ts';
import { CampaignRunner } from './runner.ts';
import type { DialerBackend, ResumedAttempt } from './port.ts';

/** cluster.enabled: how often attempts whose call is over are closed (a call a takeover or the dead-node sweeper closed). */
const SWEEP_MS = 30_000;

export interface CampaignInput { name: string; mode: DialMode; priority?: number | undefined; settings?: SettingsInput | undefined }
export interface ListRow { number: string; name?: string | null | undefined; customerId?: string | null | undefined; data?: Record<string, unknown> | undefined; priority?: number | undefined; line: number }
export interface ListResult { rows: number; inserted: number; duplicates: number; errors: Array<{ line: number; message: string }> }

export interface CampaignStats {
  campaignId: string;
  state: CampaignState;
  mode: DialMode;
  numbers: { total: number; pending: number; dialing: number; done: number };
  outcomes: Record<string, number>;
  attempts: number;
  callsUp: number;
  /** Attempts per minute over the last 10 minutes. */
  dialRatePerMin: number;
  /** Seconds until the pending numbers are dialled at that rate (null when idle). */
  etaS: number | null;
  abandon: { cap: number; day: { liveAnswered: number; abandoned: number; rate: number | null }; month: { liveAnswered: number; abandoned: number; rate: number | null } };
  pacing: { mode: string; reason: string; theta: number | null; decisionMs: number } | null;
}

export class CampaignService {
  private readonly runners = new Map<string, CampaignRunner>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private backend: DialerBackend | null = null;
  private members = new Map<string, string[]>();

  constructor(
    private readonly repo: CampaignRepo,
    private readonly acd: AcdRepo,
    private readonly numbers: NumberService,
    private readonly blacklist: BlacklistService,
    private readonly bus: EventBus,
    private readonly log: Logger,
    /** cluster.enabled: this daemon's name; attempts are closed only once their call is over, also while running (sweep). */
    private readonly cluster: { owner: string } | null = null,
  ) {}

  /** cluster.enabled: the sweep of attempts whose call another daemon's takeover or sweeper closed. */
  private sweep: NodeJS.Timeout | null = null;

  /** The backend of this installation's lines (PBX or modem); campaigns run once it is set. */
  async start(backend: DialerBackend | null): Promise<void> {
    this.backend = backend;
    backend?.takeoverBy?.({ attempt: (callId) => this.resumeAttempt(callId), running: () => this.runRunning() });
    await this.closeInterrupted();
    if (this.cluster) {
      // a call closed by a takeover (interrupted) or the dead-node sweeper (node_failed) leaves its attempt up: closed here
      this.sweep = setInterval(() => { void this.closeInterrupted().catch((err: unknown) => this.log.warn({ err }, 'campaign attempts sweep failed')); }, SWEEP_MS);
      this.sweep.unref();
    }
    await this.loadMembers();
    if (!backend) return;
    for (const c of await this.repo.running()) await this.run(c);
  }

  /** Attempts left up by a daemon that stopped (or, in a cluster, whose call is over) closed as interrupted. */
  private async closeInterrupted(): Promise<void> {
    const closed = await this.repo.closeInterrupted(new Date(), this.cluster);
    if (closed.attempts) this.log.warn({ attempts: closed.attempts }, 'campaign attempts left up by an unclean stop, or whose call is over, closed as interrupted');
  }

  async stop(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    for (const t of this.pending.values()) clearTimeout(t);
    for (const r of this.runners.values()) await r.stop(false);
    this.runners.clear();
  }

  /** Queue members of campaigns that staff from a queue (at start, a campaign's start, and a change of queues through another daemon). */
  async loadMembers(): Promise<void> {
    this.members = new Map((await this.acd.queues()).map((q) => [q.id, q.members]));
  }

  private agentIds(c: Campaign): string[] {
    const fromQueue = c.settings.queueId ? this.members.get(c.settings.queueId) ?? [] : [];
    return [...new Set([...c.settings.agents, ...fromQueue])];
  }

  /**
   * The campaigns running now run here, and those no longer running stop
   * (their calls go on): a takeover of the node, whose earlier owner may have
   * started, paused or stopped campaigns since this daemon's start.
   */
  async runRunning(): Promise<void> {
    if (!this.backend) return;
    await this.loadMembers();
    const running = await this.repo.running();
    for (const [id, r] of this.runners) {
      if (!running.some((c) => c.id === id)) { this.runners.delete(id); await r.stop(false); }
    }
    for (const c of running) {
      const r = this.runners.get(c.id);
      if (r) r.update(c);
      else await this.run(c);
    }
    this.restaff();
  }

  /**
   * The open attempt of a campaign call another daemon placed, whose
   * conversation goes on here (its node taken over): its reports go to the
   * campaign's runner, or, when the campaign is not running here (paused or
   * stopped meanwhile), to a runner that only settles it.
   */
  async resumeAttempt(callId: string): Promise<ResumedAttempt | null> {
    const a = await this.repo.openAttemptOfCall(callId);
    if (!a || !this.backend) return null;
    const [c, num] = await Promise.all([this.repo.get(a.campaignId), this.repo.number(a.numberId)]);
    let r = this.runners.get(c.id);
    if (!r) { r = this.newRunner(c, this.backend); await r.stop(false); }
    return r.adopt(a, num);
  }

  private async run(c: Campaign): Promise<void> {
    const backend = this.backend;
    if (!backend) return;
    const r = this.newRunner(c, backend);
    this.runners.set(c.id, r);
    this.restaff();
    await r.start();
  }

  private newRunner(c: Campaign, backend: DialerBackend): CampaignRunner {
    return new CampaignRunner(c, {
      repo: this.repo, backend,
      dnc: (key) => { const v = this.blacklist.check(key, 'outbound'); return v.blocked ? `${v.match?.kind} ${v.match?.value}` : null; },
      digits: (key) => dialDigits(key, { defaultRegion: this.numbers.defaultRegion }),
      defaultRegion: this.numbers.defaultRegion,
      agentIds: (x) => this.agentIds(x),
      changed: (x) => this.changed(x),
      reserved: (x) => this.reserved(x),
      log: this.log.child({ campaignId: c.id }),
    });
  }

  /**
   * Priority between campaigns sharing lines: the lines that running
   * campaigns of higher priority, on any of the same lines, would take now.
   */
  private reserved(r: CampaignRunner): number {
    const mine = new Set(r.lineIds());
    let n = 0;
    for (const other of this.runners.values()) {
      if (other === r || other.campaign.priority <= r.campaign.priority) continue;
      if (other.lineIds().some((l) => mine.has(l))) n += other.demand();
    }
    return n;
  }

  /** The agents of the running campaigns, for the backend (the PBX calls their seats): a broadcast's take callees who ask for one. */
  private restaff(): void {
    const ids = [...this.runners.values()].flatMap((r) => this.agentIds(r.campaign));
    this.backend?.staff(ids);
  }

  runner(id: string): CampaignRunner {
    const r = this.runners.get(id);
    if (!r) throw new KefuError('CONFLICT', `campaign ${id} is not running`, { reason: 'not-running' });
    return r;
  }

  async create(input: CampaignInput): Promise<Campaign> {
    const settings = withDefaults(input.settings ?? {});
    this.validate(input.mode, settings);
    const c = await this.repo.create({ name: input.name, mode: input.mode, priority: input.priority ?? 0, settings: input.settings ?? {} });
    this.emit(c.id);
    return c;
  }

  async update(id: string, patch: Partial<CampaignInput>): Promise<Campaign> {
    const old = await this.repo.get(id);
    const mode = patch.mode ?? old.mode;
    if (patch.mode && patch.mode !== old.mode && old.state === 'running') throw new KefuError('CONFLICT', 'mode: pause the campaign before changing its mode', { field: 'mode' });
    const p = patch.settings;
    const settings = p ? withDefaults({
      ...old.settings, ...p, keys: { ...old.settings.keys, ...p.keys }, amd: { ...old.settings.amd, ...p.amd }, retry: { ...old.settings.retry, ...p.retry },
    }) : old.settings;
    this.validate(mode, settings);
    const c = await this.repo.update(id, { ...(patch.name ? { name: patch.name } : {}), ...(patch.mode ? { mode } : {}), ...(patch.priority !== undefined ? { priority: patch.priority } : {}), settings });
    await this.loadMembers();
    this.runners.get(id)?.update(c);
    this.restaff();
    this.emit(id);
    return c;
  }

  private validate(mode: DialMode, s: CampaignSettings): void {
    checkSettings(mode, s);
    if (!this.backend) return;
    for (const l of s.lines) if (!this.backend.lineIds.includes(l)) throw new KefuError('BAD_REQUEST', `settings.lines: no line ${l} can dial (lines: ${this.backend.lineIds.join(', ') || 'none'})`, { field: 'settings.lines' });
    const why = this.backend.refuses(mode, s.lines.length ? s.lines : this.backend.lineIds);
    if (why) throw new KefuError('UNPROCESSABLE', `mode: ${why}`, { field: 'mode' });
  }

  async remove(id: string): Promise<void> {
    const c = await this.repo.get(id);
    if (c.state === 'running' || c.state === 'paused') throw new KefuError('CONFLICT', 'stop the campaign before deleting it (its attempts are its compliance record)', { reason: c.state });
    await this.repo.delete(id);
  }

  /** start | pause | stop: takes effect at once (a pause or stop dials nobody more and ends calls still ringing). */
  async act(id: string, action: 'start' | 'pause' | 'stop'): Promise<Campaign> {
    const c = await this.repo.get(id);
    const to = canMove(c.state, action);
    if (to !== 'running' && to !== 'paused' && to !== 'finished') throw new KefuError('CONFLICT', `${action}: ${to}`, { reason: c.state });
    if (to === 'running') {
      if (!this.backend?.lineIds.length) throw new KefuError('UNPROCESSABLE', 'start: no line can dial (configure an Asterisk line or a modem line)', { reason: 'no-lines' });
      this.validate(c.mode, c.settings);
    }
    const runner = this.runners.get(id);
    if (runner) { this.runners.delete(id); await runner.stop(true); this.restaff(); }
    const next = await this.repo.update(id, { state: to, ...(to === 'running' && !c.startedAt ? { startedAt: new Date() } : {}), ...(to === 'finished' ? { finishedAt: new Date() } : {}) });
    if (to === 'running') { await this.loadMembers(); await this.run(next); }
    this.log.info({ campaignId: id, from: c.state, to }, 'campaign state');
    this.emit(id);
    return next;
  }

  /** A runner saw its list done, or its calls move. */
  private changed(c: Campaign): void {
    if (c.state === 'finished' && this.runners.has(c.id)) {
      void this.act(c.id, 'stop').catch((err: unknown) => this.log.error({ err, campaignId: c.id }, 'finishing the campaign failed'));
      return;
    }
    this.emit(c.id);
  }

  /** `campaign.update` with the campaign's figures, at most every 500 ms per campaign. */
  private emit(id: string): void {
    if (this.pending.has(id)) return;
    this.pending.set(id, setTimeout(() => {
      this.pending.delete(id);
      void this.stats(id).then((s) => this.bus.emit('campaign.update', { ...s })).catch((err: unknown) => this.log.debug({ err }, 'campaign gone before its update'));
    }, 500));
  }

  async addNumbers(id: string, rows: Iterable<ListRow | { line: number; error: string }>): Promise<ListResult> {
    await this.repo.get(id);
    const errors: ListResult['errors'] = [];
    const good: NewNumber[] = [];
    const seen = new Set<string>();
    let total = 0, repeated = 0;
    for (const r of rows) {
      total++;
      if ('error' in r) { if (errors.length < 1000) errors.push({ line: r.line, message: r.error }); continue; }
      const key = this.numbers.key(r.number);
      if (!key || key.replace(/\D/g, '').length < 3) { if (errors.length < 1000) errors.push({ line: r.line, message: `number "${r.number.slice(0, 40)}" is not a phone number` }); continue; }
      if (seen.has(key)) { repeated++; continue; }
      seen.add(key);
      good.push({ number: key, name: r.name ?? null, customerId: r.customerId ?? null, data: r.data ?? {}, priority: r.priority ?? 0 });
    }
    const res = await this.repo.addNumbers(id, good);
    this.runners.get(id)?.kick();
    this.emit(id);
    return { rows: total, inserted: res.inserted, duplicates: res.duplicates + repeated, errors };
  }

  async stats(id: string): Promise<CampaignStats> {
    const c = await this.repo.get(id);
    const now = new Date();
    const counts = await this.repo.counts(id, now);
    const runner = this.runners.get(id);
    const f = await this.abandonment(id, now.getTime());
    const rate = counts.recent / 10;
    const total = counts.numbers.pending + counts.numbers.dialing + counts.numbers.done;
    return {
      campaignId: id, state: c.state, mode: c.mode,
      numbers: { total, ...counts.numbers },
      outcomes: counts.outcomes, attempts: counts.attempts, callsUp: runner?.callsUp() ?? counts.up,
      dialRatePerMin: rate, etaS: rate > 0 && c.state === 'running' ? Math.round((counts.numbers.pending / rate) * 60) : null,
      abandon: { cap: c.settings.abandonCap, day: f.day, month: f.month },
      pacing: runner?.last ? { mode: runner.last.mode, reason: runner.last.reason, theta: runner.last.theta ?? null, decisionMs: runner.lastDecisionMs } : null,
    };
  }

  /** Abandonment over 24 h and 30 d, from the attempt records. */
  async compliance(id: string): Promise<{ campaignId: string; cap: number; connectWithinS: number; minRingS: number; ringTimeoutS: number; day: ReturnType<typeof abandonFigures>['day']; month: ReturnType<typeof abandonFigures>['month']; withinCap: boolean }> {
    const c = await this.repo.get(id);
    const f = await this.abandonment(id, Date.now());
    const within = (w: { rate: number | null }) => w.rate === null || w.rate <= c.settings.abandonCap;
    return {
      campaignId: id, cap: c.settings.abandonCap, connectWithinS: c.settings.connectWithinS, minRingS: 15, ringTimeoutS: c.settings.ringTimeoutS,
      day: f.day, month: f.month, withinCap: within(f.day) && within(f.month),
    };
  }

  /** Abandonment over the rolling 24 h and 30 d ending at `nowMs`, from the attempt records. */
  private async abandonment(id: string, nowMs: number): Promise<ReturnType<typeof abandonFigures>> {
    const live = await this.repo.liveAnswers(id, new Date(nowMs - MONTH_MS));
    return abandonFigures(live.map((x) => ({ liveAnsweredAt: x.liveAt, abandoned: x.abandoned })), nowMs);
  }

  /** Abandoned calls in the last 30 days (for the compliance view). */
  abandonedSince(id: string, limit: number, cursor?: string): ReturnType<CampaignRepo['attempts']> {
    return this.repo.attempts(id, { limit, cursor, abandoned: true, since: new Date(Date.now() - MONTH_MS) });
  }
}

