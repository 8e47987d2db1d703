/**
 * The care scheduler: fires `task.due` for follow-up tasks that fell due and
 * runs the active care plans. Both are restart-safe because the database
 * remembers: a task is claimed (fired_at) in the same statement that finds it,
 * and a plan's task is unique per customer and occurrence.
 */
import type { Logger } from 'pino';
import type { Repos } from '../../db/repos/index.ts';
import type { EventBus } from '../../core/events/bus.ts';
import type { CarePlan } from '../../db/repos/care-plans.ts';
import type { PlanTaskRow } from '../../db/repos/tasks.ts';
import { everyOccurrence, nextEveryOccurrence, taskDueAt, yearlyOccurrence } from '../../core/care/schedule.ts';
import { planTaskOwner } from '../../core/care/plan.ts';
import { dayBounds, localDate } from '../../core/care/zoned.ts';

export interface CareOptions {
  repos: Pick<Repos, 'tasks' | 'carePlans'>;
  bus: EventBus;
  logger: Logger;
  /** IANA zone of "today" and of plan dates (config `timezone`). */
  timezone: string;
  tickS: number;
  planRunS: number;
  clock?: () => Date;
}

export interface PlanRun { planId: string; occurrence: string | null; created: number; members: number }
export interface PlanProgress {
  planId: string; occurrence: string | null; next: string | null;
  created: number; done: number; open: number; overdue: number; cancelled: number;
}

const PAGE = 500;
const CLAIM = 200;

export class CareService {
  private timers: NodeJS.Timeout[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private readonly clock: () => Date;

  constructor(private readonly o: CareOptions) { this.clock = o.clock ?? (() => new Date()); }

  /** Today's local date in the office's zone. */
  today(): string { return localDate(this.clock(), this.o.timezone); }

  /** [start, end) of today, local. */
  todayBounds(): { start: Date; end: Date } { return dayBounds(this.today(), this.o.timezone); }

  /** One run at a time (a tick, a plan run, an API-asked run), in order. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    // the caller of this run gets (and logs) its failure through `p`; the chain only orders the next run
    this.chain = p.catch(() => undefined);
    return p;
  }

  async start(): Promise<void> {
    await this.fireDue();
    await this.runPlans();
    const guard = (what: string, fn: () => Promise<unknown>) => () => { fn().catch((err: unknown) => this.o.logger.error({ err }, `${what} failed`)); };
    this.timers.push(setInterval(guard('task.due sweep', () => this.fireDue()), this.o.tickS * 1000));
    this.timers.push(setInterval(guard('care plan run', () => this.runPlans()), this.o.planRunS * 1000));
    for (const t of this.timers) t.unref();
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.chain; // never rejects: serial() keeps it settled
  }

  /** Emits task.due for every open task that fell due and has not fired; returns how many fired. */
  fireDue(): Promise<number> {
    return this.serial(async () => {
      let n = 0;
      for (;;) {
        const due = await this.o.repos.tasks.claimDue(this.clock(), CLAIM);
        for (const t of due) {
          this.o.bus.emit('task.due', { taskId: t.id, ownerId: t.ownerId, customerId: t.customerId, customerName: t.customerName, kind: t.kind, title: t.title, dueAt: t.dueAt, planId: t.planId });
        }
        n += due.length;
        if (due.length < CLAIM) return n;
      }
    });
  }

  /** Runs every active plan. */
  runPlans(): Promise<PlanRun[]> {
    return this.serial(async () => {
      const out: PlanRun[] = [];
      for (const plan of await this.o.repos.carePlans.active()) {
        try { out.push(await this.run(plan)); } catch (err) { this.o.logger.error({ err, planId: plan.id }, 'care plan run failed'); }
      }
      if (out.some((r) => r.created > 0)) this.o.logger.info({ runs: out.filter((r) => r.created > 0) }, 'care plans made tasks');
      return out;
    });
  }

  /** Runs one plan now (an inactive one too); idempotent for the occurrence. */
  runPlan(plan: CarePlan): Promise<PlanRun> { return this.serial(() => this.run(plan)); }

  private async run(plan: CarePlan): Promise<PlanRun> {
    const today = this.today();
    const tz = this.o.timezone;
    const s = plan.schedule;
    const occurrence = s.type === 'every' ? everyOccurrence(s, today) : null;
    if (s.type === 'every' && occurrence === null) return { planId: plan.id, occurrence: null, created: 0, members: 0 };
    let after: string | null = null;
    let created = 0;
    let members = 0;
    for (;;) {
      const page = await this.o.repos.carePlans.members(plan.segment, s.type === 'yearly' ? s.field : null, after, PAGE);
      if (!page.length) break;
      after = page[page.length - 1]!.id;
      members += page.length;
      const rows: PlanTaskRow[] = [];
      for (const m of page) {
        const occ = s.type === 'every' ? occurrence : yearlyOccurrence(m.date, today, s.leadDays ?? 0);
        if (occ === null) continue;
        rows.push({ customerId: m.id, ownerId: planTaskOwner(plan.task, m.ownerId), occurrence: occ, dueAt: taskDueAt(occ, plan.task, tz) });
      }
      created += await this.o.repos.tasks.createForPlan(plan.id, plan.task, rows, `plan:${plan.id}`);
      if (page.length < PAGE) break;
    }
    await this.o.repos.carePlans.markRun(plan.id, this.clock());
    return { planId: plan.id, occurrence: s.type === 'every' ? occurrence : today.slice(0, 4), created, members };
  }

  /** Tasks created, done, open and overdue for the plan's current occurrence (a yearly plan: this year's). */
  async progress(plan: CarePlan): Promise<PlanProgress> {
    const today = this.today();
    const s = plan.schedule;
    const occurrence = s.type === 'every' ? everyOccurrence(s, today) : today.slice(0, 4);
    const next = s.type === 'every' ? nextEveryOccurrence(s, occurrence) : null;
    const counts = occurrence === null
      ? { created: 0, done: 0, open: 0, overdue: 0, cancelled: 0 }
      : await this.o.repos.tasks.planProgress(plan.id, s.type === 'every' ? occurrence : `${occurrence}-`);
    return { planId: plan.id, occurrence, next, ...counts };
  }
}
