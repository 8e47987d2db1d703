/**
 * Webhooks: every event published on the bus that an enabled subscription
 * matches becomes a row of the delivery outbox (written as it is published,
 * in publish order), then a signed POST to the subscriber, tried again with
 * backoff until taken or dead. At least once; in order per call (the store
 * hands out only the head of each order key); other keys in parallel, bounded.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { EventBus, KefuEvent } from '../../core/events/bus.ts';
import { matches, orderKeyOf } from '../../core/webhooks/patterns.ts';
import { transition, type RetryPolicy } from '../../core/webhooks/policy.ts';
import { sign } from '../../core/webhooks/signature.ts';
import { Pump } from '../../core/webhooks/pump.ts';
import type { DueDelivery, NewDelivery, WebhookRepo } from '../../db/repos/webhooks.ts';
import { HostPolicy, hostEntryProblem } from './hosts.ts';
import { KefuError } from '../../core/errors.ts';
import { WebhookSender } from './sender.ts';

export interface WebhooksConfig {
  concurrency: number;
  perWebhook: number;
  timeoutMs: number;
  maxResponseBytes: number;
  retry: Omit<RetryPolicy, 'maxAgeMs'> & { maxAgeS: number };
  autoDisableAfter: number;
  retentionDays: number;
  maxQueued: number;
  maxEventBytes: number;
  allowHosts: string[];
  denyHosts: string[];
}

export interface WebhookServiceDeps {
  repo: WebhookRepo;
  bus: EventBus;
  logger: Logger;
  config: WebhooksConfig;
  /** Who claims deliveries (default: host, process id and a random part; the event log's origin in main). */
  claimant?: string;
  /** The jitter's random draw (default Math.random). */
  random?: () => number;
}

/** A claim lasts the request timeout and this much more (the attempt is recorded within it). */
export const CLAIM_MARGIN_MS = 30_000;
/** Outbox rows written per INSERT. */
const BATCH = 500;
const USER_AGENT = 'kefu-webhooks/1';

export class WebhookService {
  readonly hosts: HostPolicy;
  private readonly sender: WebhookSender;
  private readonly pump: Pump<DueDelivery>;
  private readonly policy: RetryPolicy;
  private subs: Array<{ id: string; events: string[] }> = [];
  private queue: NewDelivery[] = [];
  private writing: Promise<boolean> | null = null;
  private writeRetry: ReturnType<typeof setTimeout> | null = null;
  private unsubscribe: (() => void) | null = null;
  private pruneTimer: ReturnType<typeof setInterval> | null = null;
  /** Subscriptions with a failed attempt since their last success (a success then flushes their waiting retries). */
  private readonly failing = new Set<string>();
  private droppedWarned = false;
  /** Rows written since the outbox's statistics were last refreshed, and when that was. */
  private sinceAnalyze = 0;
  private analyzedAt = 0;
  private analyzing: Promise<void> | null = null;
  /** This daemon's claims on deliveries (two daemons on one database never send one at once). */
  private readonly claim: { by: string; ms: number };

