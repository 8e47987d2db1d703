/**
 * The compliance panel: abandonment (abandoned ÷ live-answered) over the
 * last 24 hours and 30 days against the cap, the rules the campaign keeps
 * (ring time, connect limit), the abandoned calls, and the audit as CSV and PDF.
 */
import { api } from '../../api.ts';
import { fmtDateTime, fmtPhone, t } from '../../i18n.ts';
import { ErrorNote, useLoad } from '../../components/ui.tsx';
import { fill, fmtNumber } from '../data/format.ts';
import { pct, type AbandonWindow, type Attempt } from './model.ts';

interface Compliance {
  campaignId: string; cap: number; connectWithinS: number; minRingS: number; ringTimeoutS: number;
  day: AbandonWindow; month: AbandonWindow; withinCap: boolean; abandoned: Attempt[]; next: string | null;
}

export function CompliancePanel({ campaignId, version }: { campaignId: string; version: string }) {
  const c = useLoad(() => api.get<Compliance>(`/campaigns/${campaignId}/compliance?limit=20`), [campaignId, version]);
  const d = c.data;
  const base = `/api/v1/campaigns/${campaignId}/compliance/export`;
  const figure = (w: AbandonWindow, label: string, testid: string) => (
    <div class={`kpi ${d && w.rate !== null && w.rate > d.cap ? 'over-cap' : ''}`} data-testid={testid}>
      <b>{pct(w.rate)}</b><span>{label}</span>
      <span class="small muted">{fill(t('camp.abandonedOf'), { abandoned: fmtNumber(w.abandoned), live: fmtNumber(w.liveAnswered) })}</span>
    </div>
  );
  return (
    <section class="card" data-testid="campaign-compliance">
      <div class="row"><h2>{t('camp.compliance')}</h2><span class="spacer" />
        <a class="button small-btn" href={`${base}?format=csv`} download data-testid="compliance-csv">CSV</a>
        <a class="button small-btn" href={`${base}?format=pdf`} download data-testid="compliance-pdf">PDF</a>
      </div>
      <ErrorNote error={c.error} />
      {d && <>
        <p>
          <span class={`badge ${d.withinCap ? 'ready' : 'paused'}`} data-testid="compliance-verdict" data-within={String(d.withinCap)}>{d.withinCap ? t('camp.withinCap') : t('camp.overCap')}</span>
          <span class="muted small"> {fill(t('camp.rules'), { cap: pct(d.cap, 0), connect: d.connectWithinS, ring: d.ringTimeoutS, minRing: d.minRingS })}</span>
        </p>
        <div class="kpis">
          {figure(d.day, t('camp.last24h'), 'compliance-day')}
          {figure(d.month, t('camp.last30d'), 'compliance-month')}
        </div>
        <h3>{t('camp.abandonedCalls')}</h3>
        {d.abandoned.length === 0 ? <p class="muted" data-testid="compliance-none">{t('camp.noAbandoned')}</p> : (
          <div class="table-wrap"><table data-testid="compliance-abandoned">
            <thead><tr><th scope="col">{t('camp.placedAt')}</th><th scope="col">{t('common.number')}</th><th scope="col">{t('common.line')}</th><th scope="col">{t('camp.answeredAt')}</th><th scope="col">{t('camp.endedAt')}</th></tr></thead>
            <tbody>{d.abandoned.map((a) => (
              <tr><td class="nowrap small">{fmtDateTime(a.placedAt)}</td><td class="mono nowrap">{fmtPhone(a.number)}</td><td>{a.lineId ?? ''}</td><td class="nowrap small">{fmtDateTime(a.answeredAt)}</td><td class="nowrap small">{fmtDateTime(a.endedAt)}</td></tr>
            ))}</tbody>
          </table></div>
        )}
        {d.next && <p class="small muted">{t('camp.moreInExport')}</p>}
      </>}
    </section>
  );
}
