/** Care plans: the list with each plan's progress this occurrence, Run now, and the editor of a new plan. */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { t } from '../../i18n.ts';
import { ErrorNote, errorText, toast, useLoad } from '../../components/ui.tsx';
import { inputValue } from '../data/format.ts';

interface Plan {
  id: string; name: string; active: boolean;
  segment: { tiers?: string[]; tags?: string[] };
  schedule: { type: 'every'; every: number; unit: 'day' | 'week' | 'month'; start: string } | { type: 'yearly'; field: string; leadDays?: number };
  task: { kind: 'call' | 'visit' | 'sms'; title: string; ownerId?: string };
}
interface Progress { occurrence: string | null; next: string | null; created: number; done: number; open: number; overdue: number }

const list = (s: string): string[] | undefined => { const xs = s.split(/[,，]/).map((x) => x.trim()).filter(Boolean); return xs.length ? xs : undefined; };

function PlanRow({ plan }: { plan: Plan }) {
  const p = useLoad(() => api.get<Progress>(`/care-plans/${plan.id}/progress`), [plan.id]);
  const run = async () => {
    try { const r = await api.post<{ created: number }>(`/care-plans/${plan.id}/run`, {}); toast(t('plan.ran').replace('{n}', String(r.created))); p.reload(); } catch (err) { alert(errorText(err)); }
  };
  const s = plan.schedule;
  return (
    <tr data-testid={`plan-${plan.id}`}>
      <td><strong>{plan.name}</strong><br /><span class="muted">{plan.task.title}</span></td>
      <td>{s.type === 'every' ? `${t('plan.every')} ${s.every} ${t(`plan.unit.${s.unit}`)} · ${s.start}` : `${t('plan.yearly')} ${s.field}`}</td>
      <td data-testid={`plan-progress-${plan.id}`}>{p.data ? `${p.data.occurrence ?? '–'}: ${p.data.created} ${t('plan.created')} · ${p.data.done} ${t('plan.doneN')} · ${p.data.open} ${t('plan.openN')} · ${p.data.overdue} ${t('plan.overdueN')}` : '…'}</td>
      <td><button type="button" onClick={() => void run()} data-testid={`plan-run-${plan.id}`}>{t('plan.run')}</button></td>
    </tr>
  );
}

export function CarePlans() {
  const plans = useLoad(() => api.get<{ items: Plan[] }>('/care-plans?limit=100'), []);
  const [name, setName] = useState('');
  const [tiers, setTiers] = useState('');
  const [tags, setTags] = useState('');
  const [type, setType] = useState<'every' | 'yearly'>('every');
  const [every, setEvery] = useState('3');
  const [unit, setUnit] = useState<'day' | 'week' | 'month'>('month');
  const [start, setStart] = useState(new Date().toISOString().slice(0, 10));
  const [field, setField] = useState('birthday');
  const [leadDays, setLeadDays] = useState('0');
  const [kind, setKind] = useState<'call' | 'visit' | 'sms'>('call');
  const [title, setTitle] = useState('');
  const [ownerId, setOwnerId] = useState('');
  const [error, setError] = useState<string | null>(null);

  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const segment = { ...(list(tiers) ? { tiers: list(tiers) } : {}), ...(list(tags) ? { tags: list(tags) } : {}) };
    const schedule = type === 'every' ? { type, every: Number(every), unit, start } : { type, field, leadDays: Number(leadDays) };
    try {
      await api.post('/care-plans', { name, segment, schedule, task: { kind, title, ...(ownerId.trim() ? { ownerId: ownerId.trim() } : {}) } });
      setName(''); setTitle('');
      plans.reload();
    } catch (err) { setError(errorText(err)); }
  };

  return (
    <>
      <section class="card">
        <h2>{t('plan.title')}</h2>
        <ErrorNote error={plans.error} />
        {plans.data?.items.length === 0 && <p class="muted">{t('plan.none')}</p>}
        <div class="table-wrap"><table data-testid="plans"><tbody>{(plans.data?.items ?? []).map((p) => <PlanRow key={p.id} plan={p} />)}</tbody></table></div>
      </section>
      <section class="card">
        <h2>{t('plan.new')}</h2>
        <form class="stack" onSubmit={(e) => void save(e)} data-testid="plan-form">
          <label>{t('plan.name')}<input required maxLength={200} value={name} onInput={(e) => setName(inputValue(e))} data-testid="plan-name" /></label>
          <label>{t('plan.tiers')}<input value={tiers} onInput={(e) => setTiers(inputValue(e))} placeholder="vip" data-testid="plan-tiers" /></label>
          <label>{t('plan.tags')}<input value={tags} onInput={(e) => setTags(inputValue(e))} /></label>
          <label>{t('plan.schedule')}
            <select value={type} onChange={(e) => setType(inputValue(e) as 'every' | 'yearly')} data-testid="plan-type">
              <option value="every">{t('plan.type.every')}</option><option value="yearly">{t('plan.type.yearly')}</option>
            </select>
          </label>
          {type === 'every' ? (
            <div class="row">
              <label>{t('plan.every')}<input type="number" min={1} max={366} value={every} onInput={(e) => setEvery(inputValue(e))} data-testid="plan-every" /></label>
              <select aria-label={t('plan.schedule')} value={unit} onChange={(e) => setUnit(inputValue(e) as 'day' | 'week' | 'month')} data-testid="plan-unit">
                <option value="day">{t('plan.unit.day')}</option><option value="week">{t('plan.unit.week')}</option><option value="month">{t('plan.unit.month')}</option>
              </select>
              <label>{t('plan.start')}<input type="date" value={start} onInput={(e) => setStart(inputValue(e))} data-testid="plan-start" /></label>
            </div>
          ) : (
            <div class="row">
              <label>{t('plan.field')}<input value={field} onInput={(e) => setField(inputValue(e))} data-testid="plan-field" /></label>
              <label>{t('plan.leadDays')}<input type="number" min={0} max={60} value={leadDays} onInput={(e) => setLeadDays(inputValue(e))} /></label>
            </div>
          )}
          <div class="row">
            <select aria-label={t('task.kind')} value={kind} onChange={(e) => setKind(inputValue(e) as 'call' | 'visit' | 'sms')}>
              <option value="call">{t('task.kind.call')}</option><option value="visit">{t('task.kind.visit')}</option><option value="sms">{t('task.kind.sms')}</option>
            </select>
            <label>{t('plan.taskTitle')}<input required maxLength={200} value={title} onInput={(e) => setTitle(inputValue(e))} data-testid="plan-task-title" /></label>
          </div>
          <label>{t('plan.ownerId')}<input value={ownerId} onInput={(e) => setOwnerId(inputValue(e))} data-testid="plan-owner" /></label>
          <ErrorNote error={error} />
          <button type="submit" data-testid="plan-save">{t('plan.save')}</button>
        </form>
      </section>
    </>
  );
}
