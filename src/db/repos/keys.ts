import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../types.ts';

export type Role = 'admin' | 'supervisor' | 'agent' | 'integrator';
export const ROLES: readonly Role[] = ['admin', 'supervisor', 'agent', 'integrator'];

export interface ApiKeyRow { id: string; name: string; role: Role; prefix: string; agent_id: string | null; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }

/** A key as listed (never its secret or hash). */
export interface ApiKeyInfo { id: string; name: string; role: Role; prefix: string; agentId: string | null; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }

const COLS = 'id, name, role, prefix, agent_id, created_at, last_used_at, revoked_at';
const info = (r: ApiKeyRow): ApiKeyInfo => ({
  id: r.id, name: r.name, role: r.role, prefix: r.prefix, agentId: r.agent_id, createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null, revokedAt: r.revoked_at?.toISOString() ?? null,
});

/** Keys are random 32 bytes shown once; only their SHA-256 is stored. */
export const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');
export const newKeySecret = (): string => `kefu_${randomBytes(24).toString('base64url')}`;

export class KeyRepo {
  constructor(private readonly db: Queryable) {}

  /** Store a new key. Returns the secret once. */
  async create(role: Role, name: string, opts: { agentId?: string | null } = {}): Promise<{ key: string; row: ApiKeyRow }> {
    const secret = newKeySecret();
    const r = await this.db.query<ApiKeyRow>(
      `INSERT INTO api_keys(id, name, role, prefix, key_hash, agent_id) VALUES ($1,$2,$3,$4,$5,$6) RETURNING ${COLS}`,
      [randomUUID(), name, role, secret.slice(0, 9), hashKey(secret), opts.agentId ?? null],
    );
    return { key: secret, row: r.rows[0]! };
  }

  /**
   * Adopt a given secret as an admin key (KEFU_BOOTSTRAP_KEY) when it is not
   * stored yet. A key that was revoked stays revoked: returns its row so the
   * caller can say so.
   */
  async adopt(secret: string, name: string): Promise<ApiKeyRow> {
    await this.db.query(
      `INSERT INTO api_keys(id, name, role, prefix, key_hash) VALUES ($1,$2,'admin',$3,$4) ON CONFLICT (key_hash) DO NOTHING`,
      [randomUUID(), name, secret.slice(0, 9), hashKey(secret)],
    );
    const r = await this.db.query<ApiKeyRow>(`SELECT ${COLS} FROM api_keys WHERE key_hash = $1`, [hashKey(secret)]);
    return r.rows[0]!;
  }

  async list(): Promise<ApiKeyInfo[]> {
    const r = await this.db.query<ApiKeyRow>(`SELECT ${COLS} FROM api_keys ORDER BY created_at, id`);
    return r.rows.map(info);
  }

  async get(id: string): Promise<ApiKeyInfo | null> {
    const r = await this.db.query<ApiKeyRow>(`SELECT ${COLS} FROM api_keys WHERE id = $1`, [id]);
    return r.rows[0] ? info(r.rows[0]) : null;
  }

  /** Revoke a key for good (nothing un-revokes it). Returns false when there is no such key. */
  async revoke(id: string): Promise<boolean> {
    const r = await this.db.query('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1', [id]);
    return (r.rowCount ?? 0) > 0;
  }

  /** Look a presented key up by hash; null when unknown or revoked. */
  async verify(secret: string): Promise<ApiKeyRow | null> {
    const h = hashKey(secret);
    const r = await this.db.query<ApiKeyRow & { key_hash: string }>(
      `SELECT ${COLS}, key_hash FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [h],
    );
    const row = r.rows[0];
    if (!row || !timingSafeEqual(Buffer.from(row.key_hash), Buffer.from(h))) return null;
    return row;
  }

  async touch(id: string): Promise<void> {
    await this.db.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [id]);
  }

  async count(): Promise<number> {
    const r = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys WHERE revoked_at IS NULL');
    return r.rows[0]?.n ?? 0;
  }
}
