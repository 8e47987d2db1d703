/**
 * The seats of agents working campaigns on the PBX, "nailed up" as
 * predictive dialers do: once an agent of a running campaign is ready, their
 * seat is called once and kept in our application (music on hold between
 * calls), so a person who answers is bridged in milliseconds. A seat whose
 * leg went away is called again after a pause while its agent is ready; an
 * agent who pauses, logs out or leaves the campaigns is let go. The dialer's
 * calls (campaign-calls.ts) take a free seat and give it back.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Pbx } from '../../core/ports.ts';
import type { TelephonyDeps } from '../telephony/deps.ts';
import { quietly } from './quietly.ts';

/** An agent's nailed-up seat leg, and the call on it (`C`: the dialer's call). */
export interface SeatLeg<C> { agentId: string; legId: string; up: boolean; call: C | null }

/**
 * A seat leg that went away is called again after this long, not at once: an
 * agent who put the phone down, or a phone that declines or is not answered,
 * would otherwise be rung in a tight loop.
 */
export const SEAT_RECALL_MS = { wasUp: 3_000, neverUp: 15_000 } as const;

export class NailedSeats<C> {
  private readonly seats = new Map<string, SeatLeg<C>>();
  /** Agents of running campaigns. */
  private agents = new Set<string>();
  /** Agents whose seat leg went away: not called again before the timer. */
  private readonly recallTimers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly deps: TelephonyDeps,
    private readonly log: Logger,
    /** The PBX as the dialer's view (set after construction). */
    private readonly pbx: () => Pbx,
    /** False while the node is not driven here (or a takeover runs): no seat is called. */
    private readonly connected: () => boolean,
  ) {}

  /** The agents of the running campaigns. */
  get staffed(): ReadonlySet<string> { return this.agents; }

  /** Agents of running campaigns: those ready get their seat called (once); the others are let go. */
  staff(ids: Iterable<string>): void { this.agents = new Set(ids); this.sync(); }

  get(agentId: string): SeatLeg<C> | undefined { return this.seats.get(agentId); }
  byLeg(legId: string): SeatLeg<C> | undefined { return [...this.seats.values()].find((s) => s.legId === legId); }
  /** Whether `seat` is still the agent's seat (not gone and called again meanwhile). */
  holds(seat: SeatLeg<C>): boolean { return this.seats.get(seat.agentId) === seat; }

  /** A seat that is up with no call, of one of `ids`, whose agent is ready. */
  free(ids: ReadonlySet<string>): SeatLeg<C> | undefined {
    return [...this.seats.values()].find((s) => ids.has(s.agentId) && s.up && !s.call && this.deps.agents.get(s.agentId)?.state === 'ready');
  }

  /** Calls ready agents' seats that are missing; lets go of seats whose agent left (a seat with a call stays until it ends). */
  sync(): void {
    for (const id of this.agents) {
      const a = this.deps.agents.get(id);
      if (a?.state === 'ready' && !this.seats.has(id) && !this.recallTimers.has(id)) this.call(id);
    }
    for (const [id, seat] of this.seats) {
      const a = this.deps.agents.get(id);
      if ((!a || a.state === 'logged-out' || a.state === 'paused' || !this.agents.has(id)) && !seat.call) {
        this.seats.delete(id);
        void this.pbx().hangup(seat.legId).catch(quietly(this.log, 'PBX clean-up'));
      }
    }
  }

  private call(agentId: string): void {
    const a = this.deps.agents.get(agentId);
    const seat = this.deps.config.seats.find((s) => s.id === a?.seatId);
    if (!a || !seat || !this.connected() || this.stopped) return;
    const leg: SeatLeg<C> = { agentId, legId: randomUUID(), up: false, call: null };
    this.seats.set(agentId, leg);
    this.log.info({ agentId, seatId: seat.id }, 'calling the agent\'s seat for the campaign');
    void this.pbx().originate({ id: leg.legId, endpoint: seat.endpoint, role: 'dialer', args: ['seat', agentId], timeoutS: 30, callerId: 'kefu campaign' })
      .catch((err: unknown) => { this.log.warn({ err, agentId }, 'could not call the agent\'s seat'); if (this.seats.get(agentId) === leg) this.seats.delete(agentId); });
  }

  /** The seat's leg went away: forgotten, and called again after a pause while its agent is ready. Null: no seat's leg. */
  gone(legId: string): SeatLeg<C> | null {
    const seat = this.byLeg(legId);
    if (!seat) return null;
    this.seats.delete(seat.agentId);
    if (!this.stopped) {
      const id = seat.agentId;
      clearTimeout(this.recallTimers.get(id));
      this.recallTimers.set(id, setTimeout(() => { this.recallTimers.delete(id); this.sync(); }, seat.up ? SEAT_RECALL_MS.wasUp : SEAT_RECALL_MS.neverUp));
    }
    return seat;
  }

  /** A seat the node's earlier owner nailed up (a takeover), with the call on it; null when the agent has one here already. */
  adopt(agentId: string, legId: string, call: C | null): SeatLeg<C> | null {
    if (this.seats.has(agentId)) return null;
    const seat: SeatLeg<C> = { agentId, legId, up: true, call };
    this.seats.set(agentId, seat);
    return seat;
  }

  /** Forgotten without a command (NodeTakeover.forget): the resync hangs up the legs nobody adopts. */
  forget(): void {
    for (const t of this.recallTimers.values()) clearTimeout(t);
    this.recallTimers.clear();
    this.seats.clear();
  }

  /** Daemon stop: every seat hung up, none called again. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.recallTimers.values()) clearTimeout(t);
    this.recallTimers.clear();
    for (const seat of [...this.seats.values()]) await this.pbx().hangup(seat.legId).catch(quietly(this.log, 'PBX clean-up'));
    this.seats.clear();
  }
}
