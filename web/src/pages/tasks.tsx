/**
 * Follow-ups (回访): the tasks due today (or overdue) by owner, a new task;
 * for admins and supervisors also the care plans with their progress and the
 * plan editor.
 */
import { useState } from 'preact/hooks';
import { api, qs } from '../api.ts';
import { fmtDateTime, t, type MessageKey } from '../i18n.ts';
import { me } from '../session.ts';
import { useSignal } from '../signal.ts';
import { ErrorNote, errorText, toast, useLoad } from '../components/ui.tsx';
import { inputValue } from './data/format.ts';
import type { Task } from './desk/tasks.tsx';
import { CarePlans } from './care/plans.tsx';

export function TasksPage(_props: { params: string[] }) {
  const who = useSignal(me);
  const lead = who?.role === 'admin' || who?.role === 'supervisor';
  const [owner, setOwner] = useState(lead ? '' : who?.user?.agentId ?? '');
  const [view, setView] = useState<'today' | 'overdue'>('today');
  const tasks = useLoad(() => api.get<{ items: Task[] }>(`/tasks${qs({ limit: 200, owner: owner || undefined, ...(view === 'today' ? { due: 'today' } : { status: 'overdue' }) })}`), [owner, view]);
  const [title, setTitle] = useState('');
  const [dueAt, setDueAt] = useState('');
  const [kind, setKind] = useState('call');
  const [error, setError] = useState<string | null>(null);
  const add = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post('/tasks', { kind, title, dueAt: new Date(dueAt).toISOString(), ...(owner ? { ownerId: owner } : {}) });
      setTitle(''); toast(t('task.new')); tasks.reload();
    } catch (err) { setError(errorText(err)); }
  };
  const byOwner = new Map<string, Task[]>();
  for (const x of tasks.data?.items ?? []) byOwner.set(x.ownerId ?? '–', [...(byOwner.get(x.ownerId ?? '–') ?? []), x]);

  return (
    <div class="page" data-testid="tasks-page">
      <h1>{t('task.title')}</h1>
      <section class="card">
        <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
          {lead && <label>{t('task.owner')}<input value={owner} placeholder={t('task.allOwners')} onChange={(e) => setOwner(inputValue(e).trim())} data-testid="tasks-owner" /></label>}
          <select aria-label={t('task.status')} value={view} onChange={(e) => setView(inputValue(e) as 'today' | 'overdue')} data-testid="tasks-view">
            <option value="today">{t('task.dueToday')}</option><option value="overdue">{t('task.overdue')}</option>
          </select>
        </form>
        <ErrorNote error={tasks.error} />
        {tasks.data?.items.length === 0 && <p class="muted">{t('task.none')}</p>}
        {[...byOwner.entries()].map(([who_, xs]) => (
          <div data-testid={`tasks-of-${who_}`}>
            <h3>{who_} <span class="muted">({xs.length})</span></h3>
            <div class="table-wrap"><table><tbody>{xs.map((x) => (
              <tr data-testid={`tasks-row-${x.id}`}>
                <td>{fmtDateTime(x.dueAt)}</td><td>{t(`task.kind.${x.kind}` as MessageKey)}</td><td>{x.title}</td>
                <td>{x.customerName ?? ''}</td><td>{t(`task.status.${x.status}` as MessageKey)}{x.outcome ? ` · ${x.outcome}` : ''}</td>
              </tr>
            ))}</tbody></table></div>
          </div>
        ))}
      </section>
      <section class="card">
        <h2>{t('task.new')}</h2>
        <form class="row" onSubmit={(e) => void add(e)}>
          <select aria-label={t('task.kind')} value={kind} onChange={(e) => setKind(inputValue(e))}>
            <option value="call">{t('task.kind.call')}</option><option value="visit">{t('task.kind.visit')}</option><option value="sms">{t('task.kind.sms')}</option>
          </select>
          <label>{t('task.name')}<input required maxLength={200} value={title} onInput={(e) => setTitle(inputValue(e))} data-testid="task-new-title" /></label>
          <label>{t('task.due')}<input type="datetime-local" required value={dueAt} onInput={(e) => setDueAt(inputValue(e))} data-testid="task-new-due" /></label>
          <button type="submit" data-testid="task-new-add">{t('task.create')}</button>
        </form>
        <ErrorNote error={error} />
      </section>
      {lead && <CarePlans />}
    </div>
  );
}
