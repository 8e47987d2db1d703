import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../types.ts';
import { KefuError } from '../../core/errors.ts';

export type UserRole = 'admin' | 'supervisor' | 'agent';
export type Locale = 'zh-CN' | 'en';
export const USER_ROLES: readonly UserRole[] = ['admin', 'supervisor', 'agent'];

export interface User {
  id: string; username: string; displayName: string; role: UserRole; agentId: string | null; locale: Locale | null;
  createdAt: string; disabled: boolean;
}

interface Row {
  id: string; username: string; display_name: string; role: UserRole; agent_id: string | null; locale: Locale | null;
  created_at: Date; disabled_at: Date | null; password_hash: string;
}
const toUser = (r: Row): User => ({
  id: r.id, username: r.username, displayName: r.display_name, role: r.role, agentId: r.agent_id, locale: r.locale,
  createdAt: r.created_at.toISOString(), disabled: r.disabled_at !== null,
});

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Console users and their sessions. Only password hashes and session-token hashes are stored. */
export class UserRepo {
  constructor(private readonly db: Queryable) {}

  async count(): Promise<number> {
    const r = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    return r.rows[0]!.n;
  }

  async list(): Promise<User[]> {
    return (await this.db.query<Row>('SELECT * FROM users ORDER BY username')).rows.map(toUser);
  }

  async get(id: string): Promise<User> {
    const r = await this.db.query<Row>('SELECT * FROM users WHERE id = $1', [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `user ${id} not found`);
    return toUser(r.rows[0]);
  }

  /** The user and password hash for a sign-in; null when unknown or disabled. */
  async forLogin(username: string): Promise<{ user: User; passwordHash: string } | null> {
    const r = await this.db.query<Row>('SELECT * FROM users WHERE username = $1 AND disabled_at IS NULL', [username.toLowerCase()]);
    return r.rows[0] ? { user: toUser(r.rows[0]), passwordHash: r.rows[0].password_hash } : null;
  }

  async create(u: { username: string; displayName: string; role: UserRole; agentId?: string | null; locale?: Locale | null; passwordHash: string }): Promise<User> {
    try {
      const r = await this.db.query<Row>(
        `INSERT INTO users(id, username, display_name, role, agent_id, locale, password_hash) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING *`,
        [randomUUID(), u.username.toLowerCase(), u.displayName, u.role, u.agentId ?? null, u.locale ?? null, u.passwordHash]);
      return toUser(r.rows[0]!);
    } catch (err) {
      if (err instanceof KefuError && err.code === 'CONFLICT' && (err.details as { constraint?: string } | undefined)?.constraint === 'users_username_key') throw new KefuError('CONFLICT', `body.username: ${u.username} is taken`, { field: 'body.username' });
      throw err;
    }
  }

  async update(id: string, p: { displayName?: string; role?: UserRole; agentId?: string | null; locale?: Locale | null; passwordHash?: string; disabled?: boolean }): Promise<User> {
    const sets: string[] = [];
    const vals: unknown[] = [];
    const set = (col: string, v: unknown) => { vals.push(v); sets.push(`${col} = $${vals.length}`); };
    if (p.displayName !== undefined) set('display_name', p.displayName);
    if (p.role !== undefined) set('role', p.role);
    if (p.agentId !== undefined) set('agent_id', p.agentId);
    if (p.locale !== undefined) set('locale', p.locale);
    if (p.passwordHash !== undefined) set('password_hash', p.passwordHash);
    if (p.disabled !== undefined) sets.push(p.disabled ? 'disabled_at = coalesce(disabled_at, now())' : 'disabled_at = NULL');
    if (sets.length === 0) return this.get(id);
    vals.push(id);
    const r = await this.db.query<Row>(`UPDATE users SET ${sets.join(', ')} WHERE id = $${vals.length} RETURNING *`, vals);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `user ${id} not found`);
    if (p.passwordHash !== undefined || p.disabled) await this.endSessions(id);
    return toUser(r.rows[0]);
  }

  async remove(id: string): Promise<void> {
    const r = await this.db.query('DELETE FROM users WHERE id = $1', [id]);
    if (r.rowCount === 0) throw new KefuError('NOT_FOUND', `user ${id} not found`);
  }

  // ---- sessions ----

  /** A new session; returns the token (the cookie's value), stored only as a hash. */
  async startSession(userId: string, hours: number): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + hours * 3_600_000);
    await this.db.query('INSERT INTO sessions(token_hash, user_id, expires_at) VALUES ($1,$2,$3)', [hashToken(token), userId, expiresAt]);
    await this.db.query('DELETE FROM sessions WHERE expires_at < now()');
    return { token, expiresAt };
  }

  /** The signed-in user of a session token; null when unknown, expired, or the user is disabled. */
  async session(token: string): Promise<{ user: User; expiresAt: Date } | null> {
    const r = await this.db.query<Row & { expires_at: Date }>(
      `SELECT u.*, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL`, [hashToken(token)]);
    return r.rows[0] ? { user: toUser(r.rows[0]), expiresAt: r.rows[0].expires_at } : null;
  }

  async endSession(token: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE token_hash = $1', [hashToken(token)]);
  }

  async endSessions(userId: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  }
}
