/** Scorecard records as the API returns them, and the calls the pages make. */
import { api, qs } from '../../api.ts';
import { t, type MessageKey } from '../../i18n.ts';

export type Grade = 'A' | 'B' | 'C' | 'D' | 'E';
export type PeriodState = 'open' | 'computed' | 'reviewed' | 'published';
export interface Period { id: string; schemeId: string; kind: 'individual' | 'team'; label: string; from: string; to: string; state: PeriodState; computedAt: string | null; publishedAt: string | null }
export interface CardItem { kpi: string; value: number | null; target: number; score: number; weight: number; weighted: number }
export interface Card {
  id: string; periodId: string; agentId: string; teamId: string | null; items: CardItem[]; kpiScore: number; selfScore: number | null; supervisorScore: number | null;
  reviewScore: number; deductions: number; adjustments: number; total: number; rank: number; ownGrade: Grade; teamGrade: Grade | null; grade: Grade;
}
export interface TeamResult { teamId: string; items: Array<{ kpi: string; level: number; value: number | null; rank: number; points: number }>; total: number; rank: number; grade: Grade }
export interface Deduction { id: string; kind: string; points: number; reason: string; createdAt: string; voidedAt: string | null; voidReason: string | null }
export interface Change { id: string; at: string; actor: string; reason: string; before: Record<string, unknown> | null; after: Record<string, unknown> }
export interface Review { agentId: string; kind: 'self' | 'supervisor'; score: number; comment: string | null }
export interface CardDetail extends Card { period: Period; reviews: Review[]; deductionList: Deduction[]; history: Change[] }
export interface Appeal {
  id: string; scorecardId: string; deductionId: string | null; agentId: string; reason: string; status: 'open' | 'upheld' | 'rejected'; dueAt: string; overdue: boolean;
  answer: string | null; adjustment: number | null; createdAt: string;
}
export interface Scheme { id: string; name: string; kind: 'individual' | 'team'; definition: Record<string, unknown> }

export const KPIS = ['answered', 'responseMs', 'handleMs', 'conversion', 'complaints', 'churn', 'survey'] as const;
export const kpiLabel = (k: string): string => t(`sc.kpi.${k}` as MessageKey);
export const GRADE_COLORS: Record<Grade, string> = { A: '#1a7f37', B: '#0b6bcb', C: '#d4a72c', D: '#e0823d', E: '#c0262d' };

export const sc = {
  periods: () => api.get<{ items: Period[] }>('/scorecards/periods?limit=100'),
  schemes: () => api.get<{ items: Scheme[] }>('/scorecards/schemes?limit=100'),
  results: (id: string) => api.get<{ period: Period; cards: Card[]; teams: TeamResult[] }>(`/scorecards/periods/${id}/results`),
  reviews: (id: string) => api.get<{ items: Review[] }>(`/scorecards/periods/${id}/reviews`),
  step: (id: string, step: 'compute' | 'close-reviews' | 'reopen' | 'publish') => api.post<Period>(`/scorecards/periods/${id}/${step}`),
  review: (id: string, body: { agentId: string; kind: 'self' | 'supervisor'; score: number; comment?: string | null }) => api.put<Review>(`/scorecards/periods/${id}/reviews`, body),
  deduct: (id: string, body: { agentId: string; points: number; reason: string }) => api.post<Deduction>(`/scorecards/periods/${id}/deductions`, body),
  cards: (agentId?: string) => api.get<{ items: Card[] }>(`/scorecards${qs({ limit: 100, agentId })}`),
  card: (id: string) => api.get<CardDetail>(`/scorecards/${id}`),
  appeals: (o: { overdue?: boolean; scorecardId?: string }) => api.get<{ items: Appeal[] }>(o.scorecardId ? `/scorecards/${o.scorecardId}/appeals?limit=100` : `/scorecards/appeals${qs({ limit: 100, overdue: o.overdue ? 'true' : undefined })}`),
  appeal: (cardId: string, body: { reason: string; deductionId?: string }) => api.post<Appeal>(`/scorecards/${cardId}/appeals`, body),
  decide: (cardId: string, appealId: string, body: { status: 'upheld' | 'rejected'; answer: string; adjustment?: number }) => api.post<Appeal>(`/scorecards/${cardId}/appeals/${appealId}/decision`, body),
};

export const fmtScore = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : String(Math.round(x * 100) / 100));
