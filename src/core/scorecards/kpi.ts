/**
 * The KPI port of the scorecards: the measured figures of agents over a
 * period. The port returns sums and counts (never averages), so a team's
 * figure is exact: the members' sums are pooled and divided once.
 *
 * Implemented by src/db/kpi/stats-kpi-source.ts: the call figures (answered,
 * answer speed, handle time, conversion) are the statistics engine's per-agent
 * sums, the same the /stats/kpi report gives (one source); complaints, churn
 * and surveys from their records. Contract:
 * - the period is [from, to): an instant equal to `to` is outside it;
 * - one row per asked agent, in any order, with zeros when the agent did nothing;
 * - agents not asked for are never returned.
 */
export interface KpiQuery {
  from: Date;
  to: Date;
  agentIds: readonly string[];
  /** Call outcomes (calls.outcome) that count as a conversion. */
  conversionOutcomes: readonly string[];
}

export interface AgentKpiSums {
  agentId: string;
  /** Calls the agent answered (the statistics' "answered": ended calls started in the period). */
  answered: number;
  /** Answer speed: the answered calls and the callers' waits summed (the statistics' ASA: queue wait, else start → answer). */
  responseCount: number;
  responseTotalMs: number;
  /** Handle time: the answered calls and their talk plus wrap-up time summed (the statistics' handle). */
  handleCount: number;
  handleTotalMs: number;
  /** Answered calls whose outcome is one of the conversion outcomes. */
  converted: number;
  /** Complaints against the agent created in the period, rejected ones left out. */
  complaints: number;
  /** Substantiated complaints against the agent created in the period (what deductions are made for). */
  substantiatedComplaintIds: string[];
  /** Customers the agent owns (customers.owner_id) lost (churned_at) in the period. */
  churned: number;
  /** Post-call survey answers (call_surveys) for the agent in the period, and their scores summed. */
  surveyCount: number;
  surveyTotal: number;
}

export interface KpiSource {
  sums(q: KpiQuery): Promise<AgentKpiSums[]>;
}

export const KPI_KEYS = ['answered', 'responseMs', 'handleMs', 'conversion', 'complaints', 'churn', 'survey'] as const;
export type KpiKey = typeof KPI_KEYS[number];

/** Which way is better for each KPI: times, complaints and churn are better low. */
export const LOWER_IS_BETTER: Readonly<Record<KpiKey, boolean>> = {
  answered: false, responseMs: true, handleMs: true, conversion: false, complaints: true, churn: true, survey: false,
};

/** The figures a scheme scores; null where there is nothing to average over. */
export type KpiValues = Record<KpiKey, number | null>;

const ratio = (a: number, b: number, digits: number): number | null => (b > 0 ? roundTo(a / b, digits) : null);

export function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  // Half away from zero, immune to binary noise such as 1.005 * 100 = 100.49999.
  return Math.sign(x) * Math.round(Math.abs(x) * f + 1e-9) / f;
}

/** Averages and ratios from sums: times in whole ms, conversion as a fraction (4 places), survey (2 places). */
export function kpiValues(s: Omit<AgentKpiSums, 'agentId' | 'substantiatedComplaintIds'>): KpiValues {
  return {
    answered: s.answered,
    responseMs: ratio(s.responseTotalMs, s.responseCount, 0),
    handleMs: ratio(s.handleTotalMs, s.handleCount, 0),
    conversion: ratio(s.converted, s.answered, 4),
    complaints: s.complaints,
    churn: s.churned,
    survey: ratio(s.surveyTotal, s.surveyCount, 2),
  };
}

/** Several agents' sums as one (a team). */
export function poolSums(list: readonly AgentKpiSums[]): Omit<AgentKpiSums, 'agentId' | 'substantiatedComplaintIds'> {
  const z = { answered: 0, responseCount: 0, responseTotalMs: 0, handleCount: 0, handleTotalMs: 0, converted: 0, complaints: 0, churned: 0, surveyCount: 0, surveyTotal: 0 };
  for (const s of list) for (const k of Object.keys(z) as Array<keyof typeof z>) z[k] += s[k];
  return z;
}
