/**
 * Click-to-dial requests: do-not-call and seat checks, a free line, and
 * when every line is busy either a refusal (409 LINE_BUSY, reason
 * all-lines-busy) or a place in the wait for a line (config
 * clickToDial.whenLinesBusy, or the request's ifLinesBusy). Waiting requests
 * get lines first come, first served as calls end; one that waits longer
 * than clickToDial.maxWaitS ends as no-line.
 */
import type { Logger } from 'pino';
import { quietly } from './quietly.ts';
import type { LineConfig } from '../../config/schema.ts';
import { KefuError } from '../../core/errors.ts';
import type { Pbx, PbxLegInfo, PbxLegRole } from '../../core/ports.ts';
import type { TelephonyDeps } from '../telephony/deps.ts';
import type { CallSnapshot } from '../telephony/snapshot.ts';
import { dialTarget } from '../telephony/dial-out.ts';
import { requireSeat } from '../seats.ts';
import { OutboundCall, type ResumedDial } from './click-to-dial.ts';
import type { LegLog } from './legs.ts';

export interface DialRequest { seatId: string; number: string; lineId?: string | undefined; agentId?: string | null | undefined; ifLinesBusy?: 'refuse' | 'wait' | undefined }
export interface DialResult { callId: string; waiting: boolean; position: number | null }
export interface SeatWait { seatId: string; callId: string; number: string; lineIds: string[]; since: string; position: number }

interface Wait { call: OutboundCall; lines: LineConfig[]; timer: NodeJS.Timeout }

export class ClickToDialer {
  private readonly active = new Set<OutboundCall>();
  private readonly waits: Wait[] = [];

  constructor(
    private readonly deps: TelephonyDeps,
    private readonly pbx: Pbx,
    private readonly lines: LineConfig[],
    private readonly legLog: LegLog,
    private readonly log: Logger,
    /** Calls up on a line now that are not click-to-dial (inbound, the dialer's). */
    private readonly inboundOn: (line: LineConfig) => number,
    private readonly connected: () => boolean,
  ) {}

  /** Calls on a line: inbound ones (and the dialer's) and our dialled ones. */
  busy(line: LineConfig): number {
    return this.inboundOn(line) + this.mine(line);
  }

  /** The click-to-dial calls up or waiting for a line (`GET /calls/active`). */
  snapshots(): CallSnapshot[] { return [...this.active, ...this.waits.map((w) => w.call)].map((c) => c.snapshot()); }

  /** Click-to-dial calls on a line. */
  mine(line: LineConfig): number { return [...this.active].filter((c) => c.line.id === line.id).length; }

  async request(o: DialRequest): Promise<DialResult> {
    const seat = requireSeat(this.deps.config.seats, o.seatId);
    const { numberKey: key, digits } = dialTarget(this.deps, o.number);
    const candidates = o.lineId ? this.lines.filter((l) => l.id === o.lineId) : this.lines;
    if (o.lineId && candidates.length === 0) throw new KefuError('BAD_REQUEST', `lineId: no Asterisk line ${o.lineId}`, { field: 'lineId' });
    const mine = [...this.active, ...this.waits.map((w) => w.call)].find((c) => c.req.seat.id === seat.id);
    if (mine) throw new KefuError('CONFLICT', `${seat.id} has a click-to-dial call already (${mine.id})`, { field: 'seatId', reason: 'seat-busy', callId: mine.id });
    if (!this.connected()) throw new KefuError('PBX_UNREACHABLE', 'Asterisk (ARI) is not connected');
    const req = { seat, numberKey: key, dialDigits: digits, agentId: o.agentId ?? null };
    // A waiting request comes before a new one: a line is free for a newcomer only when nobody waits for it.
    this.pump();
    const line = candidates.find((l) => this.busy(l) < l.channels && !this.waits.some((w) => w.lines.includes(l)));
    if (line) {
      const call = this.newCall(line, req, false);
      await this.begin(call);
      return { callId: call.id, waiting: false, position: null };
    }
    const { whenLinesBusy, maxWaiting, maxWaitS } = this.deps.config.clickToDial;
    if ((o.ifLinesBusy ?? whenLinesBusy) === 'refuse') {
      throw new KefuError('LINE_BUSY', `every line is in use (${candidates.map((l) => `${l.id} ${this.busy(l)}/${l.channels}`).join(', ')}): try again when a line is free, or ask to wait (ifLinesBusy: wait)`,
        { reason: 'all-lines-busy', lines: candidates.map((l) => l.id) });
    }
    if (this.waits.length >= maxWaiting) throw new KefuError('RATE_LIMITED', `${this.waits.length} seats are waiting for a line already (clickToDial.maxWaiting)`, { reason: 'too-many-waiting' });
    const call = this.newCall(candidates[0]!, req, true);
    const w: Wait = { call, lines: candidates, timer: setTimeout(() => this.giveUp(w, 'no-line'), maxWaitS * 1000) };
    this.waits.push(w);
    this.log.info({ callId: call.id, seatId: seat.id, position: this.waits.length }, 'every line busy: the seat waits for a line');
    return { callId: call.id, waiting: true, position: this.waits.length };
  }

