/** Scorecards (绩效考核): leads get results, reviews, schemes and appeals; an agent their own cards. */
import { useState } from 'preact/hooks';
import { t } from '../i18n.ts';
import { me } from '../session.ts';
import { useSignal } from '../signal.ts';
import { ErrorNote, useLoad } from '../components/ui.tsx';
import { inputValue } from './data/format.ts';
import { sc } from './scorecards/model.ts';
import { Results } from './scorecards/results.tsx';
import { Appeals, Reviews } from './scorecards/reviews.tsx';
import { Schemes } from './scorecards/schemes.tsx';
import { Mine } from './scorecards/mine.tsx';

type Tab = 'results' | 'reviews' | 'schemes' | 'appeals' | 'mine';

export function Scorecards(_props: { params: string[] }) {
  const who = useSignal(me);
  const lead = who?.user?.role === 'admin' || who?.user?.role === 'supervisor';
  const agentId = who?.user?.agentId ?? null;
  const [tab, setTab] = useState<Tab>(lead ? 'results' : 'mine');
  const periods = useLoad(() => (lead ? sc.periods() : Promise.resolve({ items: [] })), [lead]);
  const [picked, setPicked] = useState<string>('');
  const period = periods.data?.items.find((p) => p.id === picked) ?? periods.data?.items[0];
  const tabs: Tab[] = lead ? ['results', 'reviews', 'schemes', 'appeals', ...(agentId ? ['mine' as const] : [])] : ['mine'];

  return (
    <div class="page" data-testid="scorecards-page">
      <div class="row page-head"><h1>{t('sc.title')}</h1></div>
      {tabs.length > 1 && (
        <fieldset class="segmented">
          <legend class="sr-only">{t('sc.title')}</legend>
          {tabs.map((x) => <button type="button" key={x} class={tab === x ? 'primary' : ''} aria-pressed={tab === x} onClick={() => setTab(x)} data-testid={`sc-tab-${x}`}>{t(`sc.${x}`)}</button>)}
        </fieldset>
      )}
      {(tab === 'results' || tab === 'reviews') && (
        <section class="card">
          <ErrorNote error={periods.error} />
          {periods.data && periods.data.items.length === 0 && <p class="muted">{t('sc.noPeriods')}</p>}
          {period && (
            <>
              <label>{t('sc.period')}
                <select value={period.id} onChange={(e) => setPicked(inputValue(e))} data-testid="sc-period">
                  {periods.data!.items.map((p) => <option key={p.id} value={p.id}>{p.label} · {t(`sc.kind.${p.kind}`)}</option>)}
                </select>
              </label>
              {tab === 'results' ? <Results period={period} onChange={periods.reload} /> : <Reviews period={period} onChange={periods.reload} />}
            </>
          )}
        </section>
      )}
      {tab === 'schemes' && <Schemes onPeriod={periods.reload} />}
      {tab === 'appeals' && <section class="card"><Appeals /></section>}
      {tab === 'mine' && (agentId ? <Mine agentId={agentId} /> : <p class="muted">{t('sc.noCardsMine')}</p>)}
    </div>
  );
}
