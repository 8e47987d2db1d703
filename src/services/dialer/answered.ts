/**
 * What a campaign call does once answered, the same on every backend: the
 * broadcast (a message and one key: opt out, to an agent, repeat; or an IVR
 * flow, e.g. a survey) and spoken messages (the identification of an
 * abandoned call, a message left on a machine). A backend gives the answered
 * call's media (CampaignMedia).
 */
import type { Logger } from 'pino';
import type { PromptResolver } from '../../core/ivr/media.ts';
import type { CallControl } from '../../core/ports.ts';
import { runFlow } from '../../core/ivr/interpreter.ts';
import type { BlacklistService } from '../blacklist.ts';
import type { FlowService } from '../flows.ts';
import { LineIvrMedia } from '../telephony/ivr-media.ts';
import type { DialerCall } from './port.ts';

/** The media of an answered campaign call. */
export interface CampaignMedia {
  /** As CallControl.play: never rejects because the far end hung up. */
  play(pcm: Buffer, opts?: { interruptOnDtmf?: boolean }): Promise<{ completed: boolean; interruptedBy: string | null }>;
  /** The next key pressed within `ms`, or null (none, or the call is gone). */
  readKey(ms: number): Promise<string | null>;
  /** The call's controls, for an IVR flow run on it (its hang-up ends the call). */
  control: CallControl;
  /** Every key the callee presses from now on, until the returned function is called. */
  keys(fn: (digit: string) => void): () => void;
  /** Aborted once the call is gone. */
  signal: AbortSignal;
  /** Stores a `survey` node's answer against the call (call_surveys: its customer and agent, the customer's timeline). */
  storeSurvey(score: number): Promise<void>;
}

export interface AnsweredDeps { prompts: PromptResolver; blacklist: BlacklistService; flows: FlowService; log: Logger }

/** How long a broadcast waits for a key after its message. */
export const KEY_WAIT_MS = 5000;

/**
 * Plays the broadcast message and reads one key: the opt-out key puts the
 * number on do-not-call at once, the agent key asks for an agent, the repeat
 * key plays it again (three times at most). What happened is written into
 * `out` (the attempt's result: heard, key, optOut, toAgent) as it happens, so
 * a callee who hangs up leaves what was known. `heard` is told once the
 * message played (or was cut by a key). Resolves with whether the callee
 * asked for an agent.
 */
export async function broadcast(media: CampaignMedia, spec: DialerCall, deps: AnsweredDeps, heard: () => void, out: Record<string, unknown>): Promise<{ toAgent: boolean }> {
  const s = spec.campaign.settings;
  if (s.flowId) return broadcastFlow(media, spec, s.flowId, deps, heard, out);
  const pcm = await deps.prompts.resolve({ text: s.message ?? '', voice: s.voice });
  const keys = Object.values(s.keys).filter((k): k is string => k !== null);
  for (let round = 0; round < 3; round++) {
    const r = await media.play(pcm, { interruptOnDtmf: keys.length > 0 });
    out.heard = r.completed || r.interruptedBy !== null;
    let key = r.interruptedBy;
    if (!key && keys.length && r.completed) key = await media.readKey(KEY_WAIT_MS);
    out.key = key;
    if (round === 0) heard();
    if (key !== null && key === s.keys.optOut) { await optOut(spec, deps, out); return { toAgent: false }; }
    if (key !== null && key === s.keys.agent) { out.toAgent = true; return { toAgent: true }; }
    if (key === null || key !== s.keys.repeat) break;
  }
  return { toAgent: false };
}

async function optOut(spec: DialerCall, deps: AnsweredDeps, out: Record<string, unknown>): Promise<void> {
  out.optOut = true;
  await deps.blacklist.add({ number: spec.numberKey, direction: 'outbound', reason: `opted out of campaign ${spec.campaign.name}` })
    .catch((err: unknown) => deps.log.warn({ err }, 'opt-out not recorded'));
}

/**
 * Broadcast with an IVR flow (the published version): what the flow read is
 * kept on the attempt as it goes (the nodes it went through, `collect`
 * variables, every key); a `queue` node asks for an agent of the campaign;
 * the opt-out key pressed as the answer at any menu opts the callee out. The
 * flow's own hang-up is left to the backend, once the result is kept.
 */
async function broadcastFlow(media: CampaignMedia, spec: DialerCall, flowId: string, deps: AnsweredDeps, heard: () => void, out: Record<string, unknown>): Promise<{ toAgent: boolean }> {
  const flow = await deps.flows.published(flowId);
  const c = media.control;
  const control = { answer: () => c.answer(), reject: () => c.reject(), play: c.play.bind(c), hangup: async () => undefined };
  const ivr = new LineIvrMedia(control, deps.prompts, media.signal, (err) => deps.log.warn({ err, flowId }, 'campaign flow prompt failed'));
  let toAgent = false;
  ivr.router = async () => { toAgent = true; return true; };
  const off = media.keys((d) => ivr.pushDigit(d));
  const path: string[] = [];
  const variables: Record<string, string> = {};
  Object.assign(out, { flow: flowId, path, variables });
  const optOutKey = spec.campaign.settings.keys.optOut;
  let optedOut = false;
  heard();
  const r = await runFlow(flow, {
    caller: { number: spec.numberKey, name: spec.name, blacklisted: false, customer: spec.customerId ? { id: spec.customerId, tier: null } : null },
    now: () => new Date(),
    hooks: {
      onNode: (node) => { path.push(node); },
      onDigits: (node, digits) => {
        if (flow.nodes[node]?.type === 'collect') return;
        if (optOutKey !== null && digits === optOutKey) optedOut = true;
      },
      // a survey node's answer is stored as on an inbound call (a failed store ends the flow with `error`)
      onSurvey: async (_node, score) => { await media.storeSurvey(score); out.survey = score; },
    },
  }, ivr).finally(off);
  Object.assign(variables, r.variables);
  Object.assign(out, { outcome: r.outcome, digits: r.digits, ...(r.error ? { error: r.error } : {}) });
  if (optedOut) { await optOut(spec, deps, out); return { toAgent: false }; }
  if (toAgent) out.toAgent = true;
  return { toAgent };
}

/** Says `text` in the campaign's voice; true when it played to the end. */
export async function say(media: CampaignMedia, spec: DialerCall, deps: AnsweredDeps, text: string): Promise<boolean> {
  const pcm = await deps.prompts.resolve({ text, voice: spec.campaign.settings.voice });
  return (await media.play(pcm)).completed;
}
