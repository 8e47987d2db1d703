/**
 * The agent board's writes lost to the database's absence (a restart, a
 * failover), made again (src/services/agents/board.ts): per agent, one timer
 * at a time, 0.5 s doubling to 10 s, until a write succeeds (settle). Other
 * daemons of a cluster read the rows, so a state left unwritten until the
 * agent's next change would mislead them (an agent offered a call while
 * paused).
 */
import type { Logger } from 'pino';

export class WriteRetries {
  private readonly pending = new Map<string, { attempt: number; timer: NodeJS.Timeout | null }>();
  private stopped = false;

  /** `write(agentId)` makes the write again with the agent's state as it is then. */
  constructor(private readonly write: (agentId: string) => void, private readonly log: Logger) {}

  /** A write of the agent failed with the database away: it is made again later (once per failure, one timer at a time). */
  schedule(agentId: string): void {
    const r = this.pending.get(agentId) ?? { attempt: 0, timer: null };
    if (r.timer || this.stopped) return;
    r.attempt++;
    r.timer = setTimeout(() => {
      r.timer = null;
      if (this.pending.get(agentId) !== r) return;
      this.log.info({ agentId, attempt: r.attempt }, 'writing the agent\'s state again');
      this.write(agentId);
    }, Math.min(10_000, 500 * 2 ** (r.attempt - 1)));
    r.timer.unref();
    this.pending.set(agentId, r);
  }

  /** A write of the agent succeeded: its retries end. */
  settle(agentId: string): void {
    const r = this.pending.get(agentId);
    if (!r) return;
    if (r.timer) clearTimeout(r.timer);
    this.pending.delete(agentId);
    this.log.info({ agentId, attempts: r.attempt }, 'agent state written after the database came back');
  }

  stop(): void {
    this.stopped = true;
    for (const r of this.pending.values()) if (r.timer) clearTimeout(r.timer);
    this.pending.clear();
  }
}
