/**
 * Who owns each PBX leg. A leg is claimed when we originate it (or a snoop
 * on it) through an owner's view of the port, or when it enters our
 * application as a new caller; its events then go to that owner alone, and
 * the claim is released when the leg is gone. A leg nobody owns is not ours
 * to keep (left by an earlier run, or too late for a request that ended).
 */
import type { Pbx, PbxInventory, PbxMachineVerdict, PbxGoneReason, PbxHangupReason, PbxLegInfo, PbxLegRole, PbxListener, PbxOriginate } from '../../core/ports.ts';

export interface LegOwner {
  /** One of the owner's legs entered our application (it answered, or a snoop started); `amd` when it was dialled with machine detection. */
  entered(leg: PbxLegInfo, role: PbxLegRole | undefined, args: string[], amd?: PbxMachineVerdict): void;
  /** The leg is gone, for `reason`; `lost`: gone with the PBX (it restarted under us). */
  gone(legId: string, reason: PbxGoneReason, lost: boolean): void;
  answered?(legId: string): void;
  dtmf?(legId: string, digit: string): void;
  playbackDone?(legId: string, playbackId: string): void;
  recordingDone?(legId: string, name: string, ok: boolean): void;
}

export class LegRegistry {
  private readonly owners = new Map<string, LegOwner>();

  /** `legId` belongs to `owner` from now on (a leg is claimed once). */
  claim(legId: string, owner: LegOwner): void {
    const held = this.owners.get(legId);
    if (held && held !== owner) throw new Error(`leg ${legId} is owned already`);
    this.owners.set(legId, owner);
  }

  owner(legId: string): LegOwner | undefined { return this.owners.get(legId); }
  release(legId: string): void { this.owners.delete(legId); }
  ids(): string[] { return [...this.owners.keys()]; }
  /** Every claim dropped (NodeTakeover.forget): events of those channels reach nobody; the resync hangs up what nobody adopts. */
  clear(): void { this.owners.clear(); }

  /** The port as `owner` uses it: every leg it originates or snoops is claimed for it before the PBX sees the request. */
  pbxFor(pbx: Pbx, owner: LegOwner): Pbx { return new OwnedPbx(pbx, this, owner); }
}

class OwnedPbx implements Pbx {
  constructor(private readonly pbx: Pbx, private readonly registry: LegRegistry, private readonly owner: LegOwner) {}

  get canRecordCalls(): boolean { return this.pbx.canRecordCalls; }
  on(listener: PbxListener): () => void { return this.pbx.on(listener); }
  start(): Promise<void> { return this.pbx.start(); }
  stop(): Promise<void> { return this.pbx.stop(); }

  async originate(leg: PbxOriginate): Promise<{ id: string; name: string }> {
    this.registry.claim(leg.id, this.owner);
    try {
      return await this.pbx.originate(leg);
    } catch (err) {
      this.registry.release(leg.id);
      throw err;
    }
  }

  async snoop(legId: string, opts: { id: string; whisper: boolean; args: string[] }): Promise<void> {
    this.registry.claim(opts.id, this.owner);
    try {
      await this.pbx.snoop(legId, opts);
    } catch (err) {
      this.registry.release(opts.id);
      throw err;
    }
  }

  answer(legId: string): Promise<void> { return this.pbx.answer(legId); }
  hangup(legId: string, reason?: PbxHangupReason): Promise<void> { return this.pbx.hangup(legId, reason); }
  ring(legId: string, on: boolean): Promise<void> { return this.pbx.ring(legId, on); }
  moh(legId: string, on: boolean): Promise<void> { return this.pbx.moh(legId, on); }
  bridge(legIds: string[]): Promise<string> { return this.pbx.bridge(legIds); }
  addToBridge(bridgeId: string, legId: string): Promise<void> { return this.pbx.addToBridge(bridgeId, legId); }
  destroyBridge(bridgeId: string): Promise<void> { return this.pbx.destroyBridge(bridgeId); }
  play(legId: string, file: string, playbackId: string): Promise<void> { return this.pbx.play(legId, file, playbackId); }
  stopPlayback(playbackId: string): Promise<void> { return this.pbx.stopPlayback(playbackId); }
  recordCall(leg: { name: string }, path: string): Promise<void> { return this.pbx.recordCall(leg, path); }
  stopCallRecording(leg: { name: string }): Promise<void> { return this.pbx.stopCallRecording(leg); }
  recordMessage(legId: string, opts: { name: string; maxS: number; beep: boolean; maxSilenceS?: number; terminateOn?: '#' | 'any' }): Promise<void> { return this.pbx.recordMessage(legId, opts); }
  takeRecording(name: string): Promise<Buffer | null> { return this.pbx.takeRecording(name); }
  legs(): Promise<string[]> { return this.pbx.legs(); }
  inventory(): Promise<PbxInventory> { return this.pbx.inventory(); }
  sipCallId(legId: string): Promise<string | null> { return this.pbx.sipCallId(legId); }
}
