/**
 * IVR flows: validated with the one shared schema, stored with versions; the
 * published version is what inbound calls run (cached until it changes).
 */
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { isKefuError, KefuError } from '../core/errors.ts';
import { packagePath } from '../paths.ts';
import { validateFlow, type FlowIssue } from '../core/ivr/validate.ts';
import { pointerSegment } from '../core/ivr/graph.ts';
import type { Flow } from '../core/ivr/schema.ts';
import type { FlowRepo, FlowSummary } from '../db/repos/flows.ts';

export const DEFAULT_FLOW_PATH = packagePath('config', 'flows', 'main.json');

export class FlowService {
  /** Published flows by id; `fresh` false once another daemon changed flows (read again, but kept for a database outage). */
  private readonly cache = new Map<string, { flow: Flow; fresh: boolean }>();

  constructor(
    private readonly repo: FlowRepo,
    private readonly logger: Logger,
    /** The configured seats: a handset node may name only these. */
    private readonly seatIds: readonly string[] = [],
  ) {}

  /** The shared validator, plus what only the daemon knows: the seats a handset node names must exist. */
  validate(input: unknown): ReturnType<typeof validateFlow> {
    const r = validateFlow(input);
    if (!r.ok) return r;
    const errors = this.seatIssues(r.flow);
    return errors.length ? { ok: false, errors, warnings: r.warnings } : r;
  }

  private seatIssues(flow: Flow): FlowIssue[] {
    const issues: FlowIssue[] = [];
    for (const [id, node] of Object.entries(flow.nodes)) {
      if (node.type !== 'handset' || !node.seats) continue;
      node.seats.forEach((seat, i) => {
        if (!this.seatIds.includes(seat)) {
          issues.push({ path: `/nodes/${pointerSegment(id)}/seats/${i}`, message: `no seat "${seat}" is configured (seats: ${this.seatIds.join(', ') || 'none'})` });
        }
      });
    }
    return issues;
  }

  private valid(input: unknown): Flow {
    const r = this.validate(input);
    if (!r.ok) throw new KefuError('BAD_REQUEST', `flow is invalid: ${r.errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`, { errors: r.errors });
    return r.flow;
  }

  async create(input: unknown): Promise<FlowSummary> {
    const flow = this.valid(input);
    const s = await this.repo.create(flow.id, flow.name, flow);
    this.cache.delete(flow.id);
    return s;
  }

  /** Save a new version of flow `id` (the body's id must match); publish it unless told not to. */
  async save(id: string, input: unknown, publish: boolean): Promise<FlowSummary> {
    const flow = this.valid(input);
    if (flow.id !== id) throw new KefuError('BAD_REQUEST', `id "${flow.id}" does not match the flow id "${id}" in the path`, { field: 'id' });
    const s = await this.repo.saveVersion(id, flow.name, flow, publish);
    this.cache.delete(id);
    return s;
  }

  async publish(id: string, version: number): Promise<FlowSummary> {
    const s = await this.repo.publish(id, version);
    this.cache.delete(id);
    return s;
  }

  async remove(id: string): Promise<void> {
    await this.repo.delete(id);
    this.cache.delete(id);
  }

  /**
   * Flows changed through another daemon (or SQL): the next call reads the
   * published versions again (calls under way keep theirs). The copies stay
   * for a database outage (published()).
   */
  forgetAll(): void { for (const e of this.cache.values()) e.fresh = false; }

  /**
   * The flow inbound calls run (published version), cached. With the database
   * away, a call runs the copy this daemon read last rather than fail: callers
   * are not hung up for an outage of seconds.
   */
  async published(id: string): Promise<Flow> {
    const hit = this.cache.get(id);
    if (hit?.fresh) return hit.flow;
    try {
      const v = await this.repo.version(id, 'published');
      const flow = this.valid(v.definition);
      this.cache.set(id, { flow, fresh: true });
      return flow;
    } catch (err) {
      if (!hit || !isKefuError(err, 'DB_UNAVAILABLE')) throw err;
      this.logger.warn({ flowId: id }, 'database unavailable: the call runs the copy of the flow read last');
      return hit.flow;
    }
  }

  /** Reads these flows' published versions now (at start), so that a call during a later database outage finds its flow. */
  async warm(ids: readonly string[]): Promise<void> {
    for (const id of new Set(ids)) {
      await this.published(id).catch((err: unknown) => {
        if (isKefuError(err, 'NOT_FOUND')) this.logger.info({ flowId: id }, 'a line\'s IVR flow does not exist (yet)');
        else this.logger.warn({ err, flowId: id }, 'IVR flow not loaded at start: read at its first call');
      });
    }
  }

  /** Stores a shipped ready-made flow (config/flows/NAME.json) unless a flow with its id exists. */
  async installShipped(name: string): Promise<string> {
    const flow = this.valid(JSON.parse(readFileSync(packagePath('config', 'flows', `${name}.json`), 'utf8')) as unknown);
    if ((await this.repo.list()).some((f) => f.id === flow.id)) return flow.id;
    await this.repo.create(flow.id, flow.name, flow);
    this.logger.info({ flowId: flow.id }, 'ready-made IVR flow installed');
    return flow.id;
  }

  /** First start: store the shipped default flow when the database has none. */
  async seedDefault(path = DEFAULT_FLOW_PATH): Promise<void> {
    if ((await this.repo.list()).length > 0) return;
    const flow = this.valid(JSON.parse(readFileSync(path, 'utf8')) as unknown);
    await this.repo.create(flow.id, flow.name, flow);
    this.logger.info({ flowId: flow.id }, 'default IVR flow installed');
  }
}
