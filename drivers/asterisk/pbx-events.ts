/**
 * ARI events in the words of the Pbx port. Keeps what the translation needs
 * across events: the hang-up cause announced before a channel leaves, which
 * legs were reported gone (StasisEnd and ChannelDestroyed make one
 * `legGone`), and which legs are between the two Stasis entries of
 * answering-machine detection (amd.ts).
 */
import type { PbxEvent, PbxLegRole, PbxMachineVerdict } from '../../src/core/ports.ts';
import type { AriEvent } from './ari-events.ts';
import { AMD_ENTRY, splitAmdArgs } from './amd.ts';
import { goneReason } from './causes.ts';

const ROLES: readonly PbxLegRole[] = ['inbound', 'agent', 'handset', 'monitor', 'snoop', 'c2d-agent', 'c2d-customer', 'dialer'];
/** How many gone leg ids are remembered (a caller's channel gets no ChannelDestroyed after StasisEnd). */
const GONE_MEMORY = 2000;

const target = (uri: string): string => uri.replace(/^channel:/, '');

type StasisStart = Extract<AriEvent, { type: 'StasisStart' }>;

/**
 * The role and arguments a channel in our application entered it with, from
 * where ARI says it is (`dialplan.app_name` "Stasis", `app_data`
 * "app,role,args..."; a leg in answering-machine detection:
 * "app,amd,role,args..."; one back from it: "app,role,args...,amd,status,cause");
 * null when that names no role of ours.
 */
export function stasisEntry(dialplan: { app_name?: string; app_data?: string } | undefined, app: string): { role: PbxLegRole; args: string[] } | null {
  if (dialplan?.app_name !== 'Stasis' || !dialplan.app_data) return null;
  const [name, ...rest] = dialplan.app_data.split(',');
  if (name !== app) return null;
  const [first, ...more] = rest[0] === AMD_ENTRY ? rest.slice(1) : (splitAmdArgs(rest)?.args ?? rest);
  const role = ROLES.find((r) => r === first);
  return role ? { role, args: more } : null;
}

/** The role alone (stasisEntry). */
export function stasisRole(dialplan: { app_name?: string; app_data?: string } | undefined, app: string): PbxLegRole | null {
  return stasisEntry(dialplan, app)?.role ?? null;
}

/** `legEntered` for a Stasis entry; `roleAndArgs` are its arguments without what the driver added. */
function entered(e: StasisStart, roleAndArgs: string[], amd: PbxMachineVerdict | undefined): PbxEvent {
  const [role, ...args] = roleAndArgs;
  const c = e.channel;
  const leg = { id: c.id, name: c.name, callerNumber: c.caller.number, callerName: c.caller.name };
  return { type: 'legEntered', leg, role: ROLES.find((r) => r === role), args, ...(amd ? { amd } : {}) };
}

export class AriEventTranslator {
  private readonly hangupCauses = new Map<string, number>();
  private readonly gone = new Set<string>();
  /** Legs that were up (answered) at some point: a plain clearing of one is `normal`, of another `cancelled`. */
  private readonly up = new Set<string>();
  /**
   * Legs with answering-machine detection between their two Stasis entries
   * (amd.ts): the first entry, and `listening` once it ended (the dialplan
   * runs AMD; the leg is still ours, not gone).
   */
  private readonly detection = new Map<string, { listening: boolean; first: StasisStart }>();

  /** Whether a StasisStart is an AMD leg's first entry (`amd`, role, args): the driver sends that leg on to the detector. */
  static isAmdEntry(e: AriEvent): e is StasisStart {
    return e.type === 'StasisStart' && e.args[0] === AMD_ENTRY;
  }

  /** A leg id is (re)used for a new leg: it may be reported gone again. */
  forget(legId: string): void { this.gone.delete(legId); }

  translate(e: AriEvent): PbxEvent | null {
    switch (e.type) {
      case 'StasisStart': {
        const c = e.channel;
        if (c.state === 'Up') this.up.add(c.id);
        if (e.args[0] === AMD_ENTRY) {
          this.detection.set(c.id, { listening: false, first: e });
          // a leg whose end we never heard of (the PBX restarted) must not stay here for ever
          if (this.detection.size > GONE_MEMORY) this.detection.delete(this.detection.keys().next().value!);
          return null;
        }
        const verdict = this.detection.delete(c.id) ? splitAmdArgs(e.args) : null;
        return entered(e, verdict?.args ?? e.args, verdict?.amd);
      }
      case 'ChannelStateChange':
        if (e.channel.state !== 'Up') return null;
        this.up.add(e.channel.id);
        return { type: 'legAnswered', legId: e.channel.id };
      case 'ChannelDtmfReceived':
        return { type: 'dtmf', legId: e.channel.id, digit: e.digit };
      case 'PlaybackFinished':
        return { type: 'playbackDone', legId: target(e.playback.target_uri), playbackId: e.playback.id };
      case 'RecordingFinished':
      case 'RecordingFailed':
        return { type: 'recordingDone', legId: target(e.recording.target_uri), name: e.recording.name, ok: e.type === 'RecordingFinished' };
      case 'ChannelHangupRequest':
        if (e.cause !== undefined) this.hangupCauses.set(e.channel.id, e.cause);
        return null;
      // A channel that entered Stasis by itself (a caller) is no longer ours after StasisEnd: no ChannelDestroyed follows.
      case 'StasisEnd': {
        const d = this.detection.get(e.channel.id);
        if (d && !d.listening) { d.listening = true; return null; }
        return this.legGone(e.channel.id, this.hangupCauses.get(e.channel.id));
      }
      case 'ChannelDestroyed': {
        const ev = this.legGone(e.channel.id, e.cause);
        this.gone.delete(e.channel.id);
        return ev;
      }
      default:
        return null;
    }
  }

  /**
   * The driver could not send an AMD leg on to the detector: it stays in its
   * first entry, which is its `legEntered` (verdict notsure) and ends as any other.
   */
  detectionNotStarted(legId: string): PbxEvent | null {
    const d = this.detection.get(legId);
    if (!d || d.listening) return null;
    this.detection.delete(legId);
    return entered(d.first, d.first.args.slice(1), { status: 'notsure', cause: 'detector-failed' });
  }

  private legGone(legId: string, cause: number | undefined): PbxEvent | null {
    this.hangupCauses.delete(legId);
    this.detection.delete(legId);
    if (this.gone.has(legId)) return null;
    this.gone.add(legId);
    if (this.gone.size > GONE_MEMORY) this.gone.delete(this.gone.values().next().value!);
    const answered = this.up.delete(legId);
    return { type: 'legGone', legId, reason: goneReason(cause, answered), cause };
  }
}
