import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../types.ts';

export type Role = 'admin' | 'supervisor' | 'agent' | 'integrator';
export const ROLES: readonly Role[] = ['admin', 'supervisor', 'agent', 'integrator'];

export interface ApiKeyRow { id: string; name: string; role: Role; prefix: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }

/** Keys are random 32 bytes shown once; only their SHA-256 is stored. */
export const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');
export const newKeySecret = (): string => `kefu_${randomBytes(24).toString('base64url')}`;

export class KeyRepo {
  constructor(private readonly db: Queryable) {}

  /** Store a key; pass `secret` to adopt a given value (KEFU_BOOTSTRAP_KEY). Returns the secret once. */
  async create(role: Role, name: string, secret = newKeySecret()): Promise<{ key: string; row: ApiKeyRow }> {
    const id = randomUUID();
    const r = await this.db.query<ApiKeyRow>(
      `INSERT INTO api_keys(id, name, role, prefix, key_hash) VALUES ($1,$2,$3,$4,$5)
       ON CONFLICT (key_hash) DO UPDATE SET role = EXCLUDED.role, revoked_at = NULL
       RETURNING id, name, role, prefix, created_at, last_used_at, revoked_at`,
      [id, name, role, secret.slice(0, 9), hashKey(secret)],
    );
    return { key: secret, row: r.rows[0]! };
  }

  /** Look a presented key up by hash; null when unknown or revoked. */
  async verify(secret: string): Promise<ApiKeyRow | null> {
    const h = hashKey(secret);
    const r = await this.db.query<ApiKeyRow & { key_hash: string }>(
      'SELECT id, name, role, prefix, created_at, last_used_at, revoked_at, key_hash FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
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
