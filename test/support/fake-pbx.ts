/**
 * An in-process far side of the `Pbx` port: a scriptable PBX that keeps legs,
 * bridges, playbacks and recordings in memory and reports what happens to
 * them as `PbxEvent`s, in the order Asterisk would. It passes the same
 * contract suite as the Asterisk driver (test/contract/pbx.contract.ts), so
 * services tested against it see the port as it really behaves.
 *
 * Deterministic: every delay is a `setTimeout` (fake timers drive it), events
 * are delivered on the microtask queue (never in the caller's stack).
 * No module-global state: each `new FakePbx()` is a PBX of its own.
 *
 * Phones are endpoints: `phone(endpoint, behaviour)` says what a phone does
 * when we ring it; unknown endpoints answer after `ringMs`. A leg dialled
 * with `detectMachine` enters `amdMs` after its answer with the verdict its
 * phone earns: `machine` for a phone that is one, `human` otherwise.
 */
import { randomUUID } from 'node:crypto';
import { KefuError } from '../../src/core/errors.ts';
import type { Pbx, PbxEvent, PbxHangupReason, PbxInventory, PbxLegInfo, PbxLegRole, PbxListener, PbxMachineVerdict, PbxOriginate } from '../../src/core/ports.ts';

/**
 * What a phone does when it rings: answers (after the ring time; a person),
 * an answering machine answers, is busy, the network fails the call
 * (congestion), rings until its time-out, or waits for the test.
 */
export type PhoneBehaviour = 'answer' | 'machine' | 'busy' | 'congestion' | 'no-answer' | 'manual';

/** A leg as the fake PBX sees it (for assertions). */
export interface FakeLeg {
  id: string; name: string; endpoint: string; role: PbxLegRole | undefined; args: string[];
  /** When the leg was made (ISO time). */
  createdAt: string;
  state: 'ringing' | 'up'; entered: boolean; ringing: boolean; moh: boolean; bridgeId: string | null;
  callerNumber: string; callerName: string;
  timer: NodeJS.Timeout | null;
  /** With `detectMachine`: the verdict its `legEntered` will carry. */
  verdict: PbxMachineVerdict | null;
}

/** Q.850 causes the fake reports. */
export const CAUSE = { normal: 16, busy: 17, noAnswer: 19, rejected: 21, congestion: 34 } as const;
const REASON_CAUSE: Record<PbxHangupReason, number> = { normal: CAUSE.normal, busy: CAUSE.busy, congestion: CAUSE.congestion, no_answer: CAUSE.noAnswer, rejected: CAUSE.rejected };

export interface FakePbxOptions {
  /** How long a phone with behaviour `answer` rings before it answers. Default 20 ms. */
  ringMs?: number;
  /** How long a `play` lasts. Default 50 ms. */
  playMs?: number;
  /** How long answering-machine detection listens after the answer. Default 30 ms. */
  amdMs?: number;
  /** Whether an AMI connection is there (whole-call recording). Default true. */
  canRecordCalls?: boolean;
}

export class FakePbx implements Pbx {
  readonly canRecordCalls: boolean;
  private readonly listeners = new Set<PbxListener>();
  private readonly legMap = new Map<string, FakeLeg>();
  private readonly bridgeMap = new Map<string, Set<string>>();
  private readonly playbacks = new Map<string, { legId: string; timer: NodeJS.Timeout }>();
  private readonly recordings = new Map<string, { legId: string; timer: NodeJS.Timeout; startedAt: number; maxS: number }>();
  private readonly stored = new Map<string, Buffer>();
  private readonly phones = new Map<string, PhoneBehaviour>();
  /** Whole-call recordings running, by channel name. */
  readonly callRecordings = new Map<string, string>();
  private reachable = true;
  private started = false;
  private seq = 0;
  /** How many legs we originated per endpoint, gone or not. */
  readonly originations = new Map<string, number>();
  private readonly ringMs: number;
  private readonly playMs: number;
  private readonly amdMs: number;

