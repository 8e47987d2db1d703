/**
 * The node lease (docs/scale-out.md, "Leases and fencing"): this daemon owns
 * an Asterisk node while it holds the node's row in node_lease. Every
 * `renewMs` one statement acquires or renews it by the database's clock; a
 * takeover (the row expired, another owner) bumps the epoch. The decisions
 * are src/core/cluster/lease.ts; this runs the statement and the effects
 * (open / close the node's ARI socket, give up the row), one at a time.
 */
import type { Logger } from 'pino';
import type { Queryable } from '../../db/types.ts';
import { initialLease, lastEpoch, mayAcquire, stepLease, type LeaseEffect, type LeaseInput, type LeaseState } from '../../core/cluster/lease.ts';
import type { Fence } from './fenced-db.ts';

const ACQUIRE = `INSERT INTO node_lease (node, owner, epoch, expires_at, address, lines) VALUES ($1, $2, 1, now() + $3 * interval '1 millisecond', $4, $5)
  ON CONFLICT (node) DO UPDATE SET
    epoch = CASE WHEN node_lease.owner = EXCLUDED.owner THEN node_lease.epoch ELSE node_lease.epoch + 1 END,
    owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at, address = EXCLUDED.address, lines = EXCLUDED.lines
  WHERE node_lease.expires_at < now() OR node_lease.owner = EXCLUDED.owner
  RETURNING epoch`;

const RELEASE = `UPDATE node_lease SET expires_at = now() - interval '1 millisecond' WHERE node = $1 AND owner = $2`;

export interface LeaseHooks {
  /** Won: open the node (ARI). `takeover` is true when the epoch is new to this daemon (rows left by an earlier owner). */
  open(epoch: number, takeover: boolean): Promise<void>;
  /** Lost: close the node at once. */
  close(): Promise<void>;
  /** Another daemon owns the node now (a refused renewal): drop what this daemon remembers of its calls. */
  forget(): Promise<void>;
}

export interface LeaseServiceOptions {
  db: Queryable;
  node: string;
  owner: string;
  renewMs: number;
  leaseMs: number;
  logger: Logger;
  hooks: LeaseHooks;
  /** This daemon's API address, written with each renewal (null until the API listens); see cluster.advertise. */
  address?: () => string | null;
  /** The node's line ids, written with each renewal (a command on a call of another node's line is forwarded to its owner). */
  lines?: readonly string[];
  /** Monotonic milliseconds (default performance.now). */
  now?: () => number;
}

export interface LeaseStatus { node: string; owner: string; state: LeaseState['kind']; epoch: number | null; changes: number }

export class LeaseService {
  private state: LeaseState = initialLease();
  private timer: NodeJS.Timeout | null = null;
  /** Fires when the owner's lease runs out locally (validUntil), so it lets go before the database lets another take it. */
  private expiry: NodeJS.Timeout | null = null;
  private inFlight = false;
  private effects: Promise<void> = Promise.resolve();
  private last: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  /** The epochs this daemon has opened the node with (a new one is a takeover of an earlier owner's rows). */
  private readonly opened = new Set<number>();
  private changes = 0;
  private stopped = false;

  constructor(private readonly o: LeaseServiceOptions) {
    this.now = o.now ?? (() => performance.now());
  }

  get kind(): LeaseState['kind'] { return this.state.kind; }

  /** Owner, and the lease has not run out locally (a stalled daemon's overdue timers run before its lease timer lets go). */
  holds(): boolean { return this.state.kind === 'owner' && this.now() < this.state.validUntil; }

  /** What fenced writes carry; null until this daemon first held the lease. */
  fence(): Fence | null {
    const epoch = lastEpoch(this.state);
    return epoch === null ? null : { node: this.o.node, owner: this.o.owner, epoch };
  }

  status(): LeaseStatus {
    return { node: this.o.node, owner: this.o.owner, state: this.state.kind, epoch: lastEpoch(this.state), changes: this.changes };
  }

  /** The first attempt at once, then one every renewMs. */
  async start(): Promise<void> {
    this.timer = setInterval(() => { this.last = this.round(); }, this.o.renewMs);
    this.last = this.round();
    await this.last;
  }

  /** Asterisk's ApplicationReplaced: let go now. */
  replaced(): void { this.apply({ type: 'replaced', at: this.now() }); }

  /** Wait for the last renewal and the effects queued so far. */
  async settled(): Promise<void> { await this.last; await this.effects; }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    await this.effects;
    if (this.state.kind === 'owner') {
      await this.o.hooks.close().catch((err: unknown) => this.o.logger.warn({ err }, 'closing the node failed'));
      // a standby takes over at its next renewal instead of after leaseS
      await this.o.db.query(RELEASE, [this.o.node, this.o.owner]).catch((err: unknown) => this.o.logger.warn({ err }, 'lease release failed'));
    }
  }

  private async round(): Promise<void> {
    if (this.stopped) return;
    this.apply({ type: 'tick', at: this.now() });
    if (this.inFlight || !mayAcquire(this.state, this.now())) return;
    this.inFlight = true;
    const sentAt = this.now();
    try {
      const r = await this.o.db.query<{ epoch: number | string }>(ACQUIRE, [this.o.node, this.o.owner, this.o.leaseMs, this.o.address?.() ?? null, this.o.lines ? [...this.o.lines] : null]);
      if (this.stopped) return;
      const row = r.rows[0];
      this.apply(row ? { type: 'renewed', epoch: Number(row.epoch), sentAt, at: this.now() } : { type: 'refused', at: this.now() });
    } catch (err) {
      if (!this.stopped) {
        this.o.logger.warn({ err, node: this.o.node }, 'lease renewal failed');
        this.apply({ type: 'failed', at: this.now() });
      }
    } finally {
      this.inFlight = false;
    }
  }

  private apply(input: LeaseInput): void {
    const before = this.state;
    const { state, effects } = stepLease(before, input, this.o.leaseMs);
    this.state = state;
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    if (state.kind === 'owner' && !this.stopped) {
      this.expiry = setTimeout(() => { this.expiry = null; this.apply({ type: 'tick', at: this.now() }); }, Math.max(0, state.validUntil - this.now()));
      this.expiry.unref();
    }
    if (state.kind !== before.kind || lastEpoch(state) !== lastEpoch(before)) {
      this.changes++;
      const log = state.kind === 'owner' ? this.o.logger.info.bind(this.o.logger) : this.o.logger.warn.bind(this.o.logger);
      log({ node: this.o.node, owner: this.o.owner, lease: state.kind, epoch: lastEpoch(state), ...(state.kind === 'lost' ? { why: state.why } : {}) }, `node lease: ${state.kind}`);
    }
    for (const e of effects) this.effects = this.effects.then(() => this.run(e, state)).catch((err: unknown) => this.o.logger.error({ err, effect: e }, 'lease effect failed'));
  }

  private async run(e: LeaseEffect, state: LeaseState): Promise<void> {
    if (e === 'close') return this.o.hooks.close();
    if (e === 'forget') return this.o.hooks.forget();
    if (e === 'release') { await this.o.db.query(RELEASE, [this.o.node, this.o.owner]); return; }
    // open: only if still the owner of that epoch (a loss may have come meanwhile)
    if (state.kind !== 'owner' || this.state.kind !== 'owner' || this.state.epoch !== state.epoch) return;
    const takeover = !this.opened.has(state.epoch);
    this.opened.add(state.epoch);
    await this.o.hooks.open(state.epoch, takeover);
  }
}