  /**
   * A click-to-dial conversation an earlier owner of the node connected
   * (takeover): it goes on here as if this daemon had connected it; a
   * hang-up of either side or through the API ends it `completed`.
   */
  resume(line: LineConfig, r: ResumedDial, agentLeg: { seatId: string | null; endpoint: string | null }): OutboundCall {
    const seat = this.deps.config.seats.find((s) => s.id === agentLeg.seatId) ?? { id: agentLeg.seatId ?? 'unknown', endpoint: agentLeg.endpoint ?? '' };
    const req = { seat: { id: seat.id, endpoint: seat.endpoint }, numberKey: r.row.number ?? '', dialDigits: '', agentId: r.row.agentId };
    const call = new OutboundCall(this.deps, this.pbx, line, req, this.legLog, this.log, (c) => { this.active.delete(c); this.pump(); }, false, r);
    this.active.add(call);
    call.resumeRecording();
    return call;
  }

  private newCall(line: LineConfig, req: OutboundCall['req'], waiting: boolean): OutboundCall {
    return new OutboundCall(this.deps, this.pbx, line, req, this.legLog, this.log, (c) => { this.active.delete(c); this.pump(); }, waiting);
  }

  private async begin(call: OutboundCall): Promise<void> {
    this.active.add(call);
    try {
      await call.start();
    } catch (err) {
      await call.fail();
      throw err;
    }
  }

  private giveUp(w: Wait, why: 'no-line' | 'cancelled'): void {
    clearTimeout(w.timer);
    const i = this.waits.indexOf(w);
    if (i < 0) return;
    this.waits.splice(i, 1);
    void (why === 'no-line' ? w.call.noLine() : w.call.hangup());
  }

  /** A line may be free: the longest-waiting requests that fit get their lines. */
  pump(): void {
    for (const w of [...this.waits]) {
      const line = w.lines.find((l) => this.busy(l) < l.channels);
      if (!line) continue;
      clearTimeout(w.timer);
      this.waits.splice(this.waits.indexOf(w), 1);
      this.active.add(w.call);
      this.log.info({ callId: w.call.id, lineId: line.id }, 'a line is free: dialling for the waiting seat');
      void w.call.assignLine(line).then(() => w.call.start()).catch((err: unknown) => {
        this.log.warn({ err, callId: w.call.id }, 'click-to-dial for a waiting seat failed');
        void w.call.fail();
      });
    }
  }

  seatWaits(): SeatWait[] {
    return this.waits.map((w, i) => ({
      seatId: w.call.req.seat.id, callId: w.call.id, number: w.call.req.numberKey, lineIds: w.lines.map((l) => l.id), since: w.call.startedAt.toISOString(), position: i + 1,
    }));
  }

  /** API hang-up of a click-to-dial call (waiting or up); false when it is not one of ours. */
  async hangup(callId: string): Promise<boolean> {
    const w = this.waits.find((x) => x.call.id === callId);
    if (w) { this.giveUp(w, 'cancelled'); return true; }
    const c = [...this.active].find((x) => x.id === callId);
    if (!c) return false;
    await c.hangup();
    return true;
  }

  owner(channelId: string): OutboundCall | undefined { return [...this.active].find((c) => c.owns(channelId)); }
  byId(callId: string): OutboundCall | undefined { return [...this.active].find((c) => c.id === callId); }

  /** PBX: one of our legs answered. */
  answered(channel: PbxLegInfo, role: PbxLegRole, callId: string | undefined): void {
    const call = callId ? this.byId(callId) : undefined;
    if (call) call.answered(channel, role);
    else void this.pbx.hangup(channel.id).catch(quietly(this.log, 'PBX clean-up'));
  }

  stop(): void { for (const w of [...this.waits]) clearTimeout(w.timer); }

  /** Forgotten without a command or a write (NodeTakeover.forget): the takeover closes their rows. */
  forget(): void {
    this.stop();
    this.waits.length = 0;
    this.active.clear();
  }
}
