/**
 * `cluster.enabled`: the Asterisk node owned by lease. What main.ts gives the
 * PBX service instead of the plain ones: a Pbx that opens ARI only while this
 * daemon holds the lease, and repositories and a call ledger whose writes are
 * fenced by the lease's epoch. Off (the default): none of this exists.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../../config/schema.ts';
import type { EventBus } from '../../core/events/bus.ts';
import type { Pbx } from '../../core/ports.ts';
import type { Db } from '../../db/types.ts';
import { makeRepos, type Repos } from '../../db/repos/index.ts';
import { CallLedger } from '../calls/ledger.ts';
import { CallReports } from '../calls/reports.ts';
import { fencedDb, StaleEpochCounter, type Fence } from './fenced-db.ts';
import { LeasedPbx } from './leased-pbx.ts';
import { LeaseService } from './lease-service.ts';
import { watchNode } from './sweeper.ts';
import { ClusterDirectory } from './directory.ts';

export interface OwnedNode {
  pbx: LeasedPbx;
  repos: Repos;
  calls: CallLedger;
  lease: LeaseService;
  /** Fenced writes refused (STALE_EPOCH) since the start. */
  stale: StaleEpochCounter;
  /**
   * True once after each takeover (a new epoch): the PBX service's next
   * resync takes over the calls the earlier owner left (pbx/takeover.ts).
   */
  takenOver(): boolean;
  /**
   * Set by main.ts: another daemon owns the node now (a refused renewal), so
   * what the PBX service remembers of the node's calls is stale: it drops it.
   */
  onForget: (() => void) | null;
  /** Ends this daemon saw and could not write before it lost the node, and those of earlier owners applied (calls/reports.ts); main.ts attaches the PBX service. */
  reports: CallReports;
  /** Who owns the node and where (the lease row), for the API: forwarding and GET /cluster. */
  directory: ClusterDirectory;
  /** At the daemon's stop (after the PBX service): lets go of the node and logs the refused writes. */
  stop(): Promise<void>;
}

/** The node's name in node_lease: cluster.node, else the ARI URL and app. */
export function nodeName(config: Config): string {
  return config.cluster.node ?? `${config.asterisk?.ari.url ?? 'asterisk'}/${config.asterisk?.ari.app ?? 'kefu'}`;
}