  constructor(opts: FakePbxOptions = {}) {
    this.ringMs = opts.ringMs ?? 20;
    this.playMs = opts.playMs ?? 50;
    this.amdMs = opts.amdMs ?? 30;
    this.canRecordCalls = opts.canRecordCalls ?? true;
  }

  // ---------------------------------------------------------------- the far side (scripting)

  /** What the phone at `endpoint` does from now on when we ring it. */
  phone(endpoint: string, behaviour: PhoneBehaviour): void { this.phones.set(endpoint, behaviour); }

  /**
   * A caller dials in through `trunk` (a channel name prefix such as `PJSIP/carrier`); resolves with its leg id.
   * `earlier`: one that another connection to our application (an earlier owner of the node) took in and answered
   * while ours was down: it is there, up, and no `legEntered` reaches us.
   */
  callIn(o: { number: string; name?: string; trunk?: string; args?: string[]; earlier?: boolean }): string {
    if (!o.earlier) this.assertReachable('call in');
    const id = `in-${++this.seq}`;
    const leg = this.addLeg(id, o.trunk ?? 'PJSIP/carrier', 'inbound', o.args ?? ['8000'], o.number, o.name ?? '');
    leg.entered = true;
    if (o.earlier) leg.state = 'up';
    else this.emit({ type: 'legEntered', leg: this.info(leg), role: 'inbound', args: leg.args });
    return id;
  }

  /** A ringing phone (behaviour `manual`) answers. */
  pickUp(legId: string): void {
    const leg = this.need(legId);
    if (leg.state !== 'ringing') throw new Error(`leg ${legId} is not ringing`);
    this.answerLeg(leg);
  }

  /** The far end of a leg presses keys. */
  press(legId: string, digits: string): void {
    this.need(legId);
    for (const digit of digits) this.emit({ type: 'dtmf', legId, digit });
  }

  /** The far end of a leg hangs up (or a ringing phone declines: `cause` 17 or 21). */
  farHangup(legId: string, cause: number = CAUSE.normal): void { this.gone(this.need(legId), cause); }

  /** The PBX stops answering (crashed, network gone): the link goes down, every operation rejects. */
  linkDown(reason = 'events socket closed'): void {
    if (!this.reachable) return;
    this.reachable = false;
    if (this.started) this.emit({ type: 'link', up: false, reason });
  }

  /** The PBX answers again. `restarted`: it lost every leg (no `legGone` for them: the owner resyncs with `legs()`). */
  linkUp(opts: { restarted?: boolean } = {}): void {
    if (this.reachable) return;
    if (opts.restarted) this.wipe();
    this.reachable = true;
    if (this.started) this.emit({ type: 'link', up: true });
  }

  /** Legs now (entered or ringing), for assertions. */
  leg(id: string): FakeLeg | undefined { return this.legMap.get(id); }
  allLegs(): FakeLeg[] { return [...this.legMap.values()]; }
  /** Legs in a bridge. */
  bridgeMembers(bridgeId: string): string[] { return [...(this.bridgeMap.get(bridgeId) ?? [])]; }
  /** Legs we originated to `endpoint` that still exist. */
  legsTo(endpoint: string): FakeLeg[] { return this.allLegs().filter((l) => l.endpoint === endpoint); }
  /** Whether a playback is running. */
  playing(playbackId: string): boolean { return this.playbacks.has(playbackId); }
  /** Whether something is being played to a leg now. */
  playingTo(legId: string): boolean { return [...this.playbacks.values()].some((p) => p.legId === legId); }

  // ---------------------------------------------------------------- the port

