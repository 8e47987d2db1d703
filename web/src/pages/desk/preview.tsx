/**
 * Preview dialling on the desk: when a running preview campaign is worked by
 * this agent (named, or through a queue), the next record (number, name, its
 * data) with Call and Skip, and the countdown after which the campaign dials
 * it by itself when it has one. A record is held for this agent until then.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, events } from '../../api.ts';
import { fmtPhone, t } from '../../i18n.ts';
import { errorText, toast } from '../../components/ui.tsx';
import { fill, inputValue } from '../data/format.ts';
import type { Campaign, ListNumber } from '../campaigns/model.ts';

interface Shown { campaignId: string; number: ListNumber | null; deadline: number | null }

export function PreviewPanel({ agentId, agentState }: { agentId: string; agentState: string | undefined }) {
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [chosen, setChosen] = useState('');
  const [shown, setShown] = useState<Shown | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());

  const loadCampaigns = useCallback(() => {
    api.get<{ items: Campaign[] }>('/campaigns?state=running&limit=100').then((r) => {
      const mine = r.items.filter((c) => c.mode === 'preview' && (c.settings.agents.includes(agentId) || c.settings.queueId !== null));
      setCampaigns(mine);
      setChosen((id) => (mine.some((c) => c.id === id) ? id : mine[0]?.id ?? ''));
    }, () => undefined);
  }, [agentId]);
  useEffect(() => { loadCampaigns(); }, [loadCampaigns]);
  // a campaign started, paused or stopped elsewhere
  useEffect(() => events.on((e) => {
    if (e.type === 'campaign.update' && e.data.mode === 'preview' && (e.data.state === 'running') !== campaigns.some((c) => c.id === e.data.campaignId)) loadCampaigns();
  }), [campaigns, loadCampaigns]);

  const next = useCallback(async (campaignId: string) => {
    setBusy(true); setError(null);
    try {
      const r = await api.post<{ number: ListNumber | null; countdownS: number | null }>(`/campaigns/${campaignId}/preview`, { agentId });
      setShown({ campaignId, number: r.number, deadline: r.number && r.countdownS !== null ? Date.now() + r.countdownS * 1000 : null });
    } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  }, [agentId]);

  // ready (again, after a call) with a campaign: ask for the next record (the one held for me, if any)
  useEffect(() => {
    if (chosen && agentState === 'ready') void next(chosen);
  }, [chosen, agentState, next]);
  // numbers came onto the list while none was due
  useEffect(() => events.on((e) => {
    if (e.type === 'campaign.update' && e.data.campaignId === chosen && agentState === 'ready' && !busy && shown && !shown.number) void next(chosen);
  }), [chosen, agentState, busy, shown, next]);
  useEffect(() => {
    if (!shown?.deadline) return;
    const tick = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(tick);
  }, [shown?.deadline]);

  if (!campaigns.length) return null;
  const n = shown?.campaignId === chosen ? shown.number : null;
  const left = shown?.deadline ? Math.max(0, Math.ceil((shown.deadline - now) / 1000)) : null;
  const act = async (action: 'dial' | 'skip') => {
    if (!n || !shown) return;
    setBusy(true); setError(null);
    try {
      const r = await api.post<{ attemptId: string | null }>(`/campaigns/${shown.campaignId}/preview/${n.id}/${action}`, { agentId });
      if (action === 'dial') { toast(r.attemptId ? t('preview.dialling') : t('preview.notDialled')); setShown({ ...shown, number: null, deadline: null }); }
      else if (agentState === 'ready') { await next(shown.campaignId); } else { setShown(null); }
    } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };

  return (
    <section class="card preview" data-testid="preview-panel">
      <div class="row">
        <h2>{t('preview.title')}</h2><span class="spacer" />
        {campaigns.length > 1 ? (
          <select value={chosen} aria-label={t('preview.campaign')} onChange={(e) => setChosen(inputValue(e))} data-testid="preview-campaign">{campaigns.map((c) => <option value={c.id}>{c.name}</option>)}</select>
        ) : <span class="muted">{campaigns[0]!.name}</span>}
      </div>
      {n ? (
        <div data-testid="preview-record" data-number-id={n.id}>
          <p class="customer-name">{n.name ?? fmtPhone(n.number)}</p>
          <p class="mono" data-testid="preview-number">{fmtPhone(n.number)}</p>
          {Object.keys(n.data).length > 0 && (
            <dl class="fields">{Object.entries(n.data).map(([k, v]) => <><dt>{k}</dt><dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd></>)}</dl>
          )}
          {left !== null && <p class="countdown" role="timer" data-testid="preview-countdown">{fill(t('preview.countdown'), { s: left })}</p>}
          <div class="row">
            <button type="button" class="primary big" disabled={busy} onClick={() => void act('dial')} data-testid="preview-call">{t('preview.call')}</button>
            <button type="button" disabled={busy} onClick={() => void act('skip')} data-testid="preview-skip">{t('preview.skip')}</button>
          </div>
        </div>
      ) : (
        <div class="row">
          <span class="muted" data-testid="preview-empty">{agentState === 'ready' ? t('preview.none') : t('preview.notReady')}</span>
          <button type="button" disabled={busy || !chosen} onClick={() => void next(chosen)} data-testid="preview-next">{t('preview.next')}</button>
        </div>
      )}
      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}