/** This daemon's name as a lease owner and writer: cluster.owner, else host:pid:random (new at each start). */
export function daemonName(config: Config): string {
  return config.cluster.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export function ownNode(o: {
  config: Config; db: Db; bus: EventBus; logger: Logger; inner: Pbx & { onApplicationReplaced: (() => void) | null; entityId(): Promise<string | null> }; lineIds: string[];
  /** daemonName(config), computed once at the start. */
  owner: string;
}): OwnedNode {
  const log = o.logger.child({ component: 'cluster' });
  const node = nodeName(o.config);
  const owner = o.owner;
  const stale = new StaleEpochCounter();
  const pbx = new LeasedPbx(o.inner, node, () => lease?.holds() ?? false);
  let lease: LeaseService | null = null;
  let takeoverPending = false;
  /** The owner writes which Asterisk it drives (its entity id) in the lease row; a change is logged (sql/027). */
  const recordEntity = async (known?: string): Promise<void> => {
    const id = known ?? await o.inner.entityId();
    if (!id) return;
    const r = await o.db.query<{ before: string | null }>(
      'UPDATE node_lease n SET entity_id = $3 FROM (SELECT entity_id AS before FROM node_lease WHERE node = $1) b WHERE n.node = $1 AND n.owner = $2 RETURNING b.before',
      [node, owner, id]).catch((err: unknown) => { log.warn({ err }, 'could not write the node\'s entity id'); return { rows: [] as Array<{ before: string | null }> }; });
    const before = r.rows[0]?.before ?? null;
    if (before && before !== id) {
      log.warn({ node, before, now: id }, 'node: a different Asterisk (entity id) under this cluster.node than before: one cluster.node must name one Asterisk, on every daemon');
    }
  };
  // a fenced transaction stalled longer than half a lease is ended by PostgreSQL: its lock on the lease row must not hold a takeover up
  const fenced = fencedDb(o.db, () => lease?.fence() ?? null, stale, Math.min(5000, (o.config.cluster.leaseS * 1000) / 2));
  const repos = makeRepos(fenced);
  const calls = new CallLedger(repos, o.bus, o.logger);
  // the lease this daemon held last: a report written once the node is another daemon's (the lease then names no epoch of this
  // daemon's) says which it was; the fence of the writes never falls back to it
  let heldLast: Fence | null = null;
  const reports = new CallReports({ db: o.db, fenced, fence: () => lease?.fence() ?? heldLast, ledger: calls, bus: o.bus, logger: o.logger });
  let directory: ClusterDirectory | null = null;
  lease = new LeaseService({
    db: o.db, node, owner, logger: log, address: () => directory?.address ?? null, lines: o.lineIds,
    renewMs: o.config.cluster.renewS * 1000, leaseMs: o.config.cluster.leaseS * 1000,
    hooks: {
      open: async (epoch, takeover) => {
        heldLast = { node, owner, epoch };
        // one owner per Asterisk, whatever its cluster.node is called: the entity id (asked over ARI's REST
        // interface, no events socket yet) goes in this row first; a live row of another node name with the same
        // id means another daemon drives this Asterisk: let go (and try again one lease later) instead of taking
        // its Stasis application away
        const entity = await o.inner.entityId().catch(() => null);
        if (entity) {
          await recordEntity(entity);
          const twin = await o.db.query<{ node: string; owner: string }>(
            'SELECT node, owner FROM node_lease WHERE entity_id = $1 AND node <> $2 AND expires_at > now() LIMIT 1', [entity, node]);
          const other = twin.rows[0];
          if (other) {
            log.error({ node, entityId: entity, otherNode: other.node, otherOwner: other.owner },
              'node: this Asterisk (entity id) is owned as another cluster.node already: not opening it; one cluster.node must name one Asterisk, on every daemon');
            held.replaced();
            return;
          }
        }
        // the calls an earlier owner left open on this node's lines: once ARI is up, the PBX service keeps the
        // conversations still bridged and closes the rest (fenced by the new epoch)
        takeoverPending ||= takeover;
        log.info({ node, epoch, takeover }, 'node owned: opening ARI');
        await pbx.open();
        if (!entity) void recordEntity();
      },
      close: async () => {
        log.warn({ node, staleWritesRefused: stale.rejected }, 'node lost: closing ARI');
        await pbx.close(true);
        // from here until a daemon owns the node, new callers wait in the dialplan (it tries Stasis again: dialplans/pbx)
        log.warn({ node }, 'node lost: ARI closed');
      },
      forget: async () => {
        log.warn({ node }, 'node owned by another daemon now: forgetting its calls');
        owned.onForget?.();
      },
    },
  });
  const held = lease;
  directory = new ClusterDirectory(o.db, node, owner, held);
  o.inner.onApplicationReplaced = () => { log.warn({ node }, 'Asterisk: ApplicationReplaced'); held.replaced(); };
  // the dead-node sweeper: ARI unreachable for cluster.nodeFailS while this daemon owns the node -> its open calls closed as node_failed
  watchNode({ pbx, calls, lineIds: o.lineIds, node, nodeFailS: o.config.cluster.nodeFailS, logger: log });
  // the owner applies the reports of the node's earlier owners, at each renewal's pace (a report comes when its writer has the database back)
  const applying = setInterval(() => { if (held.holds()) void reports.applyDue(); }, o.config.cluster.renewS * 1000);
  applying.unref();
  const owned: OwnedNode = {
    pbx, repos, calls, lease, stale, directory, reports, onForget: null,
    takenOver: () => { const t = takeoverPending; takeoverPending = false; return t; },
    async stop() {
      clearInterval(applying);
      await reports.flush(5000);
      await held.stop();
      log.info({ node, lease: held.status(), staleWritesRefused: stale.rejected }, 'cluster: stopped');
    },
  };
  return owned;
}
