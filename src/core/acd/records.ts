/** Agents and queues as the API returns them, with the queue settings and their defaults. */
import type { Strategy } from './strategies.ts';
export interface AgentRow { id: string; name: string; skills: Record<string, number>; createdAt: string }

export interface QueueSettings {
  /** Seconds an agent's phone rings before the next agent is tried. */
  ringTimeoutS: number;
  /** Seconds a caller may wait before the call overflows. */
  maxWaitS: number;
  /** Seconds of wrap-up after each call before the agent is ready again. */
  wrapUpS: number;
  /** Missed offers in a row that pause an agent. */
  maxMissed: number;
  /** Service level threshold in seconds (answered within it count as in service). */
  serviceLevelS: number;
  /** For the skills strategy: the skill calls of this queue need, and its minimum level. */
  skill?: { name: string; min: number } | undefined;
  /** Seconds between announcements to each waiting caller (position, estimated wait); absent: none. */
  announceEveryS?: number | undefined;
  /** Say the caller's position (default true when announcing). */
  announcePosition?: boolean | undefined;
  /** Say the estimated wait (default true when announcing; see src/core/acd/announce.ts). */
  announceWait?: boolean | undefined;
  /** TTS voice of the announcements: en-us (default) or cmn. */
  announceVoice?: 'en-us' | 'cmn' | undefined;
  /** A key (0-9, *, #) that takes the caller out of the queue to the overflow target. */
  exitKey?: string | undefined;
  /** Where the caller goes on timeout or exit key. */
  overflow?: QueueOverflow | undefined;
  /** A published flow (the post-call survey) every answered caller goes to when the agent hangs up; absent or null: the caller is hung up. */
  surveyFlow?: string | null | undefined;
}

/** Where a caller goes when the queue's wait limit passes (or they press the exit key). Default hangup (disposition overflow). */
export type QueueOverflow =
  | { type: 'hangup' }
  | { type: 'queue'; queueId: string }
  | { type: 'voicemail'; maxS?: number | undefined; prompt?: { text: string; voice?: 'en-us' | 'cmn' | undefined } | undefined }
  | { type: 'flow'; flowId: string };

export interface QueueRow { id: string; name: string; strategy: Strategy; settings: QueueSettings; members: string[]; createdAt: string }
