/**
 * Statistics (统计): KPIs per agent, queue, line, campaign, outcome or
 * direction, by hour, day, week or month, from /stats/kpi (the rollups);
 * a chart, a KPI table, CSV and Excel export, and today's live figures.
 */
import { useMemo, useState } from 'preact/hooks';
import { api, qs } from '../api.ts';
import { t, fmtDuration, fmtPercent, type MessageKey } from '../i18n.ts';
import { ErrorNote, useLoad } from '../components/ui.tsx';
import { ChartBox, kpiChartConfig } from './reports/charts.tsx';
import { browserTimeZone, dayValue, parseDay } from './reports/period.ts';
import { fill, fmtNumber, inputValue } from './data/format.ts';

type Dimension = 'all' | 'agent' | 'queue' | 'line' | 'campaign' | 'outcome' | 'direction';
type Bucket = 'hour' | 'day' | 'week' | 'month' | 'none';
type Preset = 'today' | '7' | 'month' | 'lastMonth' | 'custom';

interface Kpi {
  offered: number; answered: number; abandoned: number; unanswered: number; averageAbandonWaitMs: number | null; rings: number;
  answeredWithinRings: number; answeredWithinRingsRate: number | null; serviceLevel: number | null; averageSpeedOfAnswerMs: number | null;
  averageTalkMs: number | null; averageHoldMs: null; averageWrapUpMs: number | null; averageHandleMs: number | null; occupancy: number | null; utilisation: number | null;
}
interface Row extends Kpi { bucket: string; key: string }
interface Report { dimension: string; bucket: string; serviceLevelS: number; ringCycleS: number; items: Row[]; totals: Kpi }
interface Live { today: Kpi; callsUp: number; waiting: number; agents: Record<string, number> }

const DIMENSIONS: Dimension[] = ['all', 'agent', 'queue', 'line', 'campaign', 'outcome', 'direction'];
const BUCKETS: Bucket[] = ['hour', 'day', 'week', 'month', 'none'];
const PRESETS: Array<{ id: Preset; label: MessageKey }> = [
  { id: 'today', label: 'st.today' }, { id: '7', label: 'st.last7' }, { id: 'month', label: 'st.thisMonth' }, { id: 'lastMonth', label: 'st.lastMonth' }, { id: 'custom', label: 'st.custom' },
];

function periodOf(p: Preset, from: string, to: string, now = new Date()): { from: Date; to: Date } | null {
  const day = (y: number, m: number, d: number) => new Date(y, m, d);
  const y = now.getFullYear(), m = now.getMonth(), d = now.getDate();
  switch (p) {
    case 'today': return { from: day(y, m, d), to: day(y, m, d + 1) };
    case '7': return { from: day(y, m, d - 6), to: day(y, m, d + 1) };
    case 'month': return { from: day(y, m, 1), to: day(y, m + 1, 1) };
    case 'lastMonth': return { from: day(y, m - 1, 1), to: day(y, m, 1) };
    case 'custom': {
      const a = parseDay(from), b = parseDay(to);
      return a && b && a <= b ? { from: a, to: day(b.getFullYear(), b.getMonth(), b.getDate() + 1) } : null;
    }
  }
}

const dash = (s: string) => s || '–';

