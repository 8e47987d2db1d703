import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ClusterQueueUpdates, type AllNodes } from './cluster-figures.ts';

const log = pino({ level: 'silent' });
const figures = (waiting: number): Map<string, AllNodes> => new Map([['sales', { waiting, longestWaitMs: 0 }]]);

describe('queue.update with the cluster\'s figures', () => {
  it('one read at a time; changes that come while it runs share the next read, and every queue asked gets its event', async () => {
    const reads: Array<(m: Map<string, AllNodes>) => void> = [];
    const sent: Array<[string, number | null]> = [];
    const u = new ClusterQueueUpdates(() => new Promise((r) => reads.push(r)), (q, all) => sent.push([q, all?.waiting ?? null]), log);
    u.request('sales');
    // asked while the first read runs: served by the next one
    u.request('support');
    u.request('sales');
    await Promise.resolve();
    expect(reads).toHaveLength(1);
    reads[0]!(figures(1));
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([['sales', 1]]);
    expect(reads).toHaveLength(2);
    reads[1]!(figures(2));
    await new Promise((r) => setImmediate(r));
    // 'support' has no figures: zero, not missing
    expect(sent).toEqual([['sales', 1], ['support', 0], ['sales', 2]]);
    expect(reads).toHaveLength(2);
    // a quiet moment: the next change reads again
    u.request('sales');
    await Promise.resolve();
    expect(reads).toHaveLength(3);
    reads[2]!(figures(3));
    await new Promise((r) => setImmediate(r));
    expect(sent.at(-1)).toEqual(['sales', 3]);
  });

  it('a failed read sends the event without the cluster\'s figures', async () => {
    const sent: Array<[string, AllNodes | null]> = [];
    const u = new ClusterQueueUpdates(() => Promise.reject(new Error('database away')), (q, all) => sent.push([q, all]), log);
    u.request('sales');
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([['sales', null]]);
  });
});
