/**
 * ARI events in the words of the Pbx port. Keeps what the translation needs
 * across events: the hang-up cause announced before a channel leaves, and
 * which legs were reported gone (StasisEnd and ChannelDestroyed make one
 * `legGone`).
 */
import type { PbxEvent, PbxLegRole } from '../../src/core/ports.ts';
import type { AriEvent } from './ari-events.ts';
import { goneReason } from './causes.ts';

const ROLES: readonly PbxLegRole[] = ['inbound', 'agent', 'handset', 'monitor', 'snoop', 'c2d-agent', 'c2d-customer', 'dialer'];
/** How many gone leg ids are remembered (a caller's channel gets no ChannelDestroyed after StasisEnd). */
const GONE_MEMORY = 2000;

const target = (uri: string): string => uri.replace(/^channel:/, '');

export class AriEventTranslator {
  private readonly hangupCauses = new Map<string, number>();
  private readonly gone = new Set<string>();
  /** Legs that were up (answered) at some point: a plain clearing of one is `normal`, of another `cancelled`. */
  private readonly up = new Set<string>();

  /** A leg id is (re)used for a new leg: it may be reported gone again. */
  forget(legId: string): void { this.gone.delete(legId); }

  translate(e: AriEvent): PbxEvent | null {
    switch (e.type) {
      case 'StasisStart': {
        const [role, ...args] = e.args;
        const c = e.channel;
        if (c.state === 'Up') this.up.add(c.id);
        return { type: 'legEntered', leg: { id: c.id, name: c.name, callerNumber: c.caller.number, callerName: c.caller.name }, role: ROLES.find((r) => r === role), args };
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
      case 'StasisEnd':
        return this.legGone(e.channel.id, this.hangupCauses.get(e.channel.id));
      case 'ChannelDestroyed': {
        const ev = this.legGone(e.channel.id, e.cause);
        this.gone.delete(e.channel.id);
        return ev;
      }
      default:
        return null;
    }
  }

  private legGone(legId: string, cause: number | undefined): PbxEvent | null {
    this.hangupCauses.delete(legId);
    if (this.gone.has(legId)) return null;
    this.gone.add(legId);
    if (this.gone.size > GONE_MEMORY) this.gone.delete(this.gone.values().next().value!);
    const answered = this.up.delete(legId);
    return { type: 'legGone', legId, reason: goneReason(cause, answered), cause };
  }
}