  constructor(private readonly d: WebhookServiceDeps) {
    const c = d.config;
    for (const [key, list] of [['allowHosts', c.allowHosts], ['denyHosts', c.denyHosts]] as const) {
      list.forEach((entry, i) => {
        const problem = hostEntryProblem(entry);
        if (problem) throw new KefuError('CONFIG_INVALID', `webhooks.${key}.${i}: ${problem}`);
      });
    }
    this.hosts = new HostPolicy(c);
    this.sender = new WebhookSender({ timeoutMs: c.timeoutMs, maxResponseBytes: c.maxResponseBytes, maxSockets: c.perWebhook, hosts: this.hosts });
    this.policy = { ...c.retry, maxAgeMs: c.retry.maxAgeS * 1000 };
    this.claim = { by: d.claimant ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`, ms: c.timeoutMs + CLAIM_MARGIN_MS };
    this.pump = new Pump<DueDelivery>({
      concurrency: c.concurrency, perOwner: c.perWebhook, idleMs: 5000,
      due: (limit, busy, full) => this.d.repo.due(limit, busy, full, this.claim),
      release: (items) => this.d.repo.unclaim(items.map((i) => i.id), this.claim.by),
      run: (item) => this.attempt(item),
      onError: (err) => this.d.logger.error({ err }, 'webhook delivery step failed'),
    });
  }

  async start(): Promise<void> {
    await this.reload();
    for (const s of this.subs) this.failing.add(s.id);
    if (this.subs.length > 0) this.analyze();
    // this daemon's events once logged (with their ids): another daemon's events are its own webhooks' business
    this.unsubscribe = this.d.bus.subscribeOwnLogged((e) => this.publish(e));
    this.pump.start();
    const prune = () => {
      void this.d.repo.prune(new Date(Date.now() - this.d.config.retentionDays * 86_400_000))
        .then((n) => { if (n > 0) this.d.logger.info({ deleted: n }, 'old webhook deliveries pruned'); })
        .catch((err: unknown) => this.d.logger.warn({ err }, 'pruning webhook deliveries failed'));
    };
    prune();
    this.pruneTimer = setInterval(prune, 3_600_000);
    this.pruneTimer.unref();
  }

  /** Stops listening, writes what was published so far, and lets the requests under way finish. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    if (this.writeRetry) clearTimeout(this.writeRetry);
    await this.flush();
    await this.pump.stop();
    await this.analyzing;
    this.sender.close();
  }

  /** Subscriptions changed (created, edited, enabled, deleted): match against the new set. */
  async reload(): Promise<void> {
    this.subs = await this.d.repo.enabled();
    this.pump.wake();
  }

  /** Deliveries became due (a replay): look now. */
  wake(): void { this.pump.wake(); }

  /** Waits until every event published so far is in the outbox. */
  async flush(): Promise<void> {
    while (this.writing || this.queue.length > 0) {
      const ok = await (this.writing ?? this.write());
      if (!ok) return;
    }
  }

  private publish(e: KefuEvent): void {
    if (this.subs.length === 0) return;
    const targets = this.subs.filter((s) => matches(s.events, e.type));
    if (targets.length === 0) return;
    const body = JSON.stringify(e);
    if (Buffer.byteLength(body) > this.d.config.maxEventBytes) {
      this.d.logger.warn({ type: e.type, bytes: Buffer.byteLength(body) }, 'event larger than webhooks.maxEventBytes: not sent to webhooks');
      return;
    }
    if (this.queue.length + targets.length > this.d.config.maxQueued) {
      if (!this.droppedWarned) this.d.logger.error({ queued: this.queue.length }, 'webhook outbox writes are behind by webhooks.maxQueued events (is the database up?): events are being dropped');
      this.droppedWarned = true;
      return;
    }
    const at = new Date();
    const orderKey = orderKeyOf(e.data);
    for (const s of targets) this.queue.push({ id: randomUUID(), webhookId: s.id, eventType: e.type, body, orderKey, at });
    if (!this.writing && !this.writeRetry) void this.write();
  }

  /** Writes the queue in batches, in order; a failed write is tried again (the rows stay queued). */
  private write(): Promise<boolean> {
    const p = (async () => {
      while (this.queue.length > 0) {
        const batch = this.queue.slice(0, BATCH);
        await this.d.repo.enqueue(batch);
        this.queue.splice(0, batch.length);
        this.droppedWarned = false;
        this.sinceAnalyze += batch.length;
        if (this.sinceAnalyze >= 200 && Date.now() - this.analyzedAt >= 10_000) this.analyze();
        this.pump.wake();
      }
      return true;
    })().catch((err: unknown) => {
      this.d.logger.error({ err, queued: this.queue.length }, 'writing webhook deliveries failed; trying again in 1 s');
      if (this.unsubscribe) this.writeRetry = setTimeout(() => { this.writeRetry = null; if (!this.writing) void this.write(); }, 1000);
      return false;
    }).finally(() => { this.writing = null; });
    this.writing = p;
    return p;
  }

  /** Refreshes the outbox statistics (see WebhookRepo.analyze), at most every 10 s, when many rows came. */
  private analyze(): void {
    this.sinceAnalyze = 0;
    this.analyzedAt = Date.now();
    if (this.analyzing) return;
    this.analyzing = this.d.repo.analyze()
      .catch((err: unknown) => this.d.logger.warn({ err }, 'ANALYZE of the webhook outbox failed'))
      .finally(() => { this.analyzing = null; });
  }

  private async attempt(d: DueDelivery): Promise<void> {
    const attempt = d.state.attempts + 1;
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'kefu-delivery-id': d.id,
      'kefu-webhook-id': d.webhookId,
      'kefu-event': d.eventType,
      'kefu-timestamp': String(timestamp),
      'kefu-signature': sign(d.secret, timestamp, d.body),
      'kefu-attempt': String(attempt),
    };
    const at = new Date();
    const r = await this.sender.send(d.url, headers, d.body);
    const error = r.ok ? null : (r.error ?? `HTTP ${r.statusCode}`);
    const next = transition(d.state, r.ok ? { type: 'succeeded', at } : { type: 'failed', at: new Date(), random: (this.d.random ?? Math.random)() }, this.policy);
    await this.d.repo.recordAttempt(d.id, d.webhookId, next, { at, statusCode: r.statusCode, error, latencyMs: r.latencyMs, response: r.response });
    const log = this.d.logger.child({ webhookId: d.webhookId, deliveryId: d.id, event: d.eventType, attempt });
    if (d.orderKey !== null) {
      if (next.status === 'pending') await this.d.repo.holdLane(d.webhookId, d.orderKey, d.seq, next.nextAttemptAt);
      else if (d.state.attempts > 0 || next.status === 'dead') await this.d.repo.releaseLane(d.webhookId, d.orderKey, new Date());
    }
    if (next.status === 'succeeded') {
      if (this.failing.delete(d.webhookId)) {
        const flushed = await this.d.repo.receiverBack(d.webhookId, new Date());
        if (flushed > 0) log.info({ retriesNow: flushed }, 'webhook receiver answers again: waiting retries go now');
      }
      return;
    }
    this.failing.add(d.webhookId);
    if (next.status === 'pending') {
      log.debug({ statusCode: r.statusCode, error, retryAt: next.nextAttemptAt.toISOString() }, 'webhook delivery failed; will retry');
      return;
    }
    log.warn({ statusCode: r.statusCode, error }, 'webhook delivery dead after its last attempt (replay it from the delivery log)');
    const dead = await this.d.repo.countDead(d.webhookId, this.d.config.autoDisableAfter);
    if (dead.disabled) {
      this.subs = this.subs.filter((s) => s.id !== d.webhookId);
      log.warn({ deadInARow: dead.count }, 'webhook disabled: too many dead letters in a row (webhooks.autoDisableAfter)');
      await this.reload();
    }
  }
}
