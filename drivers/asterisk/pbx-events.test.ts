import { describe, expect, it } from 'vitest';
import { AriEventTranslator } from './pbx-events.ts';
import type { AriChannel, AriEvent } from './ari-events.ts';

const base = { application: 'kefu', timestamp: '2026-01-01T00:00:00.000+0000' };
const channel = (id: string, state = 'Ring'): AriChannel => ({
  id, name: `PJSIP/trunk-${id}`, state, caller: { name: 'Ann', number: '0612345678' }, connected: { name: '', number: '' },
  dialplan: { context: 'kefu', exten: 's', priority: 1 }, creationtime: base.timestamp,
});

describe('AriEventTranslator', () => {
  it('legEntered carries the role and its args; an unknown role is undefined', () => {
    const t = new AriEventTranslator();
    expect(t.translate({ ...base, type: 'StasisStart', channel: channel('a'), args: ['agent', 'call-1', 'agent-7'] })).toEqual({
      type: 'legEntered', leg: { id: 'a', name: 'PJSIP/trunk-a', callerNumber: '0612345678', callerName: 'Ann' }, role: 'agent', args: ['call-1', 'agent-7'],
    });
    const odd = t.translate({ ...base, type: 'StasisStart', channel: channel('b'), args: ['whatever'] });
    expect(odd).toMatchObject({ type: 'legEntered', role: undefined, args: [] });
  });

  it('legGone once per leg: StasisEnd with the announced cause, then ChannelDestroyed is not a second one', () => {
    const t = new AriEventTranslator();
    expect(t.translate({ ...base, type: 'ChannelHangupRequest', channel: channel('a'), cause: 17 })).toBeNull();
    expect(t.translate({ ...base, type: 'StasisEnd', channel: channel('a') })).toEqual({ type: 'legGone', legId: 'a', reason: 'busy', cause: 17 });
    expect(t.translate({ ...base, type: 'ChannelDestroyed', channel: channel('a'), cause: 16, cause_txt: 'Normal Clearing' })).toBeNull();
    // a leg that never entered (an unanswered ring) ends with ChannelDestroyed alone
    expect(t.translate({ ...base, type: 'ChannelDestroyed', channel: channel('b'), cause: 19, cause_txt: 'No answer' })).toEqual({ type: 'legGone', legId: 'b', reason: 'no-answer', cause: 19 });
  });

  it('a plain clearing is normal for a leg that was up, cancelled for one that never was', () => {
    const t = new AriEventTranslator();
    t.translate({ ...base, type: 'StasisStart', channel: channel('up', 'Up'), args: ['agent'] });
    expect(t.translate({ ...base, type: 'ChannelDestroyed', channel: channel('up'), cause: 16, cause_txt: 'Normal Clearing' })).toMatchObject({ reason: 'normal' });
    t.translate({ ...base, type: 'ChannelStateChange', channel: channel('answered', 'Up') });
    expect(t.translate({ ...base, type: 'ChannelDestroyed', channel: channel('answered'), cause: 16, cause_txt: 'Normal Clearing' })).toMatchObject({ reason: 'normal' });
    expect(t.translate({ ...base, type: 'ChannelDestroyed', channel: channel('ringing'), cause: 16, cause_txt: 'Normal Clearing' })).toMatchObject({ reason: 'cancelled' });
  });

  it('answered, dtmf, playback and recording ends name their leg', () => {
    const t = new AriEventTranslator();
    expect(t.translate({ ...base, type: 'ChannelStateChange', channel: channel('a', 'Ringing') })).toBeNull();
    expect(t.translate({ ...base, type: 'ChannelStateChange', channel: channel('a', 'Up') })).toEqual({ type: 'legAnswered', legId: 'a' });
    expect(t.translate({ ...base, type: 'ChannelDtmfReceived', channel: channel('a'), digit: '5', duration_ms: 100 })).toEqual({ type: 'dtmf', legId: 'a', digit: '5' });
    expect(t.translate({ ...base, type: 'PlaybackFinished', playback: { id: 'p1', state: 'done', target_uri: 'channel:a' } })).toEqual({ type: 'playbackDone', legId: 'a', playbackId: 'p1' });
    expect(t.translate({ ...base, type: 'RecordingFailed', recording: { name: 'vm', state: 'failed', target_uri: 'channel:a' } })).toEqual({ type: 'recordingDone', legId: 'a', name: 'vm', ok: false });
    expect(t.translate({ ...base, type: 'PlaybackStarted', playback: { id: 'p1', state: 'playing', target_uri: 'channel:a' } } as AriEvent)).toBeNull();
  });
});
