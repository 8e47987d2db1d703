import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeptListen, type ListenFn } from './listen.ts';

/** The server's side, scripted: LISTEN fails while `down`; `cut()` loses the connection that is up. */
function server() {
  const s = {
    down: false,
    connects: 0,
    lost: null as ((err: unknown) => void) | null,
    listen: (async (_channel, _onNotify, onLost) => {
      s.connects++;
      if (s.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      s.lost = onLost;
      return { close: async () => { s.lost = null; } };
    }) as ListenFn,
    cut() { const l = s.lost; s.lost = null; s.down = true; l?.(new Error('Connection terminated unexpectedly')); },
  };
  return s;
}

describe('KeptListen', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('tries again every 2 s through an outage, logs it once when it starts and once when LISTEN is back, and catches up each time it is up', async () => {
    const srv = server();
    const logs: Array<{ level: string; msg: string; obj: Record<string, unknown> }> = [];
    const logger = {
      warn: (obj: object, msg: string) => { logs.push({ level: 'warn', msg, obj: obj as Record<string, unknown> }); },
      info: (obj: object, msg: string) => { logs.push({ level: 'info', msg, obj: obj as Record<string, unknown> }); },
    };
    let ups = 0;
    const kept = new KeptListen({ listen: srv.listen, channel: 'kefu_events', onNotify: () => undefined, onUp: () => { ups++; }, what: 'event log', logger });
    await kept.start();
    expect(ups).toBe(1);
    srv.cut();
    // 20 s away: ten tries fail
    await vi.advanceTimersByTimeAsync(20_000);
    expect(srv.connects).toBe(11);
    expect(ups).toBe(1);
    srv.down = false;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(ups).toBe(2);
    expect(logs.map((l) => `${l.level} ${l.msg}`)).toEqual(['warn event log: LISTEN connection lost; polling until it is back', 'info event log: LISTEN is back']);
    expect(logs[1]!.obj).toEqual({ awayMs: 22_000, failedTries: 10 });
    // a start that fails at once is logged once too, and the first success says so
    srv.cut();
    await vi.advanceTimersByTimeAsync(2_000);
    srv.down = false;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(logs.filter((l) => l.level === 'info')).toHaveLength(2);
    await kept.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(srv.connects).toBe(14);
  });

  it('a first LISTEN that fails is logged once, however long it takes', async () => {
    const srv = server();
    srv.down = true;
    const warns: string[] = [];
    const kept = new KeptListen({ listen: srv.listen, channel: 'kefu_cache', onNotify: () => undefined, onUp: () => undefined, what: 'caches', logger: { warn: (_o, m) => { warns.push(m); }, info: () => undefined } });
    await kept.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(srv.connects).toBe(16);
    expect(warns).toEqual(['caches: LISTEN failed; polling until it works (tried again every 2 s)']);
    await kept.stop();
  });
});
