/** Supervisor reviews (主管评分) and manual deductions for a period; appeals to answer. */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { fmtDateTime, t, type MessageKey } from '../../i18n.ts';
import { ErrorNote, errorText, toast, useLoad } from '../../components/ui.tsx';
import { inputValue } from '../data/format.ts';
import { fmtScore, sc, type Appeal, type Period } from './model.ts';

function ReviewRow({ period, agentId, self, sup, onSaved }: { period: Period; agentId: string; self: number | null; sup: number | null; onSaved: () => void }) {
  const [score, setScore] = useState(sup === null ? '' : String(sup));
  const [comment, setComment] = useState('');
  const save = () => sc.review(period.id, { agentId, kind: 'supervisor', score: Number(score), comment: comment || null })
    .then(() => { toast(t('sc.saved')); onSaved(); }, (e: unknown) => toast(errorText(e)));
  return (
    <tr data-testid={`sc-review-${agentId}`}>
      <td>{agentId}</td><td>{fmtScore(self)}</td>
      <td><input type="number" min={0} max={100} step="0.5" value={score} onInput={(e) => setScore(inputValue(e))} aria-label={`${t('sc.supervisor')} ${agentId}`} data-testid={`sc-sup-${agentId}`} /></td>
      <td><input value={comment} maxLength={2000} onInput={(e) => setComment(inputValue(e))} aria-label={`${t('sc.comment')} ${agentId}`} /></td>
      <td><button type="button" onClick={() => void save()} disabled={score === ''} data-testid={`sc-sup-save-${agentId}`}>{t('sc.give')}</button></td>
    </tr>
  );
}

export function Reviews({ period, onChange }: { period: Period; onChange: () => void }) {
  const agents = useLoad(() => api.get<{ items: Array<{ id: string; name: string }> }>('/agents'), []);
  const reviews = useLoad(() => sc.reviews(period.id), [period.id]);
  const [dAgent, setDAgent] = useState('');
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const open = period.state === 'open' || period.state === 'computed';
  const of = (a: string, k: 'self' | 'supervisor') => reviews.data?.items.find((r) => r.agentId === a && r.kind === k)?.score ?? null;
  const deduct = () => sc.deduct(period.id, { agentId: dAgent, points: Number(points), reason })
    .then(() => { toast(t('sc.saved')); setPoints(''); setReason(''); onChange(); }, (e: unknown) => toast(errorText(e)));
  if (period.kind !== 'individual') return <p class="muted">{t('sc.none')}</p>;
  return (
    <div data-testid="sc-reviews">
      <ErrorNote error={agents.error ?? reviews.error} />
      {!open && <p class="muted">{t(`sc.state.${period.state}` as MessageKey)}</p>}
      <div class="table-wrap">
        <table>
          <thead><tr><th>{t('sc.agent')}</th><th>{t('sc.self')}</th><th>{t('sc.supervisor')}</th><th>{t('sc.comment')}</th><th /></tr></thead>
          <tbody>{(agents.data?.items ?? []).map((a) => open
            ? <ReviewRow key={`${a.id}-${of(a.id, 'supervisor') ?? ''}`} period={period} agentId={a.id} self={of(a.id, 'self')} sup={of(a.id, 'supervisor')} onSaved={() => { reviews.reload(); onChange(); }} />
            : <tr key={a.id}><td>{a.id}</td><td>{fmtScore(of(a.id, 'self'))}</td><td>{fmtScore(of(a.id, 'supervisor'))}</td><td /><td /></tr>)}</tbody>
        </table>
      </div>
      {open && (
        <form class="toolbar" onSubmit={(e) => { e.preventDefault(); void deduct(); }} data-testid="sc-deduct-form">
          <label>{t('sc.agent')}<select value={dAgent} onChange={(e) => setDAgent(inputValue(e))} data-testid="sc-deduct-agent"><option value="" />{(agents.data?.items ?? []).map((a) => <option key={a.id} value={a.id}>{a.id}</option>)}</select></label>
          <label>{t('sc.points')}<input type="number" min={0.5} max={1000} step="0.5" value={points} onInput={(e) => setPoints(inputValue(e))} data-testid="sc-deduct-points" /></label>
          <label>{t('sc.reason')}<input value={reason} maxLength={500} onInput={(e) => setReason(inputValue(e))} data-testid="sc-deduct-reason" /></label>
          <button type="submit" disabled={!dAgent || !points || !reason}>{t('sc.deduct')}</button>
        </form>
      )}
    </div>
  );
}

function AppealRow({ a, onDone }: { a: Appeal; onDone: () => void }) {
  const [answer, setAnswer] = useState('');
  const [adj, setAdj] = useState('');
  const decide = (status: 'upheld' | 'rejected') => sc.decide(a.scorecardId, a.id, { status, answer, ...(status === 'upheld' && !a.deductionId && adj ? { adjustment: Number(adj) } : {}) })
    .then(() => { toast(t(`sc.status.${status}`)); onDone(); }, (e: unknown) => toast(errorText(e)));
  return (
    <tr data-testid={`sc-appeal-${a.id}`}>
      <td>{a.agentId}</td><td>{a.deductionId ? t('sc.deductions') : t('sc.appealCard')}</td><td>{a.reason}</td>
      <td>{fmtDateTime(a.dueAt)} {a.overdue && <span class="badge error" data-testid="sc-overdue">{t('sc.overdue')}</span>}</td>
      <td>{t(`sc.status.${a.status}` as MessageKey)}{a.answer ? ` — ${a.answer}` : ''}</td>
      <td>{a.status === 'open' && (
        <span class="row">
          <input value={answer} maxLength={2000} placeholder={t('sc.answer')} onInput={(e) => setAnswer(inputValue(e))} aria-label={t('sc.answer')} data-testid="sc-answer" />
          {!a.deductionId && <input type="number" value={adj} placeholder={t('sc.adjustment')} onInput={(e) => setAdj(inputValue(e))} aria-label={t('sc.adjustment')} data-testid="sc-adjustment" />}
          <button type="button" disabled={!answer} onClick={() => void decide('upheld')} data-testid="sc-uphold">{t('sc.uphold')}</button>
          <button type="button" disabled={!answer} onClick={() => void decide('rejected')}>{t('sc.reject')}</button>
        </span>
      )}</td>
    </tr>
  );
}

export function Appeals() {
  const [overdue, setOverdue] = useState(false);
  const list = useLoad(() => sc.appeals({ overdue }), [overdue]);
  return (
    <div data-testid="sc-appeals">
      <label><input type="checkbox" checked={overdue} onChange={(e) => setOverdue((e.target as HTMLInputElement).checked)} /> {t('sc.onlyOverdue')}</label>
      <ErrorNote error={list.error} />
      {list.data && list.data.items.length === 0 && <p class="muted">{t('sc.noAppeals')}</p>}
      {list.data && list.data.items.length > 0 && (
        <div class="table-wrap"><table>
          <thead><tr><th>{t('sc.agent')}</th><th>{t('sc.item')}</th><th>{t('sc.reason')}</th><th>{t('sc.due')}</th><th>{t('sc.state')}</th><th /></tr></thead>
          <tbody>{list.data.items.map((a) => <AppealRow key={a.id} a={a} onDone={list.reload} />)}</tbody>
        </table></div>
      )}
    </div>
  );
}
