/** Pieces shown in the campaign list and on a campaign's page: start/pause/stop, the progress bar, abandonment against the cap. */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { t } from '../../i18n.ts';
import { toast } from '../../components/ui.tsx';
import { fmtNumber } from '../data/format.ts';
import { OUTCOMES, pct, refusal, word, type Campaign, type Stats } from './model.ts';

/** Start / pause / stop as the state allows; a refusal (no line can dial...) is shown beside the buttons. */
export function CampaignActions({ campaign, onChanged }: { campaign: Campaign; onChanged: (c: Campaign) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (action: 'start' | 'pause' | 'stop') => {
    if (action === 'stop' && !confirm(`${t('camp.confirmStop')}\n${campaign.name}`)) return;
    setBusy(true); setError(null);
    try {
      onChanged(await api.post<Campaign>(`/campaigns/${campaign.id}/${action}`));
      toast(t(`camp.did.${action}`));
    } catch (err) { setError(refusal(err)); } finally { setBusy(false); }
  };
  const s = campaign.state;
  return (
    <div class="campaign-actions">
      <div class="row">
        {(s === 'draft' || s === 'paused') && <button type="button" class="primary small-btn" disabled={busy} onClick={() => void act('start')} data-testid={`campaign-start-${campaign.id}`}>{t(s === 'paused' ? 'camp.resume' : 'camp.start')}</button>}
        {s === 'running' && <button type="button" class="small-btn" disabled={busy} onClick={() => void act('pause')} data-testid={`campaign-pause-${campaign.id}`}>{t('camp.pause')}</button>}
        {s !== 'finished' && <button type="button" class="danger small-btn" disabled={busy} onClick={() => void act('stop')} data-testid={`campaign-stop-${campaign.id}`}>{t('camp.stop')}</button>}
      </div>
      {error && <p class="error small" role="alert" data-testid={`campaign-refused-${campaign.id}`}>{error}</p>}
    </div>
  );
}

export function StateBadge({ state }: { state: Campaign['state'] }) {
  return <span class={`badge camp-${state}`} data-state={state}>{word('state', state)}</span>;
}

/** Done of total, the done part split by last outcome where known. */
export function Progress({ stats, testid }: { stats: Stats | undefined; testid?: string }) {
  const total = stats?.numbers.total ?? 0;
  const done = stats?.numbers.done ?? 0;
  const share = total ? done / total : 0;
  return (
    <div class="progress-cell">
      <div class="bar" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label={t('camp.progress')} data-testid={testid}>
        <span style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </div>
      <span class="small muted nowrap">{fmtNumber(done)} / {fmtNumber(total)}</span>
    </div>
  );
}

/** Outcome counts as small coloured chips, in the usual order. */
export function OutcomeChips({ outcomes }: { outcomes: Record<string, number> | undefined }) {
  const known = OUTCOMES.filter(([o]) => (outcomes?.[o] ?? 0) > 0);
  const other = Object.entries(outcomes ?? {}).filter(([o, n]) => n > 0 && !OUTCOMES.some(([k]) => k === o));
  if (!known.length && !other.length) return <span class="muted small">–</span>;
  return (
    <span class="chips">
      {known.map(([o, colour]) => <span class="chip" title={word('outcome', o)}><i style={{ background: colour }} />{word('outcome', o)} {fmtNumber(outcomes?.[o])}</span>)}
      {other.map(([o, n]) => <span class="chip"><i />{o} {fmtNumber(n)}</span>)}
    </span>
  );
}

/** Abandonment over the last 24 h against the cap; red when over. */
export function AbandonVsCap({ stats, testid }: { stats: Stats | undefined; testid?: string }) {
  if (!stats) return <span class="muted">–</span>;
  const { day, cap } = stats.abandon;
  const over = day.rate !== null && day.rate > cap;
  return (
    <span class={`nowrap ${over ? 'over-cap' : ''}`} data-testid={testid} data-over={over ? 'true' : 'false'} title={t('camp.abandonHint')}>
      {pct(day.rate)} <span class="muted">/ {pct(cap, 0)}</span>
    </span>
  );
}

/** Whether a request field ("body.settings.retry.busy.delayS") lies under another ("body.settings.retry"). */
export const under = (field: string, prefix: string): boolean => field === prefix || field.startsWith(prefix + '.');

/** The API's refusal of a field (or of anything under it), shown beside it. */
export function Issue({ errors, field }: { errors: Record<string, string>; field: string }) {
  const hits = Object.entries(errors).filter(([f]) => under(f, field));
  if (!hits.length) return null;
  return <span class="field-issue" role="alert" data-testid={`field-error-${field}`}>{hits.map(([f, m]) => (f === field ? m : `${f.slice(field.length + 1)}: ${m}`)).join('; ')}</span>;
}
