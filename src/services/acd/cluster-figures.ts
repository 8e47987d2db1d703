/**
 * A queue's figures across every node of a cluster (`allNodes` in
 * `GET /queues` and in `queue.update`; docs/scale-out.md, "Queues across
 * nodes"): the callers waiting on every node (the shared waiting list,
 * sql/029) and today's figures from every node's call records (finished
 * calls). The rest of a queue's figures are the node's own.
 */
import type { Logger } from 'pino';
import type { QueueWaitingRepo } from '../../db/repos/queue-waiting.ts';
import type { RecordedFigures } from './queue-day.ts';

export type AllNodes = { waiting: number; longestWaitMs: number } & Partial<RecordedFigures>;

/** Every queue's `allNodes`, read from the database. */
export async function readAllNodes(waiting: QueueWaitingRepo, recorded: () => Promise<Map<string, RecordedFigures>>): Promise<Map<string, AllNodes>> {
  const [w, r] = await Promise.all([waiting.byQueue(), recorded()]);
  const ids = new Set([...w.keys(), ...r.keys()]);
  return new Map([...ids].map((q) => [q, { ...(w.get(q) ?? { waiting: 0, longestWaitMs: 0 }), ...r.get(q) }]));
}

/**
 * `queue.update` with `allNodes`: a queue's change asks for its event; the
 * cluster's figures are read (one read at a time: changes that come while
 * one runs share the next), then the event goes out with the queue's own
 * figures as they are then. A failed read sends the event without
 * `allNodes` (the node's own figures are never held back).
 */
export class ClusterQueueUpdates {
  private readonly asked = new Set<string>();
  private running = false;

  constructor(private readonly read: () => Promise<Map<string, AllNodes>>, private readonly emit: (queueId: string, allNodes: AllNodes | null) => void, private readonly log: Logger) {}

  request(queueId: string): void {
    this.asked.add(queueId);
    if (!this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.asked.size > 0) {
        const queues = [...this.asked];
        this.asked.clear();
        const all = await this.read().catch((err: unknown) => { this.log.warn({ err }, 'queue.update: the cluster\'s figures could not be read; sent without allNodes'); return null; });
        for (const q of queues) this.emit(q, all ? (all.get(q) ?? { waiting: 0, longestWaitMs: 0 }) : null);
      }
    } finally {
      this.running = false;
    }
  }
}
