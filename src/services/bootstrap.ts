import type { UserRepo } from '../db/repos/users.ts';
import { hashPassword, newPassword, passwordProblem } from './auth/passwords.ts';
import type { KeyRepo } from '../db/repos/keys.ts';
import type { AcdRepo } from '../db/repos/acd.ts';

/**
 * First start: with KEFU_BOOTSTRAP_KEY set, that value becomes an admin key
 * unless it is stored already (a bootstrap key that was revoked stays
 * revoked: `warn` says so); otherwise, when no key exists yet, an admin key
 * is created and shown once through `announce`. Only the key's hash is stored.
 */
export async function ensureAdminKey(keys: KeyRepo, bootstrapKey: string | undefined, announce: (key: string) => void, warn: (message: string) => void = () => undefined): Promise<void> {
  if (bootstrapKey) {
    if (bootstrapKey.length < 16) throw new Error('KEFU_BOOTSTRAP_KEY: expected at least 16 characters');
    const row = await keys.adopt(bootstrapKey, 'bootstrap');
    if (row.revoked_at) warn(`KEFU_BOOTSTRAP_KEY names key ${row.id}, revoked at ${row.revoked_at.toISOString()}: it stays revoked (create a new key with kefu keys create)`);
    return;
  }
  if ((await keys.count()) > 0) return;
  const { key } = await keys.create('admin', 'first-start admin');
  announce(key);
}

/**
 * First start: when no console user exists, the user "admin" is created with
 * KEFU_ADMIN_PASSWORD or a random password shown once through `announce`.
 */
export async function ensureAdminUser(users: UserRepo, password: string | undefined, announce: (password: string) => void): Promise<void> {
  if ((await users.count()) > 0) return;
  if (password !== undefined) {
    const problem = passwordProblem(password);
    if (problem) throw new Error(`KEFU_ADMIN_PASSWORD: ${problem}`);
  }
  const pw = password ?? newPassword();
  await users.create({ username: 'admin', displayName: 'Administrator', role: 'admin', passwordHash: await hashPassword(pw) });
  if (password === undefined) announce(pw);
}

/** The agent the first-start admin works the desk as. */
export const ADMIN_AGENT_ID = 'admin';

/**
 * Single-line mode: the office's admin also answers the phone, so the user
 * "admin" works the desk as agent "admin" (created when missing). Runs on
 * every start, so an install made before this rule gets the link too; an
 * admin linked to another agent keeps it. Returns the agent id linked now,
 * or null when nothing changed.
 */
export async function ensureAdminAgent(users: UserRepo, acd: AcdRepo): Promise<string | null> {
  const all = await users.list();
  const admin = all.find((u) => u.username === 'admin' && u.role === 'admin');
  // An agent "admin" already worked by another user stays theirs.
  if (!admin || admin.agentId || all.some((u) => u.agentId === ADMIN_AGENT_ID)) return null;
  if (!(await acd.agents()).some((a) => a.id === ADMIN_AGENT_ID)) await acd.createAgent({ id: ADMIN_AGENT_ID, name: admin.displayName });
  await users.update(admin.id, { agentId: ADMIN_AGENT_ID });
  return ADMIN_AGENT_ID;
}
