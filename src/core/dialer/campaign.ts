/**
 * A campaign as the API and the dialer see it: its settings (with the rules'
 * defaults), its states and the outcomes of its attempts. Pure types and
 * defaults; the rows live in campaigns / campaign_numbers / campaign_attempts.
 *
 * States: draft --start--> running --pause--> paused --start--> running;
 * running | paused --stop--> finished; a running campaign whose list is done
 * finishes by itself. Settings may change in any state and take effect at
 * the next pacing decision.
 */
import type { CallingWindow } from './calling-window.ts';
import type { DialMode } from './pacing.ts';
import { DEFAULT_RETRY, type RetryRules } from './retry.ts';
import { KefuError } from '../errors.ts';

export type CampaignState = 'draft' | 'running' | 'paused' | 'finished';

/** What to do with a call an answering machine picked up. */
export type MachineAction = 'hangup' | 'message' | 'agent';

export interface CampaignSettings {
  /** Lines the campaign dials through (config line ids); empty: every line that can dial. */
  lines: string[];
  /** Most calls up at once (never more than the lines carry). */
  maxLines: number;
  /** The ACD queue whose members work the campaign (agent modes). */
  queueId: string | null;
  /** Or agents named one by one (agent modes). */
  agents: string[];
  /** Caller ID presented (where the line lets us set it). */
  callerId: string | null;
  /** Broadcast: the message (TTS text) or an IVR flow id. */
  message: string | null;
  flowId: string | null;
  /** Broadcast: keys the callee may press after the message. */
  keys: { agent: string | null; optOut: string | null; repeat: string | null };
  /** Played to a person we must drop (no agent within connectWithinS): who called and how to reach us. */
  identification: string;
  /** TTS voice for messages: en-us or cmn. */
  voice: 'en-us' | 'cmn';
  /** Record connected calls: always, never, or as the line says (`policy`: the line's `record`). */
  recording: 'always' | 'never' | 'policy';
  window: CallingWindow;
  retry: RetryRules;
  /** Seconds a call may ring before it counts as no answer (never below minRingS). */
  ringTimeoutS: number;
  /** Answering-machine detection (Asterisk lines) and what to do with a machine. */
  amd: { enabled: boolean; onMachine: MachineAction };
  /** Abandonment cap (fraction of live answers) and the rate the pacing aims at. */
  abandonCap: number;
  abandonTarget: number;
  /** A live answer must reach an agent within this many seconds, or it is abandoned. */
  connectWithinS: number;
  /** Preview: seconds after which the shown record is dialled by itself (null: the agent decides). */
  previewCountdownS: number | null;
}

export const MIN_RING_S = 15;

export const DEFAULT_SETTINGS: CampaignSettings = {
  lines: [],
  maxLines: 4,
  queueId: null,
  agents: [],
  callerId: null,
  message: null,
  flowId: null,
  keys: { agent: null, optOut: null, repeat: null },
  identification: 'This is a call from our service team. We will call you back. To stop these calls, reply to this number.',
  voice: 'en-us',
  recording: 'policy',
  window: {},
  retry: DEFAULT_RETRY,
  ringTimeoutS: 25,
  amd: { enabled: false, onMachine: 'hangup' },
  abandonCap: 0.03,
  abandonTarget: 0.025,
  connectWithinS: 2,
  previewCountdownS: null,
};

export interface Campaign {
  id: string;
  name: string;
  mode: DialMode;
  state: CampaignState;
  priority: number;
  settings: CampaignSettings;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** How an attempt ended. */
export type CampaignOutcome =
  | 'connected' | 'abandoned' | 'machine' | 'busy' | 'no-answer' | 'failed'
  | 'cancelled' | 'interrupted' | 'skipped';

export interface CampaignAttempt {
  id: string;
  campaignId: string;
  numberId: string;
  number: string;
  callId: string | null;
  lineId: string | null;
  agentId: string | null;
  placedAt: string;
  ringAt: string | null;
  answeredAt: string | null;
  liveAt: string | null;
  connectedAt: string | null;
  endedAt: string | null;
  outcome: CampaignOutcome | null;
  abandoned: boolean;
  amd: string | null;
  result: Record<string, unknown> | null;
  skipReason: string | null;
}

export type NumberState = 'pending' | 'dialing' | 'done';

export interface CampaignNumber {
  id: string;
  campaignId: string;
  number: string;
  name: string | null;
  customerId: string | null;
  data: Record<string, unknown>;
  priority: number;
  state: NumberState;
  attempts: number;
  nextAt: string | null;
  lastOutcome: string | null;
  doneReason: string | null;
}

/** Settings as the API takes them: any subset; the nested groups (keys, amd, retry) may be partial too. */
export type SettingsInput = Partial<Omit<CampaignSettings, 'keys' | 'amd' | 'retry'>> & {
  keys?: Partial<CampaignSettings['keys']> | undefined; amd?: Partial<CampaignSettings['amd']> | undefined; retry?: Partial<CampaignSettings['retry']> | undefined;
};

/** Settings as stored and shown: defaults under what was given (nested objects merged one level). */
export function withDefaults(given: SettingsInput): CampaignSettings {
  return {
    ...DEFAULT_SETTINGS,
    ...given,
    keys: { ...DEFAULT_SETTINGS.keys, ...given.keys },
    amd: { ...DEFAULT_SETTINGS.amd, ...given.amd },
    retry: { ...DEFAULT_SETTINGS.retry, ...given.retry },
  };
}

/** Rules a campaign's settings must keep, whatever the schema let through; names the field. */
export function checkSettings(mode: DialMode, s: CampaignSettings): void {
  const bad = (field: string, message: string): never => { throw new KefuError('BAD_REQUEST', `settings.${field}: ${message}`, { field: `settings.${field}` }); };
  if (s.ringTimeoutS < MIN_RING_S) bad('ringTimeoutS', `a call must ring at least ${MIN_RING_S} s before it is given up (got ${s.ringTimeoutS})`);
  if (s.abandonTarget > s.abandonCap) bad('abandonTarget', `must not exceed abandonCap (${s.abandonCap})`);
  if (mode === 'broadcast' && !s.message && !s.flowId) bad('message', 'a broadcast campaign needs a message or a flowId');
  const keys = Object.entries(s.keys).filter(([, k]) => k !== null);
  if (new Set(keys.map(([, k]) => k)).size !== keys.length) bad('keys', 'each key may do one thing');
}

/** Whether `to` may follow `from`; the reason when not. */
export function canMove(from: CampaignState, action: 'start' | 'pause' | 'stop'): CampaignState | string {
  if (from === 'finished') return 'the campaign is finished';
  if (action === 'start') return from === 'running' ? 'the campaign is running already' : 'running';
  if (action === 'pause') return from === 'running' ? 'paused' : `only a running campaign can be paused (it is ${from})`;
  return 'finished';
}
