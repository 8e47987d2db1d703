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
 * Taken at the desk (single line: the agent talks on the phone that shares the line):
 *   ringing|answering --take--> taking --answered--> connected (recorded, no IVR)
 *   ivr --take--> connected (the IVR stops)
 * Any state --deviceLost--> ended (failed); --interrupted (restart) --> ended.
 */
import type { Disposition } from './disposition.ts';

export type CallState = 'ringing' | 'blocking' | 'answering' | 'taking' | 'ivr' | 'queued' | 'connected' | 'ended';

export type { Disposition };

export type CallEvent =
  | { type: 'ring' }
  | { type: 'callerId' }
  | { type: 'block'; action: 'reject' | 'message' }
  | { type: 'answer' }
  | { type: 'answered' }
  | { type: 'ivrDone'; outcome: 'hangup' | 'voicemail' | 'handset' | 'queue' | 'fax' | 'caller-hangup' | 'error' }
  | { type: 'blockDone' }
  | { type: 'hangup' }
  | { type: 'deviceLost' }
  | { type: 'answerFailed' }
  | { type: 'agentConnected' }
  /** An agent takes the call at the desk (single line). */
  | { type: 'take' }
  | { type: 'queueTimeout' }
  | { type: 'resumeIvr' };

export type CallEffect =
  | { type: 'reject' }
  | { type: 'answerLine' }
  | { type: 'playBlockMessage' }
  | { type: 'startRecording' }
  | { type: 'startIvr' }
  | { type: 'stopIvr' }
  | { type: 'hangupLine' }
  | { type: 'end'; disposition: Disposition };

export interface Transition { state: CallState; effects: CallEffect[] }

const end = (disposition: Disposition, hangup = false): Transition => ({
  state: 'ended',
  effects: [...(hangup ? [{ type: 'hangupLine' } as const] : []), { type: 'end', disposition }],
});

const IVR_DISPOSITION: Record<Extract<CallEvent, { type: 'ivrDone' }>['outcome'], Disposition> = {
  hangup: 'completed', voicemail: 'voicemail', handset: 'handset', queue: 'queued', fax: 'completed', 'caller-hangup': 'abandoned', error: 'failed',
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
      if (event.type === 'take') return { state: 'taking', effects: [{ type: 'answerLine' }] };
      if (event.type === 'hangup') return end('missed');
      return stay;
    case 'blocking':
      if (event.type === 'blockDone' || event.type === 'hangup') return end('blocked', event.type === 'blockDone');
      return stay;
    case 'answering':
      if (event.type === 'answered') return { state: 'ivr', effects: [{ type: 'startRecording' }, { type: 'startIvr' }] };
      if (event.type === 'take') return { state: 'taking', effects: [] };
      if (event.type === 'answerFailed') return end('failed', true);
      if (event.type === 'hangup') return end('missed');
      return stay;
    case 'taking':
      if (event.type === 'answered') return { state: 'connected', effects: [{ type: 'startRecording' }] };
      if (event.type === 'answerFailed') return end('failed', true);
      if (event.type === 'hangup') return end('missed');
      return stay;
    case 'ivr':
      // A caller hang-up during the IVR aborts the flow's media; the flow then
      // ends with its own outcome (a voicemail left before hanging up counts).
      if (event.type === 'ivrDone' && event.outcome === 'queue') return { state: 'queued', effects: [] };
      if (event.type === 'agentConnected') return { state: 'connected', effects: [] };
      if (event.type === 'take') return { state: 'connected', effects: [{ type: 'stopIvr' }] };
      if (event.type === 'ivrDone') return end(IVR_DISPOSITION[event.outcome], event.outcome !== 'caller-hangup' && event.outcome !== 'handset' && event.outcome !== 'fax');
      return stay;
    case 'queued':
      if (event.type === 'agentConnected') return { state: 'connected', effects: [] };
      if (event.type === 'hangup') return end('abandoned');
      if (event.type === 'queueTimeout') return end('overflow', true);
      if (event.type === 'resumeIvr') return { state: 'ivr', effects: [{ type: 'startIvr' }] };
      return stay;
    case 'connected':
      if (event.type === 'hangup') return end('completed', true);
      // the agent hung up and sent the caller to a flow (the post-call survey): the modem still holds the line
      if (event.type === 'resumeIvr') return { state: 'ivr', effects: [{ type: 'startIvr' }] };
      return stay;
  }
}
