/**
 * The scorecards' KPI port (src/core/scorecards/kpi.ts) over the statistics
 * engine: the call figures (answered, answer speed, handle time, conversion)
 * are the statistics' own per-agent sums (src/db/repos/stats-agents.ts, the
 * rollups /stats/kpi reads), so a scorecard and the statistics report never
 * disagree; complaints, churn and surveys, which the statistics do not keep,
 * come from records.ts.
 */
import type { Queryable } from '../types.ts';
import type { AgentKpiSums, KpiQuery, KpiSource } from '../../core/scorecards/kpi.ts';
import { agentPeriodSums } from '../repos/stats-agents.ts';
import { agentRecordSums } from './records.ts';

export class StatsKpiSource implements KpiSource {
  constructor(private readonly db: Queryable) {}

  async sums(q: KpiQuery): Promise<AgentKpiSums[]> {
    if (q.agentIds.length === 0) return [];
    const calls = await agentPeriodSums(this.db, { from: q.from, to: q.to, agentIds: q.agentIds, outcomes: q.conversionOutcomes });
    const records = await agentRecordSums(this.db, q);
    return calls.rows.map((c) => ({
      agentId: c.agentId,
      answered: c.answered,
      responseCount: c.answered,
      responseTotalMs: c.answerWaitMs,
      handleCount: c.answered,
      handleTotalMs: c.talkMs + c.wrapMs,
      converted: c.converted,
      ...records.get(c.agentId)!,
    }));
  }
}
