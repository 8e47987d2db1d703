import type { Db } from '../types.ts';
import { COUNTING_WAITERS } from './queue-waiting.ts';
import { KefuError } from '../../core/errors.ts';
import type { Strategy } from '../../core/acd/strategies.ts';
import type { Agent, AgentStateName } from '../../core/acd/agent.ts';
import type { AgentRow, QueueSettings, QueueRow } from '../../core/acd/records.ts';
export type { AgentRow, QueueSettings, QueueOverflow, QueueRow } from '../../core/acd/records.ts';

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = { ringTimeoutS: 15, maxWaitS: 300, wrapUpS: 10, maxMissed: 3, serviceLevelS: 20 };

/** Agents, queues and membership. Live state (ready, on call) is kept by the ACD service. */
export class AcdRepo {
  constructor(private readonly db: Db) {}

  async agents(): Promise<AgentRow[]> {
    const r = await this.db.query<{ id: string; name: string; skills: Record<string, number>; created_at: Date }>('SELECT * FROM agents ORDER BY id');
    return r.rows.map((x) => ({ id: x.id, name: x.name, skills: x.skills, createdAt: x.created_at.toISOString() }));
  }

  async createAgent(a: { id: string; name: string; skills?: Record<string, number> }): Promise<AgentRow> {
    const r = await this.db.query<{ id: string; name: string; skills: Record<string, number>; created_at: Date }>(
      'INSERT INTO agents(id, name, skills) VALUES ($1,$2,$3::jsonb) RETURNING *', [a.id, a.name, JSON.stringify(a.skills ?? {})]);
    const x = r.rows[0]!;
    return { id: x.id, name: x.name, skills: x.skills, createdAt: x.created_at.toISOString() };
  }

  async queues(): Promise<QueueRow[]> {
    const r = await this.db.query<{ id: string; name: string; strategy: Strategy; settings: Partial<QueueSettings>; created_at: Date; members: string[] | null }>(
      `SELECT q.*, (SELECT array_agg(m.agent_id ORDER BY m.agent_id) FROM queue_members m WHERE m.queue_id = q.id) AS members FROM queues q ORDER BY q.id`);
    return r.rows.map((x) => ({ id: x.id, name: x.name, strategy: x.strategy, settings: { ...DEFAULT_QUEUE_SETTINGS, ...x.settings }, members: x.members ?? [], createdAt: x.created_at.toISOString() }));
  }

  async createQueue(q: { id: string; name: string; strategy: Strategy; settings?: Partial<QueueSettings>; members?: string[] }): Promise<QueueRow> {
    await this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO queues(id, name, strategy, settings) VALUES ($1,$2,$3,$4::jsonb)', [q.id, q.name, q.strategy, JSON.stringify(q.settings ?? {})]);
      if (q.members?.length) await tx.query('INSERT INTO queue_members(queue_id, agent_id) SELECT $1, unnest($2::text[])', [q.id, q.members]);
    });
    const row = (await this.queues()).find((x) => x.id === q.id);
    if (!row) throw new KefuError('INTERNAL', `queue ${q.id} vanished`);
    return row;
  }

  /** The last saved live state of each agent (agent_states), with its version (sql/028). */
  async agentStates(): Promise<SavedAgentState[]> {
    const r = await this.db.query<AgentStateDbRow>('SELECT * FROM agent_states');
    return r.rows.map(fromRow);
  }

  /** The owners of node leases that have not run out: the daemons driving calls now (a cluster). */
  async liveOwners(): Promise<Set<string>> {
    const r = await this.db.query<{ owner: string }>('SELECT DISTINCT owner FROM node_lease WHERE expires_at > now()');
    return new Set(r.rows.map((x) => x.owner));
  }

  /** One agent's saved state, or null when it has none. */
  async agentState(id: string): Promise<SavedAgentState | null> {
    const r = await this.db.query<AgentStateDbRow>('SELECT * FROM agent_states WHERE agent_id = $1', [id]);
    return r.rows[0] ? fromRow(r.rows[0]) : null;
  }

  /**
   * Writes an agent's state. With `cas`: only over version `cas.expect` (a
   * first row is inserted whatever it expects), as version `cas.expect + 1`;
   * false when another writer came first, or (`cas.fifo`) when the offer
   * must yield to a caller who has waited longer on another node. Without: over any version (tests
   * and imports), one past it.
   */
  async saveAgentState(a: Agent, cas?: { expect: number; writer: string | null; fifo?: FifoGuard | null }): Promise<boolean> {
    const r = await this.db.query(
      `INSERT INTO agent_states(agent_id, state, seat_id, reason, call_id, calls_taken, missed_in_a_row, last_call_ended_at, since, version, written_by, wrap_up_until)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9, coalesce($10::bigint + 1, 1), $11, $15)
       ON CONFLICT (agent_id) DO UPDATE SET state = EXCLUDED.state, seat_id = EXCLUDED.seat_id, reason = EXCLUDED.reason, call_id = EXCLUDED.call_id,
         calls_taken = EXCLUDED.calls_taken, missed_in_a_row = EXCLUDED.missed_in_a_row, last_call_ended_at = EXCLUDED.last_call_ended_at, since = EXCLUDED.since,
         version = agent_states.version + 1, written_by = EXCLUDED.written_by, wrap_up_until = EXCLUDED.wrap_up_until
       WHERE ($10::bigint IS NULL OR agent_states.version = $10::bigint)
         AND ($12::text IS NULL OR NOT EXISTS (
           SELECT 1 FROM ${COUNTING_WAITERS} WHERE w.queue_id = $12 AND w.node <> $13 AND w.since < $14 AND NOT w.ringing))
       RETURNING agent_id`,
      [a.id, a.state, a.seatId, a.reason, a.callId, a.callsTaken, a.missedInARow, a.lastCallEndedAt ? new Date(a.lastCallEndedAt) : null, new Date(a.since),
        cas ? cas.expect : null, cas?.writer ?? null, cas?.fifo?.queueId ?? null, cas?.fifo?.node ?? null, cas?.fifo ? new Date(cas.fifo.since) : null,
        a.wrapUpUntil === null ? null : new Date(a.wrapUpUntil)]);
    return r.rows.length === 1;
  }
}

/**
 * An offer that yields to callers of the same queue who have waited longer
 * (since `since`) on another live node, with no ring going for them (sql/029).
 */
export interface FifoGuard { queueId: string; node: string; since: number }

/** An agent's saved state, its version (one per write) and which daemon wrote it. */
export interface SavedAgentState { agent: Agent; version: number; writtenBy: string | null }

interface AgentStateDbRow {
  agent_id: string; state: AgentStateName; seat_id: string | null; reason: string | null; call_id: string | null;
  calls_taken: number; missed_in_a_row: number; last_call_ended_at: Date | null; since: Date; version: string | number; written_by: string | null;
  wrap_up_until: Date | null;
}

const fromRow = (x: AgentStateDbRow): SavedAgentState => ({
  agent: {
    id: x.agent_id, state: x.state, seatId: x.seat_id, reason: x.reason, callId: x.call_id, callsTaken: x.calls_taken,
    missedInARow: x.missed_in_a_row, lastCallEndedAt: x.last_call_ended_at?.getTime() ?? 0, since: x.since.getTime(),
    wrapUpUntil: x.state === 'wrap-up' ? x.wrap_up_until?.getTime() ?? null : null,
  },
  version: Number(x.version), writtenBy: x.written_by,
});