/**
 * Where a node's owner is (docs/scale-out.md, "Commands on any daemon"): the
 * lease rows, read by the database's clock, and this daemon's own part (is
 * it the owner, the API address it advertises in its renewals).
 */
import type { Queryable } from '../../db/types.ts';
import type { CallSnapshot } from '../telephony/snapshot.ts';
import type { LeaseService } from './lease-service.ts';

export interface LeaseRow {
  node: string;
  owner: string | null;
  epoch: number;
  expiresAt: string;
  /** The owner's API address (cluster.advertise); null before it listened, or a row written before sql/024. */
  address: string | null;
  /** expires_at has passed (database clock): nobody owns the node now. */
  expired: boolean;
  /** The entity id of the Asterisk the owner drives (written when it opened ARI; sql/027). */
  entityId: string | null;
}

interface Raw { node: string; owner: string | null; epoch: number | string; expires_at: Date | string; address: string | null; expired: boolean; entity_id: string | null }

const toRow = (r: Raw): LeaseRow => ({
  node: r.node, owner: r.owner, epoch: Number(r.epoch), expiresAt: new Date(r.expires_at).toISOString(), address: r.address, expired: r.expired,
  entityId: r.entity_id,
});

const SELECT = 'SELECT node, owner, epoch, expires_at, address, expires_at < now() AS expired, entity_id FROM node_lease';

/** Every node's lease row, by node name (works without a cluster too: none, or rows left by one). */
export async function listLeases(db: Queryable): Promise<LeaseRow[]> {
  return (await db.query<Raw>(`${SELECT} ORDER BY node`)).rows.map(toRow);
}

export class ClusterDirectory {
  private advertised: string | null = null;

  constructor(private readonly db: Queryable, readonly node: string, readonly owner: string, private readonly lease: LeaseService) {}

  /** This daemon holds the node's lease now (its ARI is open or opening). */
  isOwner(): boolean { return this.lease.kind === 'owner'; }

  /** The address written with each renewal; set once the API listens. */
  get address(): string | null { return this.advertised; }
  advertise(address: string): void { this.advertised = address.replace(/\/+$/, ''); }

  /** The node's row (expired or not), or null when no daemon ever held it. */
  async current(): Promise<LeaseRow | null> {
    const r = await this.db.query<Raw>(`${SELECT} WHERE node = $1`, [this.node]);
    return r.rows[0] ? toRow(r.rows[0]) : null;
  }

  /** The row of the node one of whose lines is `lineId`, or null: no node's row names it. */
  async nodeOfLine(lineId: string): Promise<LeaseRow | null> {
    const r = await this.db.query<Raw>(`${SELECT} WHERE $1 = ANY(lines) ORDER BY node LIMIT 1`, [lineId]);
    return r.rows[0] ? toRow(r.rows[0]) : null;
  }

  /** The row of the node whose lines carry the call (its owner drives it), or null: no such call, or its line is in no node's row. */
  async nodeOfCall(callId: string): Promise<LeaseRow | null> {
    const r = await this.db.query<Raw>(
      `SELECT n.node, n.owner, n.epoch, n.expires_at, n.address, n.expires_at < now() AS expired, n.entity_id
       FROM calls c JOIN node_lease n ON c.line_id = ANY(n.lines) WHERE c.id = $1 ORDER BY n.node LIMIT 1`, [callId]);
    return r.rows[0] ? toRow(r.rows[0]) : null;
  }

  /**
   * Calls open in the database on the lines of nodes this daemon does not
   * drive (every other node's, and its own node's while it is not the
   * owner): what their owners wrote last, oldest first, at most `limit`.
   */
  async openCallsElsewhere(limit: number): Promise<Array<CallSnapshot & { node: string }>> {
    const r = await this.db.query<{
      id: string; line_id: string; direction: 'inbound' | 'outbound'; state: CallSnapshot['state']; number: string | null; caller_name: string | null;
      customer_id: string | null; started_at: Date; answered_at: Date | null; digits: string | null; node: string;
    }>(
      `SELECT c.id, c.line_id, c.direction, c.state, c.number, c.caller_name, c.customer_id, c.started_at, c.answered_at, c.digits, n.node
       FROM calls c JOIN node_lease n ON c.line_id = ANY(n.lines)
       WHERE c.ended_at IS NULL AND NOT (n.node = $1 AND $2::boolean) ORDER BY c.started_at, c.id LIMIT $3`, [this.node, this.isOwner(), limit]);
    // a line named by two nodes' rows (a misconfiguration) lists its call once
    const seen = new Set<string>();
    return r.rows.filter((x) => !seen.has(x.id) && seen.add(x.id)).map((x) => ({
      id: x.id, lineId: x.line_id, direction: x.direction, state: x.state, number: x.number, name: x.caller_name, customerId: x.customer_id,
      startedAt: x.started_at.toISOString(), answeredAt: x.answered_at?.toISOString() ?? null, digits: x.digits ?? '', node: x.node,
    }));
  }
}
