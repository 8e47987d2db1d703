/**
 * What the interpreter gets about one call (caller, clock, hooks) and what it
 * gives back (the path taken and how the flow ended).
 */
import type { RecordResult } from './media.ts';
import type { NodeType } from './schema.ts';
import type { SpeechContext } from '../asr/speech.ts';

/** Who is calling, as the daemon knows it when the flow starts. */
export interface CallerInfo {
  /** Normalised number (E.164) or null when withheld. */
  number: string | null;
  /** Caller-ID name, when the line sent one. */
  name?: string | null;
  /** Matched an inbound blacklist entry. */
  blacklisted: boolean;
  /** The CRM customer with this number, or null when unknown. */
  customer: { id: string; tier: string | null } | null;
}

/** A voicemail left in a flow, handed to {@link FlowHooks.onVoicemail}. */
export interface VoicemailMessage extends RecordResult {
  flowId: string;
  nodeId: string;
  caller: CallerInfo;
  /** When recording ended (from the context clock). */
  at: Date;
}

/**
 * Callbacks from the interpreter. They run in the call's flow: a throwing
 * `onNode`/`onDigits` is ignored, a rejecting `onVoicemail` ends the flow
 * with outcome `error` (the message was not stored).
 */
export interface FlowHooks {
  /** A node starts. */
  onNode?(nodeId: string, type: NodeType): void;
  /** The keys a node read, once the node is done (only when it read any). */
  onDigits?(nodeId: string, digits: string): void;
  /** The sink for voicemail: store it (recording service) before the call is released. */
  onVoicemail?(message: VoicemailMessage): Promise<void> | void;
  /** A `survey` node got its answer (1-5): store it against the call (awaited: a rejecting sink ends the flow with `error`). */
  onSurvey?(nodeId: string, score: number): Promise<void> | void;
}

/** Everything {@link runFlow} needs to know about the call besides the media. */
export interface RunContext {
  caller: CallerInfo;
  /** The clock (business hours, path timestamps). */
  now(): Date;
  hooks?: FlowHooks;
  /** Speech recognition for `listen` and `directory` nodes; without it `listen` takes keys only and `directory` goes to its fallback. */
  speech?: SpeechContext;
  /** Initial call variables (e.g. from the dialer); `collect` nodes add to them. */
  variables?: Record<string, string>;
}

/** How a flow ended. */
export type FlowOutcome = 'hangup' | 'voicemail' | 'handset' | 'queue' | 'fax' | 'caller-hangup' | 'error';

/** One visited node. */
export interface PathEntry {
  node: string;
  type: NodeType;
  /** Keys the node read, in order (terminators and invalid keys included). */
  digits?: string;
  /** Which way the node went: `option 2`, `timeout`, `open`, `tier vip`, `not available`... */
  branch?: string;
  /** ISO-8601 time the node started. */
  at: string;
}

/** What {@link runFlow} returns. */
export interface FlowResult {
  flowId: string;
  path: PathEntry[];
  /** Every key the flow read, in order. */
  digits: string;
  outcome: FlowOutcome;
  /** For `queue`: the queue the call went to. */
  queue?: string;
  variables: Record<string, string>;
  /** For outcome `error`: what went wrong. */
  error?: string;
}

/** What a node's `exec` says happens next. */
export type Step = { next: string; branch?: string } | { end: Exclude<FlowOutcome, 'error'>; branch?: string; queue?: string };
