/**
 * One campaign: its figures live from campaign.update (progress by outcome,
 * remaining, ETA, dial rate, abandonment against the cap, the pacing's
 * reason), a live chart of the minutes the page is open, its list (upload a
 * CSV, add customers by tier), its attempts and the compliance panel.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, events } from '../../api.ts';
import { t } from '../../i18n.ts';
import { me } from '../../session.ts';
import { useSignal } from '../../signal.ts';
import { ErrorNote, errorText } from '../../components/ui.tsx';
import { fmtNumber, isWriterRole } from '../data/format.ts';
import { fmtEta, OUTCOMES, pct, word, type Campaign, type Stats } from './model.ts';
import { AbandonVsCap, CampaignActions, Progress, StateBadge } from './parts.tsx';
import { LiveChart, type Point } from './chart.tsx';
import { ListAdd } from './list-add.tsx';
import { AttemptsTable, NumbersTable, useNumbers } from './tables.tsx';
import { CompliancePanel } from './compliance.tsx';

const MAX_POINTS = 720;
const point = (s: Stats): Point => ({ at: Date.now(), abandon: s.abandon.day.rate, dialRate: s.dialRatePerMin });

export function CampaignPage({ id }: { id: string }) {
  const who = useSignal(me);
  const writer = isWriterRole(who?.role);
  const [campaign, setCampaign] = useState<Campaign | null>(null);
  const [stats, setStats] = useState<Stats | null>(null);
  const [points, setPoints] = useState<Point[]>([]);
  const [error, setError] = useState<string | null>(null);
  const numbers = useNumbers(id);

  useEffect(() => {
    let live = true;
    Promise.all([api.get<Campaign>(`/campaigns/${id}`), api.get<Stats>(`/campaigns/${id}/stats`)]).then(([c, s]) => {
      if (!live) return;
      setCampaign(c); setStats(s); setPoints([point(s)]);
    }, (err: unknown) => { if (live) setError(errorText(err)); });
    const off = events.on((e) => {
      if (e.type !== 'campaign.update' || e.data.campaignId !== id) return;
      const s = e.data as unknown as Stats;
      setStats(s);
      setCampaign((c) => (c && c.state !== s.state ? { ...c, state: s.state } : c));
      setPoints((ps) => [...ps, point(s)].slice(-MAX_POINTS));
    });
    return () => { live = false; off(); };
  }, [id]);

  if (!campaign || !stats) return <div class="page"><ErrorNote error={error} />{!error && <div class="card">{t('common.loading')}</div>}</div>;
  const remaining = stats.numbers.pending + stats.numbers.dialing;
  const attempts = Math.max(1, stats.attempts);

  return (
    <div class="page camp" data-testid="campaign-page" data-campaign={campaign.id}>
      <div class="row page-head">
        <a href="#/campaigns">← {t('camp.title')}</a>
        <h1 data-testid="campaign-title">{campaign.name}</h1>
        <StateBadge state={campaign.state} />
        <span class="badge">{word('mode', campaign.mode)}</span>
        <span class="spacer" />
        {writer && <CampaignActions campaign={campaign} onChanged={setCampaign} />}
      </div>
      <ErrorNote error={error} />
      <section class="card kpis" data-testid="campaign-kpis">
        <div class="kpi"><b data-testid="kpi-total">{fmtNumber(stats.numbers.total)}</b><span>{t('camp.total')}</span></div>
        <div class="kpi"><b data-testid="kpi-remaining">{fmtNumber(remaining)}</b><span>{t('camp.remaining')}</span></div>
        <div class="kpi"><b>{fmtNumber(stats.callsUp)}</b><span>{t('camp.callsUp')}</span></div>
        <div class="kpi"><b>{stats.dialRatePerMin.toFixed(1)}</b><span>{t('camp.dialRate')}</span></div>
        <div class="kpi"><b>{fmtEta(stats.etaS)}</b><span>{t('camp.eta')}</span></div>
        <div class="kpi"><b><AbandonVsCap stats={stats} testid="kpi-abandon" /></b><span>{t('camp.abandon24h')}</span></div>
        <div class="kpi"><b>{pct(stats.abandon.month.rate)}</b><span>{t('camp.abandon30d')}</span></div>
      </section>
      <div class="grid">
        <section class="card" data-testid="campaign-outcomes">
          <h2>{t('camp.progress')}</h2>
          <Progress stats={stats} testid="campaign-progress" />
          <table class="outcome-bars"><tbody>
            {OUTCOMES.map(([o, colour]) => {
              const n = stats.outcomes[o] ?? 0;
              return (
                <tr data-testid={`outcome-${o}`}>
                  <th scope="row">{word('outcome', o)}</th>
                  <td class="bar-cell"><div class="bar thin"><span style={{ width: `${((n / attempts) * 100).toFixed(1)}%`, background: colour }} /></div></td>
                  <td class="num">{fmtNumber(n)}</td>
                </tr>
              );
            })}
            <tr><th scope="row">{t('camp.remaining')}</th><td class="bar-cell"><div class="bar thin"><span style={{ width: `${stats.numbers.total ? ((remaining / stats.numbers.total) * 100).toFixed(1) : 0}%`, background: '#b7bfc9' }} /></div></td><td class="num">{fmtNumber(remaining)}</td></tr>
          </tbody></table>
          <p class="small"><span class="muted">{t('camp.pacing')}: </span>
            <span data-testid="campaign-pacing">{stats.pacing ? stats.pacing.reason : t('camp.pacingIdle')}</span>
            {stats.pacing?.theta !== null && stats.pacing?.theta !== undefined && <span class="muted"> · θ {stats.pacing.theta.toFixed(3)}</span>}
          </p>
        </section>
        <section class="card">
          <h2>{t('camp.chart')}</h2>
          <LiveChart points={points} cap={stats.abandon.cap} />
        </section>
      </div>
      {writer && campaign.state !== 'finished' && <ListAdd campaignId={campaign.id} onAdded={numbers.list.reload} />}
      <NumbersTable numbers={numbers} />
      <AttemptsTable campaignId={campaign.id} />
      <CompliancePanel campaignId={campaign.id} version={`${stats.abandon.month.abandoned}/${stats.abandon.month.liveAnswered}`} />
    </div>
  );
}
