/**
 * The dead-node sweeper (docs/scale-out.md, "A dead Asterisk"). While this
 * daemon holds the node's lease, the node's Asterisk may die: its ARI socket
 * drops and does not come back. Kamailio sends the new calls to another node;
 * the calls that were on this one are gone, but their rows are still open.
 * Once ARI has been unreachable for `cluster.nodeFailS` seconds (counted from
 * the link going down, or from winning the lease when it never came up), the
 * sweeper closes every call row open on the node's lines, and their open
 * legs, as `node_failed` (fenced writes, by the node's ledger, each with its
 * `call.ended`), and tells the PBX service the node's channels are gone, so
 * the in-memory calls end too. Once per outage; the link coming back, or
 * losing the lease, stops the count.
 */
import type { Logger } from 'pino';
import type { CallLedger } from '../calls/ledger.ts';
import type { LeasedPbx } from './leased-pbx.ts';

export interface SweeperOptions {
  nodeFailMs: number;
  /** Closes the node's calls; run once when the rule fires. */
  sweep: () => Promise<void>;
  logger: Logger;
}

/** The timing rule alone: owner, ARI down for nodeFailMs, not swept yet in this outage. */
export class NodeSweeper {
  private owner = false;
  private up = false;
  private swept = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly o: SweeperOptions) {}

  /** The lease's gate opened (this daemon owns the node) or closed. */
  gate(open: boolean): void {
    this.owner = open;
    this.up = false;
    this.swept = false;
    this.arm();
  }

  /** The node's ARI link went up or down. */
  link(up: boolean): void {
    this.up = up;
    if (up) this.swept = false;
    this.arm();
  }

  /** Resolves once a sweep in progress is done. */
  settled(): Promise<void> { return this.running; }

  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  private get due(): boolean { return !this.stopped && this.owner && !this.up && !this.swept; }

  private arm(): void {
    if (!this.due) { this.disarm(); return; }
    if (this.timer) return; // already counting since the link went down
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.due) return;
      this.swept = true;
      this.running = this.o.sweep().catch((err: unknown) => this.o.logger.error({ err }, 'dead-node sweep failed'));
    }, this.o.nodeFailMs);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Wires a sweeper to the node's gate and ARI link; its sweep closes the calls of `lineIds` through the node's (fenced) ledger. */
export function watchNode(o: { pbx: LeasedPbx; calls: CallLedger; lineIds: string[]; node: string; nodeFailS: number; logger: Logger }): NodeSweeper {
  const sweeper = new NodeSweeper({
    nodeFailMs: o.nodeFailS * 1000,
    logger: o.logger,
    sweep: async () => {
      o.logger.warn({ node: o.node, nodeFailS: o.nodeFailS }, 'node failed: ARI unreachable; closing its open calls as node_failed');
      const r = await o.calls.closeNodeFailed(o.lineIds);
      o.pbx.channelsGone(r.channels);
      o.logger.warn({ node: o.node, closedCalls: r.calls, channels: r.channels.length }, 'node failed: calls closed');
    },
  });
  o.pbx.onGate = (open) => sweeper.gate(open);
  o.pbx.on((e) => { if (e.type === 'link') sweeper.link(e.up); });
  return sweeper;
}
