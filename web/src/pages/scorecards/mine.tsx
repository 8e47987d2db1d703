/** The agent's own view: their cards, each with items, reviews, deductions and changes; self-review and appeals. */
import { useState } from 'preact/hooks';
import { fmtDateTime, t, type MessageKey } from '../../i18n.ts';
import { ErrorNote, errorText, toast, useLoad } from '../../components/ui.tsx';
import { inputValue } from '../data/format.ts';
import { GRADE_COLORS, fmtScore, kpiLabel, sc, type Period } from './model.ts';

function SelfReview({ period, agentId }: { period: Period; agentId: string }) {
  const [score, setScore] = useState('');
  const save = () => sc.review(period.id, { agentId, kind: 'self', score: Number(score) }).then(() => toast(t('sc.saved')), (e: unknown) => toast(errorText(e)));
  return (
    <form class="toolbar" onSubmit={(e) => { e.preventDefault(); void save(); }} data-testid={`sc-self-${period.id}`}>
      <span>{period.label}</span>
      <label>{t('sc.selfReview')}<input type="number" min={0} max={100} value={score} onInput={(e) => setScore(inputValue(e))} data-testid="sc-self-score" /></label>
      <button type="submit" disabled={score === ''} data-testid="sc-self-save">{t('sc.save')}</button>
    </form>
  );
}

function CardView({ id }: { id: string }) {
  const card = useLoad(() => sc.card(id), [id]);
  const appeals = useLoad(() => sc.appeals({ scorecardId: id }), [id]);
  const [reason, setReason] = useState('');
  const [target, setTarget] = useState<string>('');
  const c = card.data;
  const send = () => sc.appeal(id, { reason, ...(target ? { deductionId: target } : {}) })
    .then(() => { toast(t('sc.appealSent')); setReason(''); appeals.reload(); }, (e: unknown) => toast(errorText(e)));
  if (!c) return <ErrorNote error={card.error} />;
  return (
    <section class="card" data-testid="sc-card">
      <div class="row"><h2>{c.period.label}</h2><span class="spacer" />
        <span class="badge" style={{ background: GRADE_COLORS[c.grade], color: '#fff' }} data-testid="sc-card-grade">{c.grade}</span>
        <b data-testid="sc-card-total">{fmtScore(c.total)}</b><span class="muted">#{c.rank} · {t(`sc.state.${c.period.state}` as MessageKey)}</span></div>
      <table class="numbers">
        <thead><tr><th>{t('sc.item')}</th><th>{t('sc.value')}</th><th>{t('sc.target')}</th><th>{t('sc.score')}</th><th>{t('sc.weight')}</th><th>{t('sc.weighted')}</th></tr></thead>
        <tbody>{c.items.map((i) => <tr key={i.kpi}><td>{kpiLabel(i.kpi)}</td><td>{i.value ?? '–'}</td><td>{i.target}</td><td>{fmtScore(i.score)}</td><td>{i.weight}</td><td>{fmtScore(i.weighted)}</td></tr>)}</tbody>
      </table>
      <p>{t('sc.kpi')} {fmtScore(c.kpiScore)} · {t('sc.self')} {fmtScore(c.selfScore)} · {t('sc.supervisor')} {fmtScore(c.supervisorScore)} · {t('sc.review')} {fmtScore(c.reviewScore)}
        {c.deductions ? ` · ${t('sc.deductions')} −${fmtScore(c.deductions)}` : ''}{c.adjustments ? ` · ${t('sc.adjustments')} ${fmtScore(c.adjustments)}` : ''}</p>
      <h3>{t('sc.deductions')}</h3>
      {c.deductionList.length === 0 ? <p class="muted">{t('sc.none')}</p> : (
        <ul>{c.deductionList.map((d) => <li key={d.id} data-testid="sc-deduction">−{d.points} {d.reason}{d.voidedAt ? ` (${t('sc.void')}: ${d.voidReason ?? ''})` : ''}</li>)}</ul>
      )}
      <h3>{t('sc.appeals')}</h3>
      {(appeals.data?.items ?? []).map((a) => <p key={a.id} data-testid="sc-my-appeal">{a.reason} — <b>{t(`sc.status.${a.status}` as MessageKey)}</b>{a.answer ? `: ${a.answer}` : ''} · {t('sc.due')} {fmtDateTime(a.dueAt)}{a.overdue ? ` · ${t('sc.overdue')}` : ''}</p>)}
      {c.period.state === 'published' && (
        <form class="toolbar" onSubmit={(e) => { e.preventDefault(); void send(); }} data-testid="sc-appeal-form">
          <select value={target} onChange={(e) => setTarget(inputValue(e))} aria-label={t('sc.appeal')} data-testid="sc-appeal-target">
            <option value="">{t('sc.appealCard')}</option>
            {c.deductionList.filter((d) => !d.voidedAt).map((d) => <option key={d.id} value={d.id}>{t('sc.appealDeduction')}: −{d.points} {d.reason}</option>)}
          </select>
          <input value={reason} maxLength={2000} placeholder={t('sc.reason')} onInput={(e) => setReason(inputValue(e))} aria-label={t('sc.reason')} data-testid="sc-appeal-reason" />
          <button type="submit" disabled={!reason} data-testid="sc-appeal-send">{t('sc.appeal')}</button>
        </form>
      )}
      <h3>{t('sc.history')}</h3>
      <table><thead><tr><th>{t('sc.when')}</th><th>{t('sc.who')}</th><th>{t('sc.why')}</th><th>{t('sc.total')}</th></tr></thead>
        <tbody>{c.history.map((h) => <tr key={h.id}><td>{fmtDateTime(h.at)}</td><td>{h.actor}</td><td>{h.reason}</td><td>{h.before ? `${String(h.before.total)} → ` : ''}{String(h.after.total)}</td></tr>)}</tbody></table>
    </section>
  );
}

export function Mine({ agentId }: { agentId: string }) {
  const cards = useLoad(() => sc.cards(), []);
  const periods = useLoad(() => sc.periods(), []);
  const [open, setOpen] = useState<string | null>(null);
  const reviewable = (periods.data?.items ?? []).filter((p) => p.kind === 'individual' && (p.state === 'open' || p.state === 'computed'));
  const current = open ?? cards.data?.items[0]?.id ?? null;
  return (
    <div data-testid="sc-mine">
      <ErrorNote error={cards.error ?? periods.error} />
      {reviewable.map((p) => <SelfReview key={p.id} period={p} agentId={agentId} />)}
      {cards.data && cards.data.items.length === 0 && <p class="muted">{t('sc.noCardsMine')}</p>}
      <div class="toolbar">{(cards.data?.items ?? []).map((c) => (
        <button type="button" key={c.id} class={c.id === current ? 'primary' : ''} onClick={() => setOpen(c.id)} data-testid="sc-my-card">{c.grade} · {fmtScore(c.total)}</button>
      ))}</div>
      {current && <CardView key={current} id={current} />}
    </div>
  );
}
