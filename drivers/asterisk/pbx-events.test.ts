import { describe, expect, it } from 'vitest';
import { AriEventTranslator, stasisEntry, stasisRole } from './pbx-events.ts';
import { AMD_ENTRY } from './amd.ts';
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

  it('an AMD leg: the first entry and its end are neither legEntered nor legGone; the second entry carries the verdict', () => {
    const t = new AriEventTranslator();
    expect(t.translate({ ...base, type: 'ChannelStateChange', channel: channel('m', 'Up') })).toEqual({ type: 'legAnswered', legId: 'm' });
    const first: AriEvent = { ...base, type: 'StasisStart', channel: channel('m', 'Up'), args: ['amd', 'dialer', 'call-1'] };
    expect(AriEventTranslator.isAmdEntry(first)).toBe(true);
    expect(t.translate(first)).toBeNull();
    expect(t.translate({ ...base, type: 'StasisEnd', channel: channel('m', 'Up') })).toBeNull();
    expect(t.translate({ ...base, type: 'StasisStart', channel: channel('m', 'Up'), args: ['dialer', 'call-1', 'amd', 'MACHINE', 'LONGGREETING-1500-1500'] })).toEqual({
      type: 'legEntered', leg: { id: 'm', name: 'PJSIP/trunk-m', callerNumber: '0612345678', callerName: 'Ann' }, role: 'dialer', args: ['call-1'],
      amd: { status: 'machine', cause: 'long-greeting' },
    });
    // the second entry's end is the leg's end
    expect(t.translate({ ...base, type: 'StasisEnd', channel: channel('m', 'Up') })).toMatchObject({ type: 'legGone', legId: 'm', reason: 'normal' });
  });

  it('an AMD leg that hangs up while AMD listens: one legGone, never legEntered', () => {
    const t = new AriEventTranslator();
    expect(t.translate({ ...base, type: 'StasisStart', channel: channel('h', 'Up'), args: ['amd', 'dialer', 'call-2'] })).toBeNull();
    expect(t.translate({ ...base, type: 'StasisEnd', channel: channel('h', 'Up') })).toBeNull();
    expect(t.translate({ ...base, type: 'ChannelDestroyed', channel: channel('h', 'Up'), cause: 16, cause_txt: 'Normal Clearing' })).toEqual({ type: 'legGone', legId: 'h', reason: 'normal', cause: 16 });
  });

  it('detection that could not start: the first entry is the legEntered (notsure), and its end is legGone', () => {
    const t = new AriEventTranslator();
    t.translate({ ...base, type: 'StasisStart', channel: channel('f', 'Up'), args: ['amd', 'dialer', 'call-3'] });
    expect(t.detectionNotStarted('f')).toMatchObject({ type: 'legEntered', role: 'dialer', args: ['call-3'], amd: { status: 'notsure', cause: 'detector-failed' } });
    expect(t.detectionNotStarted('f')).toBeNull();
    expect(t.translate({ ...base, type: 'StasisEnd', channel: channel('f', 'Up') })).toMatchObject({ type: 'legGone', legId: 'f' });
  });
});

describe('stasisRole', () => {
  it('reads the role from where ARI says a channel is: the dialplan, a channel we dialled, one in detection; else null', () => {
    expect(stasisRole({ app_name: 'Stasis', app_data: 'kefu,inbound,8000' }, 'kefu')).toBe('inbound');
    expect(stasisRole({ app_name: 'Stasis', app_data: 'kefu,agent,call-1,alice' }, 'kefu')).toBe('agent');
    expect(stasisRole({ app_name: 'Stasis', app_data: `kefu,${AMD_ENTRY},dialer,call-2` }, 'kefu')).toBe('dialer');
    expect(stasisRole({ app_name: 'Stasis', app_data: 'other,inbound' }, 'kefu')).toBeNull();
    expect(stasisRole({ app_name: 'Stasis', app_data: 'kefu,nonsense' }, 'kefu')).toBeNull();
    expect(stasisRole({ app_name: 'Wait', app_data: '2' }, 'kefu')).toBeNull();
    expect(stasisRole({ app_name: 'Stasis' }, 'kefu')).toBeNull();
    expect(stasisRole(undefined, 'kefu')).toBeNull();
  });

  it('and the arguments after the role, without what detection added', () => {
    expect(stasisEntry({ app_name: 'Stasis', app_data: 'kefu,dialer,seat,alice' }, 'kefu')).toEqual({ role: 'dialer', args: ['seat', 'alice'] });
    expect(stasisEntry({ app_name: 'Stasis', app_data: `kefu,${AMD_ENTRY},dialer,call,c-2` }, 'kefu')).toEqual({ role: 'dialer', args: ['call', 'c-2'] });
    expect(stasisEntry({ app_name: 'Stasis', app_data: `kefu,dialer,call,c-2,${AMD_ENTRY},HUMAN,HUMAN-500-500` }, 'kefu')).toEqual({ role: 'dialer', args: ['call', 'c-2'] });
    expect(stasisEntry({ app_name: 'Stasis', app_data: 'kefu,inbound' }, 'kefu')).toEqual({ role: 'inbound', args: [] });
    expect(stasisEntry({ app_name: 'Stasis', app_data: 'kefu,nonsense,x' }, 'kefu')).toBeNull();
  });
});
