/** Reports: call figures for a period, grouped by hour, day, agent, queue or line; charts, a table with totals, CSV export. */
import { useMemo, useState } from 'preact/hooks';
import type { ChartConfiguration } from 'chart.js';
import { api, qs } from '../api.ts';
import { t, fmtDuration, fmtPercent, locale } from '../i18n.ts';
import { ErrorNote, useLoad } from '../components/ui.tsx';
import { ChartBox, COLORS } from './reports/charts.tsx';
import { TIME_GROUPS, browserTimeZone, bucketKeys, dayValue, periodOf, type GroupBy, type Preset } from './reports/period.ts';
import { fmtNumber, inputValue } from './data/format.ts';

interface Row {
  key: string; total: number; answered: number; abandoned: number; missed: number; blocked: number; voicemail: number;
  serviceLevel: number | null; averageHandleMs: number | null; averageWaitMs: number | null;
  serviceLevelCalls: number; serviceLevelMet: number; queued: number;
}
interface Stats { groupBy: string; from: string; to: string; items: Row[] }
interface Agent { id: string; name: string }

const GROUPS: Array<{ id: GroupBy; label: 'rep.byHour' | 'rep.byDay' | 'rep.byAgent' | 'rep.byQueue' | 'rep.byLine' }> = [
  { id: 'hour', label: 'rep.byHour' }, { id: 'day', label: 'rep.byDay' }, { id: 'agent', label: 'rep.byAgent' }, { id: 'queue', label: 'rep.byQueue' }, { id: 'line', label: 'rep.byLine' },
];
const PRESETS: Array<{ id: Preset; label: 'rep.today' | 'rep.last7' | 'rep.last30' | 'rep.custom' }> = [
  { id: 'today', label: 'rep.today' }, { id: '7', label: 'rep.last7' }, { id: '30', label: 'rep.last30' }, { id: 'custom', label: 'rep.custom' },
];
const SERVICE_LEVEL_S = 20;

/** A row key as a label: hours and days in the local way, '' as "none", agents by name. */
function keyLabel(group: GroupBy, key: string, oneDay: boolean, agents: Map<string, string>): string {
  if (group === 'hour') {
    const d = new Date(key); // "2024-05-01T13:00": local time, the zone the report asked for
    if (Number.isNaN(d.getTime())) return key;
    return new Intl.DateTimeFormat(locale.get(), oneDay ? { hour: 'numeric', minute: '2-digit' } : { month: 'numeric', day: 'numeric', hour: 'numeric' }).format(d);
  }
  if (group === 'day') {
    const d = new Date(`${key}T00:00`);
    if (Number.isNaN(d.getTime())) return key;
    return new Intl.DateTimeFormat(locale.get(), { month: 'short', day: 'numeric', weekday: 'short' }).format(d);
  }
  if (key === '') return t('rep.none');
  if (group === 'agent') return agents.get(key) ?? key;
  return key;
}

function totalsOf(rows: Row[]): Row {
  const sum = (f: (r: Row) => number) => rows.reduce((a, r) => a + f(r), 0);
  const answered = sum((r) => r.answered);
  // The average handle time is over answered calls, so the rows' answered counts weigh it exactly.
  const handle = sum((r) => (r.averageHandleMs ?? 0) * r.answered);
  const slCalls = sum((r) => r.serviceLevelCalls);
  const queued = sum((r) => r.queued);
  return {
    key: '', total: sum((r) => r.total), answered, abandoned: sum((r) => r.abandoned), missed: sum((r) => r.missed),
    blocked: sum((r) => r.blocked), voicemail: sum((r) => r.voicemail),
    // Each row says what its service level and average wait are over, so the totals are exact.
    serviceLevel: slCalls > 0 ? sum((r) => r.serviceLevelMet) / slCalls : null,
    averageHandleMs: answered > 0 ? Math.round(handle / answered) : null,
    averageWaitMs: queued > 0 ? Math.round(sum((r) => (r.averageWaitMs ?? 0) * r.queued) / queued) : null,
    serviceLevelCalls: slCalls, serviceLevelMet: sum((r) => r.serviceLevelMet), queued,
  };
}

