/** The ARI events kefu reacts to (a subset of Asterisk's event model). */

/** A channel as ARI describes it. */
export interface AriChannel {
  id: string;
  name: string;
  state: string;
  caller: { name: string; number: string };
  connected: { name: string; number: string };
  dialplan: { context: string; exten: string; priority: number };
  creationtime: string;
}

interface Base { application: string; timestamp: string }

export type AriEvent =
  | (Base & { type: 'StasisStart'; channel: AriChannel; args: string[] })
  | (Base & { type: 'StasisEnd'; channel: AriChannel })
  | (Base & { type: 'ChannelDtmfReceived'; channel: AriChannel; digit: string; duration_ms: number })
  | (Base & { type: 'ChannelStateChange'; channel: AriChannel })
  | (Base & { type: 'ChannelHangupRequest'; channel: AriChannel; cause?: number })
  | (Base & { type: 'ChannelDestroyed'; channel: AriChannel; cause: number; cause_txt: string })
  | (Base & { type: 'PlaybackStarted' | 'PlaybackFinished'; playback: { id: string; state: string; target_uri: string } })
  | (Base & { type: 'RecordingFinished' | 'RecordingFailed'; recording: { name: string; state: string; target_uri: string; duration?: number; cause?: string } });
// Other event types arrive too; consumers switch on `type` and ignore the rest.
