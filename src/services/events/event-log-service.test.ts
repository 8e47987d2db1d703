/**
 * The event log when its table cannot be written (the database is down): the
 * consoles still get the events, at once and without an id; once the table is
 * back they are written (webhooks take them then, with ids) and not streamed
 * twice. Real PGlite; the table is renamed away to make the INSERT fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { EventBus, type KefuEvent } from '../../core/events/bus.ts';
import { EventLogRepo } from '../../db/repos/event-log.ts';
import { EventLogService } from './event-log-service.ts';
import { templateDb } from '../../../test/support/template-db.ts';
import { until } from '../../../test/helpers/wait.ts';

describe('event log with its table gone', () => {
  let t: Awaited<ReturnType<typeof templateDb>>;
  let svc: EventLogService;
  const bus = new EventBus();
  const streamed: KefuEvent[] = [];
  const hooked: KefuEvent[] = [];
  const state = (agentId: string) => bus.emit('agent.state', { agentId, state: 'ready' });
  const seen = (list: KefuEvent[], agentId: string) => list.filter((e) => (e.data as { agentId: string }).agentId === agentId);

  beforeAll(async () => {
    t = await templateDb();
    svc = new EventLogService({
      bus, repo: new EventLogRepo(t.db), logger: pino({ level: 'silent' }), listen: null,
      config: { retentionH: 24, maxRows: 1000, pruneS: 3600, pollMs: 0, notify: false, holeWaitMs: 3000, batchMax: 100 },
    });
    await svc.start();
    bus.subscribeLogged((e) => streamed.push({ ...e }));
    bus.subscribeOwnLogged((e) => hooked.push({ ...e }));
  });
  afterAll(async () => { await svc?.stop(); await t?.drop(); });

  it('streams events without an id while the log cannot be written, then writes them once, streaming none twice', async () => {
    state('a');
    await until('a streamed with its id', () => seen(streamed, 'a').length === 1);
    const first = seen(streamed, 'a')[0]!.id!;

    await t.db.query('ALTER TABLE event_log RENAME TO event_log_away');
    state('b');
    await until('b streamed without the log', () => seen(streamed, 'b').length === 1);
    expect(seen(streamed, 'b')[0]!.id).toBeUndefined();
    expect(seen(hooked, 'b')).toHaveLength(0);
    expect(svc.stats.writeErrors).toBeGreaterThanOrEqual(3);

    await t.db.query('ALTER TABLE event_log_away RENAME TO event_log');
    await until('b written', () => seen(hooked, 'b').length === 1);
    expect(seen(hooked, 'b')[0]!.id).toBe(first + 1);
    state('c');
    await until('c streamed with its id', () => seen(streamed, 'c').length === 1);
    expect(seen(streamed, 'c')[0]!.id).toBe(first + 2);
    expect(seen(streamed, 'b')).toHaveLength(1);
    expect(svc.stats.unlogged).toBe(1);
  });
});
