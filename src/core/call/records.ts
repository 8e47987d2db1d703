/** Call records, their legs and recordings as the API returns them (the repositories in src/db/repos store them). */
export interface IvrStep { node: string; type: string; digits?: string; at: string }

/** A call record (CDR) as the API returns it. */
export interface CallRecord {
  id: string;
  lineId: string;
  direction: 'inbound' | 'outbound';
  number: string | null;
  callerName: string | null;
  withheld: string | null;
  customerId: string | null;
  /** The matched customer's name (read from the customer, never stored on the call). */
  customerName: string | null;
  state: string;
  disposition: string | null;
  flowId: string | null;
  digits: string;
  ivrPath: IvrStep[];
  blacklistMatch: unknown;
  agentId: string | null;
  queueId: string | null;
  notes: string | null;
  /** The agent's wrap-up: what came of the call (sale, resolved, callback...). */
  outcome: string | null;
  wrappedAt: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  /** How long the caller waited in a queue, when they went through one. */
  queueWaitMs: number | null;
  recordingId: string | null;
}

export type LegKind = 'caller' | 'agent' | 'supervisor' | 'outbound';

/** One leg of a call as the API returns it (`GET /calls/{id}` → `legs`). */
export interface CallLeg {
  id: string;
  kind: LegKind;
  channelId: string | null;
  endpoint: string | null;
  seatId: string | null;
  agentId: string | null;
  /** Supervisor legs: listen, whisper or barge. */
  mode: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  /** normal, busy, no-answer, cancelled (hung up by us before answer), rejected, failed, asterisk-restart, interrupted... */
  endCause: string | null;
  /** A caller's leg on Asterisk over SIP: the SIP dialog's Call-ID (null otherwise). */
  sipCallId: string | null;
}

export interface Recording {
  id: string;
  callId: string;
  format: string;
  state: 'recording' | 'ready' | 'repaired' | 'failed';
  durationMs: number | null;
  bytes: number | null;
  sha256: string | null;
  createdAt: string;
  completedAt: string | null;
  /** Why the recording failed (state failed), else null. */
  failure: string | null;
  /** The call's number (E.164), caller-ID name, line and direction, and the customer it was matched to: who called, at a glance. */
  number: string | null;
  callerName: string | null;
  lineId: string;
  direction: 'inbound' | 'outbound';
  customerId: string | null;
  customerName: string | null;
}
