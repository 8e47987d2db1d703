export interface Agent {
  id: string; name: string; state: string; seatId: string | null; reason: string | null; callId: string | null; callsTaken: number;
  /** In wrap-up: when it ends (the agent is ready again then). */
  wrapUpUntil?: string | null;
}
export interface Customer { id: string; name: string; phones: Array<{ number: string; label?: string }>; [k: string]: unknown }
export interface CallRecord {
  id: string; lineId: string; number: string | null; callerName: string | null; withheld: string | null; customerId: string | null; customerName?: string | null; state: string;
  disposition: string | null; digits: string; ivrPath: Array<{ node: string; type: string; digits?: string }>; agentId: string | null; queueId: string | null;
  startedAt: string; endedAt: string | null; durationMs: number | null; recordingId: string | null; outcome: string | null; notes: string | null;
}
export interface Layout { groups: Array<{ title: string; fields: string[] }>; interactions: number }
export interface Interaction { id: string; kind: string; summary: string | null; at: string }
export interface Screenpop { call: CallRecord; customer: Customer | null; layout: Layout; interactions: Interaction[]; history: CallRecord[] }
/** A call on the desk: from the event at once, then the full screen pop. */
export interface DeskCall {
  /** Offered to this agent by the ACD (the phone rings), rather than shown to every ready agent (single line: take it). */
  offered: boolean;
  callId: string; number: string | null; name: string | null; customer: Customer | null; at: string; ended: boolean; pop: Screenpop | null }
