/**
 * The Pbx of a node owned by lease: only the lease holder opens the node's
 * ARI socket. `start()` (the PBX service's) only remembers that the service
 * runs; `open()` / `close()` (the lease service's) start and stop the real
 * driver. While closed, every command is refused (PBX_UNREACHABLE): a daemon
 * that lost the node drives none of its channels. So is every command while
 * the lease has run out locally (`holds()` false) and the lease service has
 * not closed the gate yet: a daemon that wakes from a stall runs its overdue
 * timers (an IVR's time-out, a ring's end) before its lease timer, and must
 * not play to or hang up channels another daemon drives by then.
 */
import type { Pbx, PbxHangupReason, PbxListener, PbxOriginate } from '../../core/ports.ts';
import { KefuError } from '../../core/errors.ts';

export class LeasedPbx implements Pbx {
  private running = false;
  private opened = false;
  /** Closed because the lease was lost (not because the daemon stops). */
  private released = false;
  /** Serialises open/close. */
  private chain: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<PbxListener>();
  /** Told when the gate opens (the lease won) or closes (lost, or stopped): the dead-node sweeper (sweeper.ts). */
  onGate: ((open: boolean) => void) | null = null;

  constructor(private readonly inner: Pbx, private readonly node: string, private readonly holds: () => boolean = () => true) {}

  get canRecordCalls(): boolean { return this.inner.canRecordCalls; }
  get isOpen(): boolean { return this.opened; }

  on(listener: PbxListener): () => void {
    this.listeners.add(listener);
    // the link going down because the lease was lost says so (the PBX service then announces no line offline)
    const off = this.inner.on((e) => listener(e.type === 'link' && !e.up && this.released ? { ...e, released: true } : e));
    return () => { this.listeners.delete(listener); off(); };
  }

  /**
   * The node died with these channels up (the dead-node sweeper): each goes to
   * the listeners as a leg gone (`failed`), as Asterisk would have said, so
   * the calls that own them end.
   */
  channelsGone(channelIds: readonly string[]): void {
    for (const legId of channelIds) {
      for (const l of [...this.listeners]) {
        try { l({ type: 'legGone', legId, reason: 'failed', cause: undefined }); } catch { /* a faulty listener must not stop the others */ }
      }
    }
  }

  start(): Promise<void> { this.running = true; return Promise.resolve(); }

  async stop(): Promise<void> { this.running = false; await this.close(false); }

  /** The lease was won: connect (once the PBX service runs). */
  open(): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.opened || !this.running) return;
      this.opened = true;
      this.released = false;
      this.onGate?.(true);
      await this.inner.start();
    });
    return this.chain;
  }

  /** The lease was lost (`released`), or the daemon stops: disconnect at once. */
  close(released: boolean): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (!this.opened) return;
      this.opened = false;
      this.released = released;
      this.onGate?.(false);
      await this.inner.stop();
    });
    return this.chain;
  }

  private gate<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.opened) return Promise.reject(new KefuError('PBX_UNREACHABLE', `not the owner of Asterisk node ${this.node} (cluster lease)`));
    if (!this.holds()) return Promise.reject(new KefuError('PBX_UNREACHABLE', `the lease of Asterisk node ${this.node} has run out (a stall?): no command until it is renewed`));
    return fn();
  }

  originate(leg: PbxOriginate) { return this.gate(() => this.inner.originate(leg)); }
  answer(legId: string) { return this.gate(() => this.inner.answer(legId)); }
  hangup(legId: string, reason?: PbxHangupReason) { return this.gate(() => this.inner.hangup(legId, reason)); }
  ring(legId: string, on: boolean) { return this.gate(() => this.inner.ring(legId, on)); }
  moh(legId: string, on: boolean) { return this.gate(() => this.inner.moh(legId, on)); }
  bridge(legIds: string[]) { return this.gate(() => this.inner.bridge(legIds)); }
  addToBridge(bridgeId: string, legId: string) { return this.gate(() => this.inner.addToBridge(bridgeId, legId)); }
  destroyBridge(bridgeId: string) { return this.gate(() => this.inner.destroyBridge(bridgeId)); }
  snoop(legId: string, opts: { id: string; whisper: boolean; args: string[] }) { return this.gate(() => this.inner.snoop(legId, opts)); }
  play(legId: string, file: string, playbackId: string) { return this.gate(() => this.inner.play(legId, file, playbackId)); }
  stopPlayback(playbackId: string) { return this.gate(() => this.inner.stopPlayback(playbackId)); }
  recordCall(leg: { name: string }, path: string) { return this.gate(() => this.inner.recordCall(leg, path)); }
  stopCallRecording(leg: { name: string }) { return this.gate(() => this.inner.stopCallRecording(leg)); }
  recordMessage(legId: string, opts: Parameters<Pbx['recordMessage']>[1]) { return this.gate(() => this.inner.recordMessage(legId, opts)); }
  takeRecording(name: string) { return this.gate(() => this.inner.takeRecording(name)); }
  legs() { return this.gate(() => this.inner.legs()); }
  inventory() { return this.gate(() => this.inner.inventory()); }
  sipCallId(legId: string) { return this.gate(() => this.inner.sipCallId(legId)); }
}
