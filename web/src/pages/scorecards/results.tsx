/** Results of a period: the steps of its life, a chart of totals (coloured by grade) and of grades, and the table. */
import { useMemo } from 'preact/hooks';
import type { ChartConfiguration } from 'chart.js';
import { t, type MessageKey } from '../../i18n.ts';
import { ErrorNote, errorText, toast, useLoad } from '../../components/ui.tsx';
import { ChartBox } from '../reports/charts.tsx';
import { GRADE_COLORS, fmtScore, kpiLabel, sc, type Card, type Grade, type Period, type TeamResult } from './model.ts';

type Cfg = ChartConfiguration<'bar' | 'line', Array<number | null>, string>;

function charts(rows: Array<{ name: string; total: number; grade: Grade }>): { totals: Cfg; grades: Cfg } {
  const grades: Grade[] = ['A', 'B', 'C', 'D', 'E'];
  return {
    totals: {
      type: 'bar',
      data: { labels: rows.map((r) => r.name), datasets: [{ type: 'bar', label: t('sc.total'), data: rows.map((r) => r.total), backgroundColor: rows.map((r) => GRADE_COLORS[r.grade]), maxBarThickness: 48 }] },
      options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
    },
    grades: {
      type: 'bar',
      data: { labels: grades, datasets: [{ type: 'bar', label: t('sc.grade'), data: grades.map((g) => rows.filter((r) => r.grade === g).length), backgroundColor: grades.map((g) => GRADE_COLORS[g]), maxBarThickness: 48 }] },
      options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    },
  };
}

const NEXT: Record<Period['state'], Array<'compute' | 'close-reviews' | 'reopen' | 'publish'>> = {
  open: ['compute'], computed: ['compute', 'close-reviews'], reviewed: ['reopen', 'publish'], published: [],
};
const STEP_LABEL = { compute: 'sc.compute', 'close-reviews': 'sc.closeReviews', reopen: 'sc.reopen', publish: 'sc.publish' } as const;

export function Results({ period, onChange }: { period: Period; onChange: () => void }) {
  const res = useLoad(() => sc.results(period.id), [period.id, period.state, period.computedAt]);
  const cards: Card[] = res.data?.cards ?? [];
  const teams: TeamResult[] = res.data?.teams ?? [];
  const rows = useMemo(() => (period.kind === 'team' ? teams.map((x) => ({ name: x.teamId, total: x.total, grade: x.grade })) : cards.map((c) => ({ name: c.agentId, total: c.total, grade: c.grade }))), [cards, teams, period.kind]);
  const cfg = useMemo(() => charts(rows), [rows]);
  const step = (s: keyof typeof STEP_LABEL) => sc.step(period.id, s).then(() => { toast(t(STEP_LABEL[s])); onChange(); res.reload(); }, (e: unknown) => toast(errorText(e)));

  return (
    <div data-testid="sc-results">
      <div class="toolbar">
        <span>{t('sc.state')}: <b data-testid="sc-state">{t(`sc.state.${period.state}` as MessageKey)}</b></span>
        {NEXT[period.state].map((s) => <button type="button" key={s} class={s === 'publish' || s === 'compute' ? 'primary' : ''} onClick={() => void step(s)} data-testid={`sc-step-${s}`}>{t(STEP_LABEL[s])}</button>)}
      </div>
      <ErrorNote error={res.error} />
      {res.data && rows.length === 0 && <p class="muted">{t('sc.noCards')}</p>}
      {rows.length > 0 && (
        <>
          <div class="grid">
            <section class="card"><h2>{t('sc.chartTotals')}</h2><ChartBox key={`t-${period.id}`} config={cfg.totals} label={t('sc.chartTotals')} testid="sc-chart-totals" /></section>
            <section class="card"><h2>{t('sc.chartGrades')}</h2><ChartBox key={`g-${period.id}`} config={cfg.grades} label={t('sc.chartGrades')} testid="sc-chart-grades" /></section>
          </div>
          <div class="table-wrap">
            {period.kind === 'individual' ? (
              <table class="numbers" data-testid="sc-table">
                <thead><tr><th>{t('sc.rank')}</th><th>{t('sc.agent')}</th><th>{t('sc.team')}</th><th>{t('sc.kpi')}</th><th>{t('sc.self')}</th><th>{t('sc.supervisor')}</th><th>{t('sc.deductions')}</th><th>{t('sc.adjustments')}</th><th>{t('sc.total')}</th><th>{t('sc.grade')}</th></tr></thead>
                <tbody>{cards.map((c) => (
                  <tr key={c.id} data-testid={`sc-row-${c.agentId}`}>
                    <td>{c.rank}</td><td>{c.agentId}</td><td>{c.teamId ?? ''}</td><td>{fmtScore(c.kpiScore)}</td><td>{fmtScore(c.selfScore)}</td><td>{fmtScore(c.supervisorScore)}</td>
                    <td>{c.deductions ? `−${fmtScore(c.deductions)}` : ''}</td><td>{c.adjustments ? fmtScore(c.adjustments) : ''}</td><td><b>{fmtScore(c.total)}</b></td>
                    <td><span class="badge" style={{ background: GRADE_COLORS[c.grade], color: '#fff' }}>{c.grade}</span>{c.grade !== c.ownGrade && <span class="muted"> ({c.ownGrade})</span>}</td>
                  </tr>
                ))}</tbody>
              </table>
            ) : (
              <table class="numbers" data-testid="sc-team-table">
                <thead><tr><th>{t('sc.rank')}</th><th>{t('sc.team')}</th>{teams[0]?.items.map((i) => <th key={i.kpi}>{kpiLabel(i.kpi)} ×{i.level}</th>)}<th>{t('sc.points')}</th><th>{t('sc.grade')}</th></tr></thead>
                <tbody>{teams.map((x) => (
                  <tr key={x.teamId} data-testid={`sc-team-${x.teamId}`}>
                    <td>{x.rank}</td><td>{x.teamId}</td>{x.items.map((i) => <td key={i.kpi} title={`${i.value ?? '–'} · #${i.rank}`}>{i.points}</td>)}<td><b>{x.total}</b></td>
                    <td><span class="badge" style={{ background: GRADE_COLORS[x.grade], color: '#fff' }}>{x.grade}</span></td>
                  </tr>
                ))}</tbody>
              </table>
            )}
          </div>
        </>
      )}
    </div>
  );
}
