/**
 * Answers of the database about a secret (an API key, a session token),
 * cached by the secret's hash (never the secret) so a request costs no round
 * trip while an answer is fresh (`freshMs`).
 *
 * While the database is unavailable (`DB_UNAVAILABLE`: a restart, a
 * failover), an answer it gave within the last `STALE_MS` still stands, so a
 * client let in a moment ago goes on working through the outage: the commands
 * that need no database (hang up a call, a PBX command on the node's owner)
 * still run, and the others fail as they would, with 503. An unknown secret
 * stays unknown. The cost: a key revoked on another daemon in the few seconds
 * before the outage, still fresh here, is accepted until the database is back
 * or `STALE_MS` has passed since it was last verified.
 */
import type { Logger } from 'pino';
import { isKefuError } from '../core/errors.ts';

/** How long after its last verification an answer stands in for the database while it is unavailable. */
export const STALE_MS = 15 * 60_000;
const MAX_ENTRIES = 1000;

interface Entry<T> { value: T | null; verifiedAt: number }

export class VerifiedCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private outage = false;

  constructor(
    private readonly what: string,
    private readonly freshMs: number,
    private readonly ask: (secret: string) => Promise<T | null>,
    private readonly log: Logger,
  ) {}

  async get(hash: string, secret: string): Promise<T | null> {
    const hit = this.entries.get(hash);
    const now = Date.now();
    if (hit && now - hit.verifiedAt < this.freshMs) return hit.value;
    let value: T | null;
    try {
      value = await this.ask(secret);
    } catch (err) {
      if (!isKefuError(err, 'DB_UNAVAILABLE') || !hit || now - hit.verifiedAt >= STALE_MS) throw err;
      if (!this.outage) this.log.warn({ what: this.what, staleMs: STALE_MS }, 'database unavailable: answering from verifications made before it went');
      this.outage = true;
      return hit.value;
    }
    if (this.outage) this.log.info({ what: this.what }, 'database available again: verifying against it');
    this.outage = false;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(hash, { value, verifiedAt: Date.now() });
    return value;
  }

  forget(hash: string): void { this.entries.delete(hash); }
  clear(): void { this.entries.clear(); }
}
