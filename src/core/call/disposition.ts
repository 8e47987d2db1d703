/**
 * How a call ended: one type for every kind of call (inbound on a modem line
 * or a PBX trunk, click-to-dial on either, and the dialer's calls). The call
 * ledger (src/services/calls/ledger.ts) writes it on the call record and in
 * `call.ended`.
 */
export const DISPOSITIONS = {
  completed: 'a conversation (or the IVR) ran to its end',
  voicemail: 'the caller left a message',
  handset: 'handed to the office phone',
  queued: 'handed to a queue that took it over (flows that end there)',
  overflow: 'waited in a queue until its limit with no agent',
  abandoned: 'the caller hung up in the IVR or the queue',
  missed: 'rang; the caller gave up before we answered',
  blocked: 'blacklisted; never connected to the IVR',
  busy: 'the far end (or our line, full) was busy',
  'no-answer': 'the called number did not answer',
  'no-dialtone': 'the line gave no dial tone',
  'agent-no-answer': "click-to-dial: the agent's phone was not answered",
  'no-line': 'click-to-dial: no line became free in time',
  cancelled: 'ended by us (hang-up from the API) before a conversation: the far end not answered yet, or a caller still ringing, in the IVR or waiting in a queue',
  failed: 'the device, line or PBX failed during the call',
  interrupted: 'the daemon stopped mid-call (closed at the next start)',
  node_failed: 'the call\'s Asterisk node died (its ARI unreachable for cluster.nodeFailS); closed by the node\'s owner',
  machine: 'dialer: an answering machine picked up',
  dropped: 'dialer: a person answered and no agent was free within the connect limit (the identification message was played)',
} as const;

export type Disposition = keyof typeof DISPOSITIONS;

export const DISPOSITION_NAMES = Object.keys(DISPOSITIONS) as Disposition[];