export function Statistics(_props: { params: string[] }) {
  const [preset, setPreset] = useState<Preset>('7');
  const [dimension, setDimension] = useState<Dimension>('all');
  const [bucket, setBucket] = useState<Bucket>('day');
  const [rings, setRings] = useState(3);
  const [customFrom, setCustomFrom] = useState(dayValue(new Date(Date.now() - 6 * 86_400_000)));
  const [customTo, setCustomTo] = useState(dayValue(new Date()));
  const period = periodOf(preset, customFrom, customTo);
  const query = period ? qs({ from: period.from.toISOString(), to: period.to.toISOString(), dimension, bucket, rings, timeZone: browserTimeZone() }) : null;
  const report = useLoad(() => (query ? api.get<Report>('/stats/kpi' + query) : Promise.resolve(null)), [query]);
  const live = useLoad(() => api.get<Live>('/stats/live' + qs({ timeZone: browserTimeZone(), rings })), [rings]);
  const data = report.data && report.data.dimension === dimension && report.data.bucket === bucket ? report.data : null;
  const rows = data?.items ?? [];
  const label = (r: Row) => [bucket === 'none' ? '' : r.bucket, dimension === 'all' ? '' : (r.key || t('st.none'))].filter(Boolean).join(' · ') || t('st.total');

  // The chart: per bucket (all dimensions summed) when there are buckets, else per key.
  const chart = useMemo(() => {
    const groups = new Map<string, { answered: number; abandoned: number; unanswered: number; met: number; offered: number }>();
    for (const r of rows) {
      const k = bucket === 'none' ? (r.key || t('st.none')) : r.bucket;
      const g = groups.get(k) ?? { answered: 0, abandoned: 0, unanswered: 0, met: 0, offered: 0 };
      g.answered += r.answered; g.abandoned += r.abandoned; g.unanswered += r.unanswered; g.offered += r.offered;
      g.met += Math.round((r.serviceLevel ?? 0) * r.offered);
      groups.set(k, g);
    }
    const labels = [...groups.keys()];
    const values = [...groups.values()].map((g) => ({ ...g, serviceLevel: g.offered ? g.met / g.offered : null }));
    return kpiChartConfig(labels, values, { answered: t('st.answered'), abandoned: t('st.abandoned'), unanswered: t('rep.missed'), serviceLevel: t('st.serviceLevel'), calls: t('st.calls') }, fmtPercent);
  }, [rows, bucket]);

  const exportHref = (format: 'csv' | 'xlsx') => (query ? `/api/v1/stats/kpi${query}&format=${format}` : undefined);
  const cells = (k: Kpi) => [
    fmtNumber(k.offered), fmtNumber(k.answered), fmtNumber(k.abandoned), dash(fmtDuration(k.averageAbandonWaitMs)), fmtPercent(k.answeredWithinRingsRate),
    fmtPercent(k.serviceLevel), dash(fmtDuration(k.averageSpeedOfAnswerMs)), dash(fmtDuration(k.averageTalkMs)), '–',
    dash(fmtDuration(k.averageWrapUpMs)), dash(fmtDuration(k.averageHandleMs)), fmtPercent(k.occupancy), fmtPercent(k.utilisation),
  ];
  const heads: string[] = [
    t('st.offered'), t('st.answered'), t('st.abandoned'), t('st.abandonWait'), fill(t('st.withinRings'), { n: rings }), t('st.serviceLevel'),
    t('st.asa'), t('st.talk'), t('st.hold'), t('st.wrap'), t('st.aht'), t('st.occupancy'), t('st.utilisation'),
  ];

  return (
    <div class="page" data-testid="statistics-page">
      <div class="row page-head">
        <h1>{t('st.title')}</h1><span class="spacer" />
        {exportHref('csv') && <a class="button" href={exportHref('csv')} download={`kefu-stats-${dimension}-by-${bucket}.csv`} data-testid="stats-csv">{t('st.csv')}</a>}
        {exportHref('xlsx') && <a class="button" href={exportHref('xlsx')} download={`kefu-stats-${dimension}-by-${bucket}.xlsx`} data-testid="stats-xlsx">{t('st.xlsx')}</a>}
      </div>
      {live.data && (
        <section class="card">
          <h2>{t('st.live')}</h2>
          <div class="kpis" data-testid="stats-live">
            <div class="kpi"><b>{fmtNumber(live.data.today.offered)}</b><span>{t('st.offered')}</span></div>
            <div class="kpi"><b class="ok">{fmtNumber(live.data.today.answered)}</b><span>{t('st.answered')}</span></div>
            <div class="kpi"><b class="error">{fmtNumber(live.data.today.abandoned)}</b><span>{t('st.abandoned')}</span></div>
            <div class="kpi"><b>{fmtPercent(live.data.today.serviceLevel)}</b><span>{t('st.serviceLevel')}</span></div>
            <div class="kpi"><b>{fmtNumber(live.data.callsUp)}</b><span>{t('st.callsUp')}</span></div>
            <div class="kpi"><b>{fmtNumber(live.data.waiting)}</b><span>{t('st.waiting')}</span></div>
            <div class="kpi"><b>{fmtNumber(live.data.agents.ready ?? 0)}</b><span>{t('st.agentsReady')}</span></div>
          </div>
        </section>
      )}
      <section class="card">
        <div class="toolbar">
          <fieldset class="segmented">
            <legend>{t('st.period')}</legend>
            {PRESETS.map((p) => (
              <button type="button" key={p.id} class={preset === p.id ? 'primary' : ''} aria-pressed={preset === p.id} onClick={() => setPreset(p.id)} data-testid={`stats-preset-${p.id}`}>{t(p.label)}</button>
            ))}
          </fieldset>
          {preset === 'custom' && (
            <>
              <label>{t('common.from')}<input type="date" value={customFrom} onChange={(e) => setCustomFrom(inputValue(e))} data-testid="stats-from" /></label>
              <label>{t('common.to')}<input type="date" value={customTo} onChange={(e) => setCustomTo(inputValue(e))} data-testid="stats-to" /></label>
            </>
          )}
          <label>{t('st.dimension')}
            <select value={dimension} onChange={(e) => setDimension(inputValue(e) as Dimension)} data-testid="stats-dimension">
              {DIMENSIONS.map((d) => <option value={d} key={d}>{t(`st.dim.${d}` as MessageKey)}</option>)}
            </select>
          </label>
          <label>{t('st.bucket')}
            <select value={bucket} onChange={(e) => setBucket(inputValue(e) as Bucket)} data-testid="stats-bucket">
              {BUCKETS.map((b) => <option value={b} key={b}>{t(`st.bucket.${b}` as MessageKey)}</option>)}
            </select>
          </label>
          <label>{fill(t('st.withinRings'), { n: '' }).trim()}
            <select value={String(rings)} onChange={(e) => setRings(Number(inputValue(e)))} data-testid="stats-rings">
              {[1, 2, 3, 4, 5].map((n) => <option value={String(n)} key={n}>{n}</option>)}
            </select>
          </label>
        </div>
        <ErrorNote error={report.error} />
        {period && !data && !report.error && <p class="muted" role="status">{t('common.loading')}</p>}
      </section>
      {data && rows.every((r) => r.offered === 0) && <section class="card"><p class="muted" data-testid="stats-empty">{t('st.noData')}</p></section>}
      {data && (
        <>
          <section class="card">
            <h2>{t('st.calls')}</h2>
            <ChartBox key={`stats-${dimension}-${bucket}`} config={chart} label={t('st.calls')} testid="stats-chart" />
          </section>
          <section class="card">
            <div class="table-wrap">
              <table class="numbers" data-testid="stats-table">
                <thead><tr><th scope="col">{t('st.bucketCol')}</th>{heads.map((h) => <th scope="col" key={h} title={h === t('st.hold') ? t('st.holdNote') : undefined}>{h}</th>)}</tr></thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={`${r.bucket}|${r.key}`} data-testid={`stats-row-${r.bucket || 'all'}-${r.key || 'none'}`}>
                      <th scope="row">{label(r)}</th>{cells(r).map((c, i) => <td key={i}>{c}</td>)}
                    </tr>
                  ))}
                </tbody>
                <tfoot><tr data-testid="stats-totals"><th scope="row">{t('st.total')}</th>{cells(data.totals).map((c, i) => <td key={i}>{c}</td>)}</tr></tfoot>
              </table>
            </div>
          </section>
        </>
      )}
    </div>
  );
}
