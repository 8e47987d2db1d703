/**
 * The dead-node sweeper's timing rule (sweeper.ts): it sweeps once the daemon
 * owns the node and ARI has been down for nodeFailMs without a break, once
 * per outage; the link coming back or the lease going stops the count.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { NodeSweeper } from './sweeper.ts';

const FAIL_MS = 10_000;

describe('NodeSweeper (fake timers)', () => {
  let sweeps: number;
  let sweeper: NodeSweeper;
  beforeEach(() => {
    vi.useFakeTimers();
    sweeps = 0;
    sweeper = new NodeSweeper({ nodeFailMs: FAIL_MS, logger: pino({ level: 'silent' }), sweep: () => { sweeps++; return Promise.resolve(); } });
  });
  afterEach(() => { sweeper.stop(); vi.useRealTimers(); });

  it('owner with ARI up: never; ARI down for nodeFailS: one sweep, not before; not again in the same outage', () => {
    sweeper.gate(true);
    sweeper.link(true);
    vi.advanceTimersByTime(5 * FAIL_MS);
    expect(sweeps).toBe(0);
    sweeper.link(false);
    vi.advanceTimersByTime(FAIL_MS - 1);
    expect(sweeps).toBe(0);
    vi.advanceTimersByTime(1);
    expect(sweeps).toBe(1);
    // still down, another "down" from a reconnect attempt: no second sweep
    sweeper.link(false);
    vi.advanceTimersByTime(5 * FAIL_MS);
    expect(sweeps).toBe(1);
  });

  it('ARI back before nodeFailS: no sweep; the count starts again at the next drop; a new outage sweeps again', () => {
    sweeper.gate(true);
    sweeper.link(true);
    sweeper.link(false);
    vi.advanceTimersByTime(FAIL_MS - 100);
    sweeper.link(true);
    vi.advanceTimersByTime(FAIL_MS);
    expect(sweeps).toBe(0);
    sweeper.link(false);
    vi.advanceTimersByTime(FAIL_MS - 100);
    expect(sweeps).toBe(0);
    vi.advanceTimersByTime(100);
    expect(sweeps).toBe(1);
    // it comes back, dies again: a second outage, a second sweep
    sweeper.link(true);
    sweeper.link(false);
    vi.advanceTimersByTime(FAIL_MS);
    expect(sweeps).toBe(2);
  });

  it('not the owner: never, however long ARI is down; the lease lost mid-count stops it', () => {
    sweeper.link(false);
    vi.advanceTimersByTime(5 * FAIL_MS);
    expect(sweeps).toBe(0);
    sweeper.gate(true);
    sweeper.link(true);
    sweeper.link(false);
    vi.advanceTimersByTime(FAIL_MS / 2);
    sweeper.gate(false);
    vi.advanceTimersByTime(5 * FAIL_MS);
    expect(sweeps).toBe(0);
  });

  it('lease won while the node is already dead (ARI never up): counted from the win', () => {
    vi.advanceTimersByTime(3 * FAIL_MS);
    sweeper.gate(true);
    vi.advanceTimersByTime(FAIL_MS - 1);
    expect(sweeps).toBe(0);
    vi.advanceTimersByTime(1);
    expect(sweeps).toBe(1);
  });

  it('stopped: no sweep', () => {
    sweeper.gate(true);
    sweeper.link(false);
    sweeper.stop();
    vi.advanceTimersByTime(5 * FAIL_MS);
    expect(sweeps).toBe(0);
  });
});
