/**
 * Outbound campaigns (the dialer): the list with each campaign's progress,
 * outcomes and live abandonment against its cap, kept current by
 * campaign.update events; start / pause / stop; the new-campaign form
 * (#/campaigns/new) and a campaign's page (#/campaigns/<id>). Agents read.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, events, qs } from '../api.ts';
import { fmtDateTime, t } from '../i18n.ts';
import { me } from '../session.ts';
import { go } from '../router.ts';
import { useSignal } from '../signal.ts';
import { Section } from '../components/ui.tsx';
import { usePaged } from './data/paged.ts';
import { ListFooter } from './data/list-footer.tsx';
import { inputValue, isWriterRole } from './data/format.ts';
import { word, type Campaign, type Stats } from './campaigns/model.ts';
import { AbandonVsCap, CampaignActions, OutcomeChips, Progress, StateBadge } from './campaigns/parts.tsx';
import { CampaignForm } from './campaigns/form.tsx';
import { CampaignPage } from './campaigns/detail.tsx';

export function Campaigns({ params }: { params: string[] }) {
  const id = params[0];
  if (id === 'new') return <NewCampaign />;
  return id ? <CampaignPage key={id} id={id} /> : <CampaignList />;
}

function NewCampaign() {
  return (
    <div class="page camp" data-testid="campaign-new-page">
      <div class="row page-head"><a href="#/campaigns">← {t('camp.title')}</a></div>
      <Section title={t('camp.new')}>
        <CampaignForm onCancel={() => go('campaigns')} onSaved={(c) => go('campaigns', c.id)} />
      </Section>
    </div>
  );
}

/** Figures of the campaigns shown: fetched once each, then from campaign.update. */
function useStats(ids: string[]): Record<string, Stats> {
  const [stats, setStats] = useState<Record<string, Stats>>({});
  const key = ids.join(',');
  useEffect(() => {
    let live = true;
    for (const id of ids) {
      api.get<Stats>(`/campaigns/${id}/stats`).then((s) => { if (live) setStats((m) => ({ ...m, [id]: s })); }, () => undefined);
    }
    return () => { live = false; };
  }, [key]);
  useEffect(() => events.on((e) => {
    if (e.type !== 'campaign.update') return;
    const s = e.data as unknown as Stats;
    setStats((m) => ({ ...m, [s.campaignId]: s }));
  }), []);
  return stats;
}

function CampaignList() {
  const who = useSignal(me);
  const writer = isWriterRole(who?.role);
  const [state, setState] = useState('');
  const list = usePaged<Campaign>((cursor) => '/campaigns' + qs({ limit: 50, cursor, state }), [state]);
  const stats = useStats(list.items.map((c) => c.id));
  // a state changed elsewhere (another console, the list ran out) arrives with the figures
  const shown = list.items.map((c) => { const s = stats[c.id]; return s && s.state !== c.state ? { ...c, state: s.state } : c; });
  const replace = (c: Campaign) => list.update((xs) => xs.map((x) => (x.id === c.id ? c : x)));

  return (
    <div class="page camp" data-testid="campaigns-page">
      <div class="row page-head">
        <h1>{t('camp.title')}</h1><span class="spacer" />
        <label class="inline">{t('common.state')}
          <select value={state} onChange={(e) => setState(inputValue(e))} data-testid="campaigns-filter-state">
            <option value="">{t('data.any')}</option>
            {(['draft', 'running', 'paused', 'finished'] as const).map((s) => <option value={s}>{word('state', s)}</option>)}
          </select>
        </label>
        {writer && <a class="button primary" href="#/campaigns/new" data-testid="new-campaign">{t('camp.new')}</a>}
      </div>
      <section class="card">
        <div class="table-wrap">
          <table data-testid="campaigns-table">
            <thead><tr>
              <th scope="col">{t('camp.name')}</th><th scope="col">{t('common.state')}</th><th scope="col">{t('camp.mode')}</th>
              <th scope="col">{t('camp.progress')}</th><th scope="col">{t('camp.outcomes')}</th><th scope="col">{t('camp.abandon24h')}</th>
              {writer && <th scope="col"><span class="sr-only">{t('common.actions')}</span></th>}
            </tr></thead>
            <tbody>
              {shown.map((c) => (
                <tr key={c.id} data-testid={`campaign-row-${c.id}`}>
                  <td><a href={`#/campaigns/${c.id}`} data-testid={`campaign-link-${c.id}`}>{c.name}</a><br /><span class="muted small">{fmtDateTime(c.createdAt)}</span></td>
                  <td><StateBadge state={c.state} /></td>
                  <td>{word('mode', c.mode)}</td>
                  <td><Progress stats={stats[c.id]} testid={`campaign-progress-${c.id}`} /></td>
                  <td><OutcomeChips outcomes={stats[c.id]?.outcomes} /></td>
                  <td><AbandonVsCap stats={stats[c.id]} testid={`campaign-abandon-${c.id}`} /></td>
                  {writer && <td class="actions"><CampaignActions campaign={c} onChanged={replace} /></td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ListFooter list={list} empty={t('camp.none')} testid="campaigns-more" />
      </section>
    </div>
  );
}