  on(listener: PbxListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    this.started = true;
    if (this.reachable) this.emit({ type: 'link', up: true });
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const p of this.playbacks.values()) clearTimeout(p.timer);
    for (const r of this.recordings.values()) clearTimeout(r.timer);
    for (const l of this.legMap.values()) if (l.timer) clearTimeout(l.timer);
  }

  async originate(o: PbxOriginate): Promise<{ id: string; name: string }> {
    this.assertReachable('originate');
    if (this.legMap.has(o.id)) throw new KefuError('CONFLICT', `leg ${o.id} exists`);
    if (o.args.some((a) => a.includes(','))) throw new KefuError('BAD_REQUEST', 'leg args must not contain commas');
    const leg = this.addLeg(o.id, o.endpoint, o.role, o.args, o.callerId, '');
    this.originations.set(o.endpoint, (this.originations.get(o.endpoint) ?? 0) + 1);
    const behaviour = this.phones.get(o.endpoint) ?? 'answer';
    if (o.detectMachine) leg.verdict = behaviour === 'machine' ? { status: 'machine', cause: 'long-greeting' } : { status: 'human', cause: 'silence-after-greeting' };
    if (behaviour === 'busy') leg.timer = setTimeout(() => this.gone(leg, CAUSE.busy), 0);
    else if (behaviour === 'congestion') leg.timer = setTimeout(() => this.gone(leg, CAUSE.congestion), 0);
    else if (behaviour === 'answer' || behaviour === 'machine') leg.timer = setTimeout(() => this.answerLeg(leg), this.ringMs);
    else leg.timer = setTimeout(() => this.gone(leg, CAUSE.noAnswer), o.timeoutS * 1000);
    return { id: leg.id, name: leg.name };
  }

  async answer(legId: string): Promise<void> {
    const leg = this.live(legId, 'answer');
    if (leg.state === 'up') return;
    leg.state = 'up';
    this.emit({ type: 'legAnswered', legId });
  }

  async hangup(legId: string, reason: PbxHangupReason = 'normal'): Promise<void> {
    this.assertReachable('hangup');
    const leg = this.legMap.get(legId);
    if (leg) this.gone(leg, REASON_CAUSE[reason]);
  }

  async ring(legId: string, on: boolean): Promise<void> {
    this.assertReachable('ring');
    const leg = on ? this.live(legId, 'ring') : this.legMap.get(legId);
    if (leg) leg.ringing = on;
  }

  async moh(legId: string, on: boolean): Promise<void> {
    this.assertReachable('moh');
    const leg = on ? this.live(legId, 'moh') : this.legMap.get(legId);
    if (leg) leg.moh = on;
  }

  async bridge(legIds: string[]): Promise<string> {
    this.assertReachable('bridge');
    const legs = legIds.map((id) => this.live(id, 'bridge'));
    const id = randomUUID();
    this.bridgeMap.set(id, new Set());
    for (const l of legs) this.join(id, l);
    return id;
  }

  async addToBridge(bridgeId: string, legId: string): Promise<void> {
    this.assertReachable('addToBridge');
    if (!this.bridgeMap.has(bridgeId)) throw new KefuError('NOT_FOUND', `bridge ${bridgeId} not found`);
    this.join(bridgeId, this.live(legId, 'addToBridge'));
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    this.assertReachable('destroyBridge');
    for (const legId of this.bridgeMap.get(bridgeId) ?? []) { const l = this.legMap.get(legId); if (l) l.bridgeId = null; }
    this.bridgeMap.delete(bridgeId);
  }

  async snoop(legId: string, opts: { id: string; whisper: boolean; args: string[] }): Promise<void> {
    const target = this.live(legId, 'snoop');
    const id = opts.id;
    if (this.allLegs().some((l) => l.id === id)) throw new KefuError('CONFLICT', `leg ${id} exists`);
    const leg = this.addLeg(id, `Snoop/${target.name}`, 'snoop', opts.args, '', '');
    leg.state = 'up';
    leg.entered = true;
    this.emit({ type: 'legEntered', leg: this.info(leg), role: 'snoop', args: leg.args });
  }

  async play(legId: string, _file: string, playbackId: string): Promise<void> {
    this.live(legId, 'play');
    if (this.playbacks.has(playbackId)) throw new KefuError('CONFLICT', `playback ${playbackId} exists`);
    this.playbacks.set(playbackId, { legId, timer: setTimeout(() => this.playbackDone(playbackId), this.playMs) });
  }

  async stopPlayback(playbackId: string): Promise<void> {
    this.assertReachable('stopPlayback');
    this.playbackDone(playbackId);
  }

  async recordCall(leg: { name: string }, path: string): Promise<void> {
    this.assertReachable('recordCall');
    if (!this.canRecordCalls) throw new Error('recording needs the AMI connection (asterisk.ami)');
    if (!this.allLegs().some((l) => l.name === leg.name)) throw new KefuError('NOT_FOUND', `channel ${leg.name} not found`);
    this.callRecordings.set(leg.name, path);
  }

  async stopCallRecording(leg: { name: string }): Promise<void> {
    this.assertReachable('stopCallRecording');
    this.callRecordings.delete(leg.name);
  }

  async recordMessage(legId: string, opts: { name: string; maxS: number; beep: boolean }): Promise<void> {
    this.live(legId, 'record');
    const done = (): void => this.recordingDone(opts.name, true);
    this.recordings.set(opts.name, { legId, startedAt: Date.now(), maxS: opts.maxS, timer: setTimeout(done, opts.maxS * 1000) });
  }

  async takeRecording(name: string): Promise<Buffer | null> {
    this.assertReachable('takeRecording');
    const wav = this.stored.get(name) ?? null;
    this.stored.delete(name);
    return wav;
  }

  /** Every leg that exists: in our application, or originated by us and still ringing. */
  async legs(): Promise<string[]> {
    this.assertReachable('legs');
    return this.allLegs().map((l) => l.id);
  }

  /** Every fake leg is a SIP dialog of its own: a Call-ID made from its id; none once gone. */
  async sipCallId(legId: string): Promise<string | null> {
    this.assertReachable('sipCallId');
    return this.legMap.has(legId) ? `${legId}@fake-pbx` : null;
  }

  async inventory(): Promise<PbxInventory> {
    this.assertReachable('inventory');
    return { legs: this.allLegs().map((l) => ({ ...this.info(l), role: l.role ?? null, args: l.role ? l.args : [], createdAt: l.createdAt })), bridges: [...this.bridgeMap].map(([id, legs]) => ({ id, legIds: [...legs] })) };
  }

  // ---------------------------------------------------------------- inside

  private emit(e: PbxEvent): void {
    queueMicrotask(() => { for (const l of [...this.listeners]) l(e); });
  }

  private assertReachable(what: string): void {
    if (!this.reachable) throw new KefuError('PBX_UNREACHABLE', `fake PBX ${what}: the PBX did not answer`);
  }

  private need(legId: string): FakeLeg {
    const leg = this.legMap.get(legId);
    if (!leg) throw new Error(`no leg ${legId} on the fake PBX`);
    return leg;
  }

  /** A leg an operation needs: NOT_FOUND when it is gone. */
  private live(legId: string, what: string): FakeLeg {
    this.assertReachable(what);
    const leg = this.legMap.get(legId);
    if (!leg) throw new KefuError('NOT_FOUND', `fake PBX ${what}: leg ${legId} not found`);
    return leg;
  }

  private addLeg(id: string, endpoint: string, role: PbxLegRole | undefined, args: string[], callerNumber: string, callerName: string): FakeLeg {
    const name = `${endpoint.split('@')[0]}-${(++this.seq).toString(16).padStart(8, '0')}`;
    const leg: FakeLeg = { id, name, endpoint, role, args, createdAt: new Date().toISOString(), state: 'ringing', entered: false, ringing: false, moh: false, bridgeId: null, callerNumber, callerName, timer: null, verdict: null };
    this.legMap.set(id, leg);
    return leg;
  }

  private info(l: FakeLeg): PbxLegInfo { return { id: l.id, name: l.name, callerNumber: l.callerNumber, callerName: l.callerName }; }

  private answerLeg(leg: FakeLeg): void {
    if (leg.timer) clearTimeout(leg.timer);
    leg.timer = null;
    leg.state = 'up';
    this.emit({ type: 'legAnswered', legId: leg.id });
    if (!leg.verdict) { this.enter(leg); return; }
    // the detector listens to the greeting first: the leg is up, not yet ours
    leg.timer = setTimeout(() => { leg.timer = null; this.enter(leg); }, this.amdMs);
  }

  private enter(leg: FakeLeg): void {
    leg.entered = true;
    this.emit({ type: 'legEntered', leg: this.info(leg), role: leg.role, args: leg.args, ...(leg.verdict ? { amd: leg.verdict } : {}) });
  }

  private join(bridgeId: string, leg: FakeLeg): void {
    if (leg.bridgeId && leg.bridgeId !== bridgeId) this.bridgeMap.get(leg.bridgeId)?.delete(leg.id);
    leg.bridgeId = bridgeId;
    leg.moh = false;
    leg.ringing = false;
    this.bridgeMap.get(bridgeId)!.add(leg.id);
  }

  private gone(leg: FakeLeg, cause: number): void {
    if (this.legMap.get(leg.id) !== leg) return;
    if (leg.timer) clearTimeout(leg.timer);
    this.legMap.delete(leg.id);
    if (leg.bridgeId) this.bridgeMap.get(leg.bridgeId)?.delete(leg.id);
    for (const [id, p] of this.playbacks) if (p.legId === leg.id) this.playbackDone(id);
    for (const [name, r] of this.recordings) if (r.legId === leg.id) this.recordingDone(name, true);
    this.callRecordings.delete(leg.name);
    // snoops die with the leg they listen to
    for (const s of this.allLegs()) if (s.role === 'snoop' && s.name === `Snoop/${leg.name}`) this.gone(s, cause);
    const reason = cause === 17 ? 'busy' : cause === 18 || cause === 19 ? 'no-answer' : cause === 21 ? 'rejected' : cause === CAUSE.congestion ? 'failed' : leg.state === 'up' ? 'normal' : 'cancelled';
    this.emit({ type: 'legGone', legId: leg.id, reason, cause });
  }

  private playbackDone(playbackId: string): void {
    const p = this.playbacks.get(playbackId);
    if (!p) return;
    clearTimeout(p.timer);
    this.playbacks.delete(playbackId);
    this.emit({ type: 'playbackDone', legId: p.legId, playbackId });
  }

  private recordingDone(name: string, ok: boolean): void {
    const r = this.recordings.get(name);
    if (!r) return;
    clearTimeout(r.timer);
    this.recordings.delete(name);
    const samples = Math.min(r.maxS * 8000, Math.max(0, Math.round((Date.now() - r.startedAt) * 8)));
    this.stored.set(name, silentWav(samples));
    this.emit({ type: 'recordingDone', legId: r.legId, name, ok });
  }

  /** The PBX restarted: everything is gone, and nobody is told. */
  private wipe(): void {
    for (const l of this.legMap.values()) if (l.timer) clearTimeout(l.timer);
    for (const p of this.playbacks.values()) clearTimeout(p.timer);
    for (const r of this.recordings.values()) clearTimeout(r.timer);
    this.legMap.clear(); this.bridgeMap.clear(); this.playbacks.clear(); this.recordings.clear(); this.callRecordings.clear();
  }
}

/** A WAV file (8 kHz, 16-bit mono) of `samples` samples of silence. */
export function silentWav(samples: number): Buffer {
  const data = samples * 2;
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + data, 4); h.write('WAVE', 8); h.write('fmt ', 12);
  h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22); h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(16000, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34); h.write('data', 36); h.writeUInt32LE(data, 40);
  return Buffer.concat([h, Buffer.alloc(data)]);
}
