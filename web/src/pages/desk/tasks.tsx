/**
 * The agent's follow-ups on the desk: what is due today and what is overdue,
 * each with a Call button (the customer's number) and Complete; a task
 * completed after calling from it is linked to that call, one completed
 * while on (or wrapping up) a call to the call.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, events } from '../../api.ts';
import { fmtDateTime, fmtPhone, t, type MessageKey } from '../../i18n.ts';
import { ErrorNote, errorText, toast, useLoad } from '../../components/ui.tsx';
import { CallButton, useMySeat } from '../data/dial.tsx';

export interface Task {
  id: string; title: string; kind: 'call' | 'visit' | 'sms'; status: string; dueAt: string; ownerId: string | null;
  customerId: string | null; customerName: string | null; customerPhone: string | null; outcome: string | null; callId: string | null; planId: string | null;
}

/** `currentCallId`: the call the agent is on or wrapping up, linked to a task completed meanwhile (unless one was placed from the task). */
export function DeskTasks({ agentId, currentCallId }: { agentId: string; currentCallId?: string | null }) {
  const seat = useMySeat();
  const list = useLoad(async () => {
    const [today, overdue] = await Promise.all([
      api.get<{ items: Task[] }>(`/tasks?due=today&owner=${encodeURIComponent(agentId)}&limit=100`),
      api.get<{ items: Task[] }>(`/tasks?status=overdue&owner=${encodeURIComponent(agentId)}&limit=100`),
    ]);
    const seen = new Set<string>();
    return [...overdue.items, ...today.items].filter((x) => (seen.has(x.id) ? false : (seen.add(x.id), true)));
  }, [agentId]);
  const [calls, setCalls] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  useEffect(() => events.on((e) => { if (e.type === 'task.due' && e.data.ownerId === agentId) list.reload(); }), [agentId, list.reload]);

  const complete = async (task: Task, ev: Event) => {
    ev.preventDefault();
    setError(null);
    const callId = calls[task.id] ?? currentCallId ?? undefined;
    try {
      await api.post(`/tasks/${task.id}/complete`, { outcome: outcome[task.id] ?? '', ...(callId ? { callId } : {}) });
      toast(callId ? `${t('task.done')} · ${t('task.linkedCall')}` : t('task.done'));
      list.reload();
    } catch (err) { setError(errorText(err)); }
  };
  const items = list.data ?? [];
  return (
    <section class="card" data-testid="desk-tasks">
      <h2>{t('task.dueToday')}</h2>
      <ErrorNote error={list.error ?? error} />
      {items.length === 0 && <p class="muted">{t('task.none')}</p>}
      <ul class="tasks">{items.map((task) => (
        <li data-testid={`task-${task.id}`} class={task.status === 'overdue' ? 'overdue' : ''}>
          <div class="row">
            <strong>{task.title}</strong>
            <span class="muted">{t(`task.kind.${task.kind}` as MessageKey)} · {fmtDateTime(task.dueAt)} · {t(`task.status.${task.status}` as MessageKey)}</span>
          </div>
          {task.customerName && <div>{task.customerName} {task.customerPhone && <span class="muted">{fmtPhone(task.customerPhone)}</span>}</div>}
          {task.status !== 'done' && task.status !== 'cancelled' && (
            <form class="row" onSubmit={(e) => void complete(task, e)}>
              {task.customerPhone && task.kind === 'call' && <CallButton number={task.customerPhone} seat={seat} testid={`task-call-${task.id}`} onCall={(id) => setCalls((c) => ({ ...c, [task.id]: id }))} />}
              <label class="sr-only" for={`outcome-${task.id}`}>{t('task.outcome')}</label>
              <input id={`outcome-${task.id}`} placeholder={t('task.outcome')} maxLength={500} required value={outcome[task.id] ?? ''}
                onInput={(e) => setOutcome((o) => ({ ...o, [task.id]: (e.target as HTMLInputElement).value }))} />
              <button type="submit" data-testid={`task-complete-${task.id}`}>{t('task.complete')}</button>
            </form>
          )}
        </li>
      ))}</ul>
    </section>
  );
}
