/**
 * `kefu diagnose` with `cluster.enabled` (docs/scale-out.md): who owns this
 * daemon's Asterisk node by the lease row, whether that lease is current,
 * and whether the owner's API (where requests that need the node are
 * forwarded) answers from here.
 */
import type { Config } from '../config/schema.ts';
import type { Db } from '../db/types.ts';
import { nodeName } from '../services/cluster/node.ts';
import type { Check } from './check.ts';

interface LeaseRow { owner: string; epoch: number; expires_at: Date; address: string | null; expired: boolean; now: Date }

const msg = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export async function clusterChecks(config: Readonly<Config>, db: Db | null): Promise<Check[]> {
  if (!config.cluster.enabled) return [];
  const node = nodeName(config);
  const title = `cluster: lease of node ${node}`;
  if (!db) return [{ id: 'cluster-lease', title, ok: false, detail: 'database not reachable (see the database check)', fix: null }];
  let row: LeaseRow | undefined;
  try {
    row = (await db.query<LeaseRow>('SELECT owner, epoch::int AS epoch, expires_at, address, expires_at < now() AS expired, now() AS now FROM node_lease WHERE node = $1', [node])).rows[0];
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
