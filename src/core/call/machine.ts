/**
 * The call as a typed state machine: transition(state, event) -> { state, effects }.
 * Pure: no I/O. The telephony service runs the effects and logs every
 * transition once as { callId, from, event, to }.
 *
 * ringing --answer--> answering --answered--> ivr --ivrDone--> ended (hang-up in ivr: the flow ends itself)
 *    |                    |                    |
 *    +--block--> blocking-+--(rejected|message done)--> ended (blocked)
 *    +--hangup (caller gave up) --> ended (missed)
 * ivr --ivrDone(queue)--> queued --agentConnected--> connected --hangup--> ended (completed)
 *                          queued --hangup--> ended (abandoned); --queueTimeout--> ended (overflow)
 *                          queued --resumeIvr (overflow to voicemail or a flow)--> ivr
 * ivr --agentConnected (a seat took the call: handset node on a PBX)--> connected
 * Any state --deviceLost--> ended (failed); --interrupted (restart) --> ended.
 */

export type CallState = 'ringing' | 'blocking' | 'answering' | 'ivr' | 'queued' | 'connected' | 'ended';

export type Disposition =
  | 'completed'   // the IVR ran to its end (hang-up node)
  | 'voicemail'   // caller left a message
  | 'handset'     // handed to the office phone
  | 'queued'      // handed to a queue that took it over (kept for flows that end there)
  | 'overflow'    // waited in a queue until its limit with no agent
  | 'abandoned'   // caller hung up during the IVR
  | 'missed'      // rang, caller gave up before we answered
  | 'blocked'     // blacklisted, never connected to the IVR
  | 'failed'      // the device or line failed during the call
  | 'interrupted'; // the daemon stopped mid-call (closed on restart)

export type CallEvent =
  | { type: 'ring' }
  | { type: 'callerId' }
  | { type: 'block'; action: 'reject' | 'message' }
  | { type: 'answer' }
  | { type: 'answered' }
  | { type: 'ivrDone'; outcome: 'hangup' | 'voicemail' | 'handset' | 'queue' | 'caller-hangup' | 'error' }
  | { type: 'blockDone' }
  | { type: 'hangup' }
  | { type: 'deviceLost' }
  | { type: 'answerFailed' }
  | { type: 'agentConnected' }
  | { type: 'queueTimeout' }
  | { type: 'resumeIvr' };

export type CallEffect =
  | { type: 'reject' }
  | { type: 'answerLine' }
  | { type: 'playBlockMessage' }
  | { type: 'startRecording' }
  | { type: 'startIvr' }
  | { type: 'hangupLine' }
  | { type: 'end'; disposition: Disposition };

export interface Transition { state: CallState; effects: CallEffect[] }

const end = (disposition: Disposition, hangup = false): Transition => ({
  state: 'ended',
  effects: [...(hangup ? [{ type: 'hangupLine' } as const] : []), { type: 'end', disposition }],
});

const IVR_DISPOSITION: Record<Extract<CallEvent, { type: 'ivrDone' }>['outcome'], Disposition> = {
  hangup: 'completed', voicemail: 'voicemail', handset: 'handset', queue: 'queued', 'caller-hangup': 'abandoned', error: 'failed',
};

/** The next state and the effects to run. Events that do not apply leave the state as it is. */
export function transition(state: CallState, event: CallEvent): Transition {
  const stay: Transition = { state, effects: [] };
  if (state === 'ended') return stay;
  if (event.type === 'deviceLost') return end('failed');
  switch (state) {
    case 'ringing':
      if (event.type === 'block') {
        return event.action === 'reject'
          ? { state: 'blocking', effects: [{ type: 'reject' }] }
          : { state: 'blocking', effects: [{ type: 'playBlockMessage' }] };
      }
      if (event.type === 'answer') return { state: 'answering', effects: [{ type: 'answerLine' }] };
      if (event.type === 'hangup') return end('missed');
      return stay;
    case 'blocking':
      if (event.type === 'blockDone' || event.type === 'hangup') return end('blocked', event.type === 'blockDone');
      return stay;
    case 'answering':
      if (event.type === 'answered') return { state: 'ivr', effects: [{ type: 'startRecording' }, { type: 'startIvr' }] };
      if (event.type === 'answerFailed') return end('failed', true);
      if (event.type === 'hangup') return end('missed');
      return stay;
    case 'ivr':
      // A caller hang-up during the IVR aborts the flow's media; the flow then
      // ends with its own outcome (a voicemail left before hanging up counts).
      if (event.type === 'ivrDone' && event.outcome === 'queue') return { state: 'queued', effects: [] };
      if (event.type === 'agentConnected') return { state: 'connected', effects: [] };
      if (event.type === 'ivrDone') return end(IVR_DISPOSITION[event.outcome], event.outcome !== 'caller-hangup' && event.outcome !== 'handset');
      return stay;
    case 'queued':
      if (event.type === 'agentConnected') return { state: 'connected', effects: [] };
      if (event.type === 'hangup') return end('abandoned');
      if (event.type === 'queueTimeout') return end('overflow', true);
      if (event.type === 'resumeIvr') return { state: 'ivr', effects: [{ type: 'startIvr' }] };
      return stay;
    case 'connected':
      if (event.type === 'hangup') return end('completed', true);
      return stay;
  }
}
