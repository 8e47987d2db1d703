import { describe, expect, it } from 'vitest';
import { EventBus, type KefuEvent, type LoggedEvent } from './bus.ts';

describe('EventBus', () => {
  it('without a log: plain listeners first, then own-logged and logged ones, with increasing ids', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(`plain:${e.id ?? '-'}`));
    bus.subscribeOwnLogged((e) => seen.push(`own:${e.id}`));
    bus.subscribeLogged((e) => seen.push(`logged:${e.id}`));
    const a = bus.emit('line.ring', { lineId: 'l1', ring: 1 });
    const b = bus.emit('line.ring', { lineId: 'l1', ring: 2 });
    expect([a.id, b.id]).toEqual([1, 2]);
    expect(seen).toEqual(['plain:-', 'own:1', 'logged:1', 'plain:-', 'own:2', 'logged:2']);
  });

  it('with a log attached: emit hands the event to the sink; the stream gets it only through deliverLogged', () => {
    const bus = new EventBus();
    const sunk: KefuEvent[] = [];
    const logged: LoggedEvent[] = [];
    const own: LoggedEvent[] = [];
    bus.attachSink((e) => sunk.push(e));
    bus.subscribeLogged((e) => logged.push(e));
    bus.subscribeOwnLogged((e) => own.push(e));
    const e = bus.emit('line.ring', { lineId: 'l1', ring: 1 });
    expect(sunk).toEqual([e]);
    expect(e.id).toBeUndefined();
    expect(logged).toEqual([]);
    const remote: LoggedEvent = { id: 7, type: 'line.ring', at: e.at, data: { lineId: 'l2', ring: 1 } };
    bus.deliverLogged(remote);
    expect(logged).toEqual([remote]);
    expect(own).toEqual([]); // another daemon's event never reaches this daemon's own listeners (webhooks)
  });

  it('a throwing listener does not stop the others', () => {
    const bus = new EventBus();
    const got: number[] = [];
    bus.subscribeLogged(() => { throw new Error('boom'); });
    bus.subscribeLogged((e) => got.push(e.id));
    bus.emit('line.ring', { lineId: 'l1', ring: 1 });
    expect(got).toEqual([1]);
  });
});
