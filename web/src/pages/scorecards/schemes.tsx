/** The schemes editor: items (KPI, target, rule, weight; or level for a team scheme) and the scheme's settings; opening a month. */
import { useState } from 'preact/hooks';
import { ApiError } from '../../api.ts';
import { t } from '../../i18n.ts';
import { ErrorNote, errorText, toast, useLoad } from '../../components/ui.tsx';
import { inputValue, splitList } from '../data/format.ts';
import { api } from '../../api.ts';
import { KPIS, kpiLabel, sc, type Scheme } from './model.ts';

interface Item { kpi: string; target: string; weight: string; rule: 'linear' | 'bands'; max: string; bands: string; level: string }
const blank = (kpi: string): Item => ({ kpi, target: '', weight: '', rule: 'linear', max: '120', bands: '', level: '4' });
const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));

/** "0:100, 1:60, 2:20" → bands (best first). */
const bandsOf = (s: string) => s.split(/[,，]/).map((x) => x.trim()).filter(Boolean).map((x) => { const [l, v] = x.split(':'); return { limit: num(l ?? ''), score: num(v ?? '') }; });

function definitionOf(kind: 'individual' | 'team', items: Item[], f: Record<string, string>, bound: boolean): Record<string, unknown> {
  const outcomes = splitList(f.outcomes ?? '');
  if (kind === 'team') return { items: items.map((i) => ({ kpi: i.kpi, level: num(i.level) })), conversionOutcomes: outcomes, grades: { A: num(f.teamA ?? '92') } };
  return {
    items: items.map((i) => ({ kpi: i.kpi, target: num(i.target), weight: num(i.weight), rule: i.rule === 'linear' ? { type: 'linear', max: num(i.max) } : { type: 'bands', bands: bandsOf(i.bands) } })),
    conversionOutcomes: outcomes, parts: { kpi: num(f.pk!), review: 100 - num(f.pk!) }, reviewWeights: { self: num(f.self!), supervisor: 100 - num(f.self!) },
    complaintDeduction: num(f.deduction!), grades: { A: num(f.A!), B: num(f.B!), C: num(f.C!), D: num(f.D!) }, appealDays: num(f.days!),
    teamSchemeId: f.teamScheme || null, boundByTeam: bound,
  };
}

