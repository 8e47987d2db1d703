/**
 * What a campaign call does once answered, the same on every backend: the
 * broadcast (message, one key: opt out, to an agent, repeat) and spoken
 * messages (the identification of an abandoned call, a message left on a
 * machine). A backend gives the answered call's media (CampaignMedia).
 */
import type { Logger } from 'pino';
import type { PromptResolver } from '../../core/ivr/media.ts';
import type { BlacklistService } from '../blacklist.ts';
import type { DialerCall } from './port.ts';

/** The media of an answered campaign call. */
export interface CampaignMedia {
  /** As CallControl.play: never rejects because the far end hung up. */
  play(pcm: Buffer, opts?: { interruptOnDtmf?: boolean }): Promise<{ completed: boolean; interruptedBy: string | null }>;
  /** The next key pressed within `ms`, or null (none, or the call is gone). */
  readKey(ms: number): Promise<string | null>;
}

export interface AnsweredDeps { prompts: PromptResolver; blacklist: BlacklistService; log: Logger }

export interface BroadcastResult {
  /** Stored on the attempt: heard, key, optOut, toAgent. */
  result: Record<string, unknown>;
  /** The callee asked for an agent. */
  toAgent: boolean;
}

/** How long a broadcast waits for a key after its message. */
export const KEY_WAIT_MS = 5000;

/**
 * Plays the broadcast message and reads one key: the opt-out key puts the
 * number on do-not-call at once, the agent key asks for an agent, the repeat
 * key plays it again (three times at most). `heard` is told once the message
 * played (or was cut by a key).
 */
export async function broadcast(media: CampaignMedia, spec: DialerCall, deps: AnsweredDeps, heard: () => void): Promise<BroadcastResult> {
  const s = spec.campaign.settings;
  const pcm = await deps.prompts.resolve({ text: s.message ?? '', voice: s.voice });
  const keys = Object.values(s.keys).filter((k): k is string => k !== null);
  let result: Record<string, unknown> = {};
  for (let round = 0; round < 3; round++) {
    const r = await media.play(pcm, { interruptOnDtmf: keys.length > 0 });
    let key = r.interruptedBy;
    if (!key && keys.length && r.completed) key = await media.readKey(KEY_WAIT_MS);
    result = { heard: r.completed || key !== null, key };
    if (round === 0) heard();
    if (key !== null && key === s.keys.optOut) {
      await deps.blacklist.add({ number: spec.numberKey, direction: 'outbound', reason: `opted out of campaign ${spec.campaign.name}` })
        .catch((err: unknown) => deps.log.warn({ err }, 'opt-out not recorded'));
      return { result: { ...result, optOut: true }, toAgent: false };
    }
    if (key !== null && key === s.keys.agent) return { result: { ...result, toAgent: true }, toAgent: true };
    if (key === null || key !== s.keys.repeat) break;
  }
  return { result, toAgent: false };
}

/** Says `text` in the campaign's voice; true when it played to the end. */
export async function say(media: CampaignMedia, spec: DialerCall, deps: AnsweredDeps, text: string): Promise<boolean> {
  const pcm = await deps.prompts.resolve({ text, voice: spec.campaign.settings.voice });
  return (await media.play(pcm)).completed;
}
