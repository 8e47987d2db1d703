/**
 * `kefu diagnose` with `cluster.enabled` (docs/scale-out.md): who owns this
 * daemon's Asterisk node by the lease row, whether that lease is current,
 * and whether the owner's API (where requests that need the node are
 * forwarded) answers from here.
 */
import type { Config } from '../config/schema.ts';
import { AriClient } from '../../drivers/asterisk/ari-client.ts';
import type { Db } from '../db/types.ts';
import { nodeName } from '../services/cluster/node.ts';
import type { Check } from './check.ts';

interface LeaseRow { owner: string; epoch: number; expires_at: Date; address: string | null; expired: boolean; now: Date; entity_id: string | null }

const msg = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export async function clusterChecks(config: Readonly<Config>, db: Db | null): Promise<Check[]> {
  if (!config.cluster.enabled) return [];
  const node = nodeName(config);
  const title = `cluster: lease of node ${node}`;
  if (!db) return [{ id: 'cluster-lease', title, ok: false, detail: 'database not reachable (see the database check)', fix: null }];
  let row: LeaseRow | undefined;
  try {
    row = (await db.query<LeaseRow>('SELECT owner, epoch::int AS epoch, expires_at, address, expires_at < now() AS expired, now() AS now, entity_id FROM node_lease WHERE node = $1', [node])).rows[0];
  } catch (err) {
    return [{ id: 'cluster-lease', title, ok: false, detail: `cannot read node_lease: ${msg(err)}`, fix: 'run: kefu migrate' }];
  }
  if (!row) {
    return [{ id: 'cluster-lease', title, ok: false, detail: 'no daemon has owned this node yet', fix: 'start kefu serve with this config; every daemon for this Asterisk must use the same cluster.node' }];
  }
  const inS = Math.round((row.expires_at.getTime() - row.now.getTime()) / 1000);
  const checks: Check[] = [{
    id: 'cluster-lease', title, ok: !row.expired, data: { owner: row.owner, epoch: row.epoch, expiresAt: row.expires_at.toISOString(), address: row.address },
    detail: row.expired
      ? `nobody owns it: the lease of ${row.owner} (epoch ${row.epoch}) ran out ${-inS} s ago`
      : `owned by ${row.owner} (epoch ${row.epoch}), renewed: runs out in ${inS} s unless renewed again`,
    fix: row.expired ? 'no daemon for this node is running or reaching the database: start one (kefu serve), or read its log for "node lease"' : null,
  }];
  const identity = await identityCheck(config, node, row.entity_id);
  if (identity) checks.push(identity);
  if (row.expired) return checks;
  const ownerTitle = `cluster: the owner's API (${row.owner})`;
  if (!row.address) {
    checks.push({ id: 'cluster-owner', title: ownerTitle, ok: false, detail: 'the owner wrote no address', fix: 'set cluster.advertise on the owner (required when http.host is a wildcard)' });
    return checks;
  }
  try {
    const res = await fetch(new URL('/api/v1/health', row.address), { signal: AbortSignal.timeout(3000) });
    checks.push({
      id: 'cluster-owner', title: ownerTitle, ok: res.ok, detail: res.ok ? `${row.address} answers` : `${row.address} answered ${res.status}`,
      fix: res.ok ? null : 'is that address a kefu daemon? check cluster.advertise on the owner',
    });
  } catch (err) {
    checks.push({
      id: 'cluster-owner', title: ownerTitle, ok: false, detail: `${row.address} not reachable from here: ${msg(err)}`,
      fix: 'requests that need the node are forwarded there: check cluster.advertise on the owner, its http.host, and the network (firewall) between the daemons',
    });
  }
  return checks;
}

/**
 * The Asterisk this daemon's `asterisk.ari` reaches must be the one the
 * node's owner drives (their entity ids, sql/027): else the daemons of one
 * cluster.node drive two different Asterisks. Null when either is unknown
 * (this Asterisk unreachable: the Asterisk checks say why; no owner wrote it yet).
 */
async function identityCheck(config: Readonly<Config>, node: string, owners: string | null): Promise<Check | null> {
  const a = config.asterisk;
  if (!a || !owners) return null;
  const info = await new AriClient({ url: a.ari.url, username: a.ari.username, password: a.ari.password, app: a.ari.app, timeoutMs: 3000 }).asteriskInfo().catch(() => null);
  const mine = info?.system.entity_id;
  if (!mine) return null;
  const ok = mine === owners;
  return {
    id: 'cluster-node-identity', title: `cluster: the Asterisk under node ${node}`, ok,
    detail: ok ? `entity id ${mine}, the same as the owner's` : `this daemon's asterisk.ari reaches entity id ${mine}; the node's owner drives ${owners}`,
    fix: ok ? null : 'every daemon with this cluster.node must reach the same Asterisk: fix asterisk.ari.url here or cluster.node (one per Asterisk); if this Asterisk replaced the old one, this clears once its owner opens ARI again',
  };
}