export function Schemes({ onPeriod }: { onPeriod: () => void }) {
  const list = useLoad(() => sc.schemes(), []);
  const [kind, setKind] = useState<'individual' | 'team'>('individual');
  const [name, setName] = useState('');
  const [items, setItems] = useState<Item[]>([blank('answered')]);
  const [f, setF] = useState<Record<string, string>>({ pk: '70', self: '30', deduction: '50', A: '90', B: '80', C: '70', D: '60', days: '7', teamA: '92', outcomes: '', teamScheme: '' });
  const [bound, setBound] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [month, setMonth] = useState(new Date().toISOString().slice(0, 7));
  const set = (k: string) => (e: Event) => setF({ ...f, [k]: inputValue(e) });
  const setItem = (i: number, patch: Partial<Item>) => setItems(items.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const sum = items.reduce((a, i) => a + (Number(i.weight) || 0), 0);

  const save = () => api.post<Scheme>('/scorecards/schemes', { name, kind, definition: definitionOf(kind, items, f, bound) })
    .then(() => { setError(null); toast(t('sc.saved')); list.reload(); }, (e: unknown) => setError(e instanceof ApiError ? e.message : errorText(e)));
  const openMonth = (s: Scheme) => api.post('/scorecards/periods', { schemeId: s.id, month, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone })
    .then(() => { toast(t('sc.created')); onPeriod(); }, (e: unknown) => toast(errorText(e)));

  return (
    <div data-testid="sc-schemes">
      <ErrorNote error={list.error} />
      <div class="table-wrap"><table>
        <thead><tr><th>{t('sc.name')}</th><th>{t('sc.kind')}</th><th>{t('sc.openPeriod')}</th></tr></thead>
        <tbody>{(list.data?.items ?? []).map((s) => (
          <tr key={s.id} data-testid={`sc-scheme-${s.name}`}><td>{s.name}</td><td>{t(`sc.kind.${s.kind}`)}</td>
            <td><button type="button" onClick={() => void openMonth(s)} data-testid="sc-open-month">{t('sc.openPeriod')} {month}</button></td></tr>
        ))}</tbody>
      </table></div>
      <label>{t('sc.month')}<input type="month" value={month} onInput={(e) => setMonth(inputValue(e))} data-testid="sc-month" /></label>

      <section class="card">
        <h2>{t('sc.newScheme')}</h2>
        <div class="toolbar">
          <label>{t('sc.name')}<input value={name} maxLength={200} onInput={(e) => setName(inputValue(e))} data-testid="sc-scheme-name" /></label>
          <label>{t('sc.kind')}<select value={kind} onChange={(e) => setKind(inputValue(e) as 'individual' | 'team')} data-testid="sc-scheme-kind">
            <option value="individual">{t('sc.kind.individual')}</option><option value="team">{t('sc.kind.team')}</option></select></label>
        </div>
        <table data-testid="sc-items">
          <thead><tr><th>{t('sc.item')}</th>{kind === 'individual' ? <><th>{t('sc.target')}</th><th>{t('sc.rule')}</th><th>{t('sc.max')} / {t('sc.bands')}</th><th>{t('sc.weight')}</th></> : <th>{t('sc.level')}</th>}<th /></tr></thead>
          <tbody>{items.map((it, i) => (
            <tr key={i}>
              <td><select value={it.kpi} onChange={(e) => setItem(i, { kpi: inputValue(e) })} aria-label={t('sc.item')} data-testid={`sc-item-kpi-${i}`}>{KPIS.map((k) => <option key={k} value={k}>{kpiLabel(k)}</option>)}</select></td>
              {kind === 'individual' ? (
                <>
                  <td><input type="number" value={it.target} onInput={(e) => setItem(i, { target: inputValue(e) })} aria-label={t('sc.target')} data-testid={`sc-item-target-${i}`} /></td>
                  <td><select value={it.rule} onChange={(e) => setItem(i, { rule: inputValue(e) as Item['rule'] })} aria-label={t('sc.rule')}><option value="linear">{t('sc.rule.linear')}</option><option value="bands">{t('sc.rule.bands')}</option></select></td>
                  <td>{it.rule === 'linear'
                    ? <input type="number" value={it.max} onInput={(e) => setItem(i, { max: inputValue(e) })} aria-label={t('sc.max')} />
                    : <input value={it.bands} placeholder="0:100, 1:60, 2:20" onInput={(e) => setItem(i, { bands: inputValue(e) })} aria-label={t('sc.bands')} />}</td>
                  <td><input type="number" value={it.weight} onInput={(e) => setItem(i, { weight: inputValue(e) })} aria-label={t('sc.weight')} data-testid={`sc-item-weight-${i}`} /></td>
                </>
              ) : <td><select value={it.level} onChange={(e) => setItem(i, { level: inputValue(e) })} aria-label={t('sc.level')}>{['1', '2', '3', '4'].map((l) => <option key={l}>{l}</option>)}</select></td>}
              <td><button type="button" class="link" onClick={() => setItems(items.filter((_, j) => j !== i))}>{t('sc.remove')}</button></td>
            </tr>
          ))}</tbody>
        </table>
        <div class="toolbar">
          <button type="button" disabled={items.length >= KPIS.length} onClick={() => setItems([...items, blank(KPIS.find((k) => !items.some((i) => i.kpi === k)) ?? 'answered')])} data-testid="sc-add-item">{t('sc.addItem')}</button>
          {kind === 'individual' && <span class={sum === 100 ? 'ok' : 'error'} data-testid="sc-weights-sum">{t('sc.weightsSum')}: {sum}</span>}
        </div>
        <div class="toolbar">
          <label>{t('sc.outcomes')}<input value={f.outcomes} onInput={set('outcomes')} /></label>
          {kind === 'team' ? <label>A ≥<input type="number" value={f.teamA} onInput={set('teamA')} /></label> : (
            <>
              <label>{t('sc.parts')}<input type="number" min={0} max={100} value={f.pk} onInput={set('pk')} /></label>
              <label>{t('sc.reviewWeights')}<input type="number" min={0} max={100} value={f.self} onInput={set('self')} /></label>
              <label>{t('sc.complaintDeduction')}<input type="number" min={0} value={f.deduction} onInput={set('deduction')} /></label>
              <label>{t('sc.gradesAt')}{(['A', 'B', 'C', 'D'] as const).map((g) => <input key={g} type="number" value={f[g]} onInput={set(g)} aria-label={g} data-testid={`sc-grade-${g}`} style={{ width: '4.5em' }} />)}</label>
              <label>{t('sc.appealDays')}<input type="number" min={1} max={90} value={f.days} onInput={set('days')} /></label>
              <label>{t('sc.teamScheme')}<select value={f.teamScheme} onChange={set('teamScheme')}><option value="" />{(list.data?.items ?? []).filter((s) => s.kind === 'team').map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}</select></label>
              <label><input type="checkbox" checked={bound} onChange={(e) => setBound((e.target as HTMLInputElement).checked)} /> {t('sc.boundByTeam')}</label>
            </>
          )}
        </div>
        {error && <p class="error" role="alert" data-testid="sc-scheme-error">{error}</p>}
        <button type="button" class="primary" disabled={!name} onClick={() => void save()} data-testid="sc-scheme-save">{t('sc.save')}</button>
      </section>
    </div>
  );
}