export function Reports(_props: { params: string[] }) {
  const [preset, setPreset] = useState<Preset>('7');
  const [group, setGroup] = useState<GroupBy>('day');
  const today = dayValue(new Date());
  const [customFrom, setCustomFrom] = useState(dayValue(new Date(Date.now() - 6 * 86_400_000)));
  const [customTo, setCustomTo] = useState(today);
  const period = periodOf(preset, customFrom, customTo);
  const query = period ? qs({
    from: period.from.toISOString(), to: period.to.toISOString(), groupBy: group, timeZone: browserTimeZone(), serviceLevelS: SERVICE_LEVEL_S,
  }) : null;
  const stats = useLoad(() => (query ? api.get<Stats>('/stats/calls' + query) : Promise.resolve(null)), [query]);
  const agentsLoad = useLoad(() => (group === 'agent' ? api.get<{ items: Agent[] }>('/agents') : Promise.resolve({ items: [] as Agent[] })), [group]);
  const agents = useMemo(() => new Map((agentsLoad.data?.items ?? []).map((a) => [a.id, a.name])), [agentsLoad.data]);

  const pickPreset = (p: Preset) => {
    setPreset(p);
    if (p === 'today' && group === 'day') setGroup('hour');
    if (p !== 'today' && p !== 'custom' && group === 'hour') setGroup('day');
  };

  // Rows belong to the answer on screen (the query may have changed since).
  const data = stats.data && stats.data.groupBy === group ? stats.data : null;
  const rows = data?.items ?? [];
  const oneDay = !!period && period.to.getTime() - period.from.getTime() <= 25 * 3_600_000;
  const labels = useMemo(() => rows.map((r) => keyLabel(group, r.key, oneDay, agents)), [rows, group, oneDay, agents]);
  const totals = useMemo(() => totalsOf(rows), [rows]);
  const isTime = TIME_GROUPS.includes(group);
  // The charts show every hour or day of the period, quiet ones as zero.
  const fromIso = period?.from.toISOString();
  const toIso = period?.to.toISOString();
  const chartRows = useMemo((): Row[] => {
    const keys = isTime && fromIso && toIso ? bucketKeys(group, new Date(fromIso), new Date(toIso)) : null;
    if (!keys) return rows;
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const extra = rows.filter((r) => !keys.includes(r.key));
    return [...keys.map((k) => byKey.get(k) ?? { key: k, total: 0, answered: 0, abandoned: 0, missed: 0, blocked: 0, voicemail: 0, serviceLevel: null, averageHandleMs: null, averageWaitMs: null, serviceLevelCalls: 0, serviceLevelMet: 0, queued: 0 }), ...extra];
  }, [rows, group, isTime, fromIso, toIso]);
  const chartLabels = useMemo(() => chartRows.map((r) => keyLabel(group, r.key, oneDay, agents)), [chartRows, group, oneDay, agents]);

  const volume = useMemo((): ChartConfiguration<'bar' | 'line', Array<number | null>, string> => ({
    type: 'bar',
    data: {
      labels: chartLabels,
      datasets: [
        { type: 'bar', label: t('rep.answered'), data: chartRows.map((r) => r.answered), backgroundColor: COLORS.answered, stack: 'calls', yAxisID: 'y', maxBarThickness: 56 },
        { type: 'bar', label: t('rep.abandoned'), data: chartRows.map((r) => r.abandoned), backgroundColor: COLORS.abandoned, stack: 'calls', yAxisID: 'y', maxBarThickness: 56 },
        { type: 'bar', label: t('rep.missed'), data: chartRows.map((r) => r.missed), backgroundColor: COLORS.missed, stack: 'calls', yAxisID: 'y', maxBarThickness: 56 },
        ...(isTime ? [{
          type: 'line' as const, label: t('rep.serviceLevel'), data: chartRows.map((r) => r.serviceLevel), borderColor: COLORS.serviceLevel,
          backgroundColor: COLORS.serviceLevel, yAxisID: 'sl', spanGaps: true, tension: 0.2, pointRadius: 3,
        }] : []),
      ],
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: t('rep.calls') } },
        ...(isTime ? { sl: { position: 'right' as const, min: 0, max: 1, grid: { drawOnChartArea: false }, ticks: { callback: (v: string | number) => fmtPercent(Number(v)) }, title: { display: true, text: t('rep.serviceLevel') } } } : {}),
      },
      plugins: {
        tooltip: { callbacks: { label: (c) => `${c.dataset.label ?? ''}: ${c.dataset.yAxisID === 'sl' ? fmtPercent(c.parsed.y) : fmtNumber(c.parsed.y)}` } },
      },
    },
  }), [chartRows, chartLabels, isTime]);

  const aht = useMemo((): ChartConfiguration<'bar' | 'line', Array<number | null>, string> => ({
    type: 'bar',
    data: { labels, datasets: [{ type: 'bar', label: t('rep.aht'), data: rows.map((r) => (r.averageHandleMs === null ? null : r.averageHandleMs / 1000)), backgroundColor: COLORS.aht, maxBarThickness: 56 }] },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: { y: { beginAtZero: true, suggestedMax: 60, ticks: { precision: 0, callback: (v: string | number) => fmtDuration(Number(v) * 1000) }, title: { display: true, text: t('rep.ahtAxis') } } },
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => `${t('rep.aht')}: ${fmtDuration((c.parsed.y ?? 0) * 1000)}` } } },
    },
  }), [rows, labels]);

  const csvHref = query ? `/api/v1/stats/calls${query}&format=csv` : undefined;
  const groupLabel = t(GROUPS.find((g) => g.id === group)!.label);

  return (
    <div class="page" data-testid="reports-page">
      <div class="row page-head">
        <h1>{t('rep.title')}</h1><span class="spacer" />
        {csvHref && <a class="button" href={csvHref} download={`kefu-calls-by-${group}.csv`} data-testid="report-csv">{t('rep.csv')}</a>}
      </div>
      <section class="card">
        <div class="toolbar">
          <fieldset class="segmented">
            <legend>{t('rep.period')}</legend>
            {PRESETS.map((p) => (
              <button type="button" key={p.id} class={preset === p.id ? 'primary' : ''} aria-pressed={preset === p.id} onClick={() => pickPreset(p.id)} data-testid={`report-preset-${p.id}`}>{t(p.label)}</button>
            ))}
          </fieldset>
          {preset === 'custom' && (
            <>
              <label>{t('common.from')}<input type="date" value={customFrom} max={customTo || today} onChange={(e) => setCustomFrom(inputValue(e))} data-testid="report-from" /></label>
              <label>{t('common.to')}<input type="date" value={customTo} min={customFrom} onChange={(e) => setCustomTo(inputValue(e))} data-testid="report-to" /></label>
            </>
          )}
          <label>{t('rep.groupBy')}
            <select value={group} onChange={(e) => setGroup(inputValue(e) as GroupBy)} data-testid="report-group">
              {GROUPS.map((g) => <option value={g.id} key={g.id}>{t(g.label)}</option>)}
            </select>
          </label>
        </div>
        {!period && <p class="error" role="alert">{t('rep.badPeriod')}</p>}
        <ErrorNote error={stats.error} />
        {period && !data && !stats.error && <p class="muted" role="status">{t('common.loading')}</p>}
        {data && (
          <div class="kpis" data-testid="report-kpis">
            <div class="kpi"><b>{fmtNumber(totals.total)}</b><span>{t('rep.total')}</span></div>
            <div class="kpi"><b class="ok">{fmtNumber(totals.answered)}</b><span>{t('rep.answered')}</span></div>
            <div class="kpi"><b class="error">{fmtNumber(totals.abandoned)}</b><span>{t('rep.abandoned')}</span></div>
            <div class="kpi"><b>{fmtNumber(totals.missed)}</b><span>{t('rep.missed')}</span></div>
            <div class="kpi"><b>{totals.total ? fmtPercent(totals.answered / totals.total) : '–'}</b><span>{t('rep.answerRate')}</span></div>
            <div class="kpi"><b>{fmtDuration(totals.averageHandleMs) || '–'}</b><span>{t('rep.aht')}</span></div>
          </div>
        )}
      </section>
      {data && rows.length === 0 && <section class="card"><p class="muted" data-testid="report-empty">{t('rep.noData')}</p></section>}
      {data && rows.length > 0 && (
        <>
          <div class={isTime ? '' : 'grid'}>
            <section class="card">
              <h2>{t('rep.calls')} · {groupLabel}</h2>
              <ChartBox key={`volume-${group}`} config={volume} label={`${t('rep.calls')} · ${groupLabel}`} testid="chart-volume" />
            </section>
            {!isTime && (
              <section class="card">
                <h2>{t('rep.aht')} · {groupLabel}</h2>
                <ChartBox key={`aht-${group}`} config={aht} label={`${t('rep.aht')} · ${groupLabel}`} testid="chart-aht" />
              </section>
            )}
          </div>
          <section class="card">
            <h2>{groupLabel}</h2>
            <div class="table-wrap">
              <table class="numbers" data-testid="report-table">
                <thead><tr>
                  <th scope="col">{groupLabel}</th><th scope="col">{t('rep.total')}</th><th scope="col">{t('rep.answered')}</th>
                  <th scope="col">{t('rep.abandoned')}</th><th scope="col">{t('rep.missed')}</th><th scope="col">{t('rep.blocked')}</th>
                  <th scope="col">{t('rep.voicemail')}</th><th scope="col" title={`≤ ${SERVICE_LEVEL_S} s`}>{t('rep.serviceLevel')}</th>
                  <th scope="col">{t('rep.aht')}</th><th scope="col">{t('rep.asa')}</th>
                </tr></thead>
                <tbody>
                  {rows.map((r, i) => (
                    <tr key={r.key} data-testid={`report-row-${r.key || 'none'}`}>
                      <th scope="row">{labels[i]}</th><td>{fmtNumber(r.total)}</td><td>{fmtNumber(r.answered)}</td><td>{fmtNumber(r.abandoned)}</td>
                      <td>{fmtNumber(r.missed)}</td><td>{fmtNumber(r.blocked)}</td><td>{fmtNumber(r.voicemail)}</td><td>{fmtPercent(r.serviceLevel)}</td>
                      <td>{fmtDuration(r.averageHandleMs) || '–'}</td><td>{fmtDuration(r.averageWaitMs) || '–'}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr data-testid="report-totals">
                    <th scope="row">{t('rep.total')}</th><td>{fmtNumber(totals.total)}</td><td>{fmtNumber(totals.answered)}</td><td>{fmtNumber(totals.abandoned)}</td>
                    <td>{fmtNumber(totals.missed)}</td><td>{fmtNumber(totals.blocked)}</td><td>{fmtNumber(totals.voicemail)}</td><td>{fmtPercent(totals.serviceLevel)}</td>
                    <td>{fmtDuration(totals.averageHandleMs) || '–'}</td><td>{fmtDuration(totals.averageWaitMs) || '–'}</td>
                  </tr>
                </tfoot>
              </table>
            </div>
          </section>
        </>
      )}
    </div>
  );
}
