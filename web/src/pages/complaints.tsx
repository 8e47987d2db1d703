/**
 * Complaints (投诉): list by status, customer or agent; record one; admins and
 * supervisors move it through open → investigating → substantiated | rejected → closed.
 */
import { useState } from 'preact/hooks';
import { api, qs } from '../api.ts';
import { fmtDateTime, t, type MessageKey } from '../i18n.ts';
import { me } from '../session.ts';
import { useSignal } from '../signal.ts';
import { ErrorNote, errorText, toast, useLoad } from '../components/ui.tsx';
import { inputValue } from './data/format.ts';

type Status = 'open' | 'investigating' | 'substantiated' | 'rejected' | 'closed';
interface Complaint {
  id: string; summary: string; status: Status; agentId: string | null; customerId: string | null; createdBy: string | null; createdAt: string;
  resolution: string | null; history?: Array<{ from: Status | null; to: Status; by: string | null; note: string | null; at: string }>;
}
const NEXT: Record<Status, Status[]> = { open: ['investigating'], investigating: ['substantiated', 'rejected'], substantiated: ['closed'], rejected: ['closed'], closed: [] };
const STATUSES: Status[] = ['open', 'investigating', 'substantiated', 'rejected', 'closed'];
const label = (s: Status): string => t(`complaint.status.${s}` as MessageKey);

function Row({ c, lead, onChanged }: { c: Complaint; lead: boolean; onChanged: () => void }) {
  const [note, setNote] = useState('');
  const [open, setOpen] = useState(false);
  const detail = useLoad(() => (open ? api.get<Complaint>(`/complaints/${c.id}`) : Promise.resolve(null)), [open, c.status]);
  const move = async (to: Status) => {
    try { await api.post(`/complaints/${c.id}/transitions`, { to, ...(note.trim() ? { note: note.trim() } : {}) }); setNote(''); toast(label(to)); onChanged(); } catch (err) { alert(errorText(err)); }
  };
  return (
    <tr data-testid={`complaint-${c.id}`}>
      <td>{fmtDateTime(c.createdAt)}</td>
      <td><button type="button" class="link" onClick={() => setOpen(!open)}>{c.summary}</button>
        {open && detail.data?.history && <ol class="small muted" data-testid={`complaint-history-${c.id}`}>{detail.data.history.map((h) => <li>{fmtDateTime(h.at)} {h.by}: {h.from ? `${label(h.from)} → ` : ''}{label(h.to)}{h.note ? ` (${h.note})` : ''}</li>)}</ol>}
      </td>
      <td>{c.agentId ?? ''}</td>
      <td data-testid={`complaint-status-${c.id}`}>{label(c.status)}</td>
      <td>{lead && NEXT[c.status].length > 0 && <span class="row">
        <input aria-label={t('complaint.note')} placeholder={t('complaint.note')} maxLength={2000} value={note} onInput={(e) => setNote(inputValue(e))} />
        {NEXT[c.status].map((to) => <button type="button" onClick={() => void move(to)} data-testid={`complaint-to-${to}-${c.id}`}>{t('complaint.to')} {label(to)}</button>)}
      </span>}</td>
    </tr>
  );
}

export function ComplaintsPage(_props: { params: string[] }) {
  const who = useSignal(me);
  const lead = who?.role === 'admin' || who?.role === 'supervisor';
  const [status, setStatus] = useState('');
  const [agent, setAgent] = useState('');
  const list = useLoad(() => api.get<{ items: Complaint[] }>(`/complaints${qs({ limit: 100, status: status || undefined, agentId: agent || undefined })}`), [status, agent]);
  const [summary, setSummary] = useState('');
  const [against, setAgainst] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try { await api.post('/complaints', { summary, ...(against.trim() ? { agentId: against.trim() } : {}) }); setSummary(''); setAgainst(''); list.reload(); } catch (err) { setError(errorText(err)); }
  };
  return (
    <div class="page" data-testid="complaints-page">
      <h1>{t('complaint.title')}</h1>
      <section class="card">
        <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
          <select aria-label={t('complaint.status')} value={status} onChange={(e) => setStatus(inputValue(e))} data-testid="complaints-status">
            <option value="">{t('complaint.any')}</option>
            {STATUSES.map((s) => <option value={s}>{label(s)}</option>)}
          </select>
          <label>{t('complaint.agent')}<input value={agent} onChange={(e) => setAgent(inputValue(e).trim())} /></label>
        </form>
        <ErrorNote error={list.error} />
        {list.data?.items.length === 0 && <p class="muted">{t('complaint.none')}</p>}
        <div class="table-wrap"><table data-testid="complaints"><tbody>{(list.data?.items ?? []).map((c) => <Row key={c.id} c={c} lead={lead} onChanged={list.reload} />)}</tbody></table></div>
      </section>
      <section class="card">
        <h2>{t('complaint.new')}</h2>
        <form class="stack" onSubmit={(e) => void add(e)}>
          <label>{t('complaint.summary')}<textarea required maxLength={10000} value={summary} onInput={(e) => setSummary(inputValue(e))} data-testid="complaint-summary" /></label>
          <label>{t('complaint.agent')}<input value={against} onInput={(e) => setAgainst(inputValue(e))} data-testid="complaint-agent" /></label>
          <ErrorNote error={error} />
          <button type="submit" data-testid="complaint-create">{t('complaint.create')}</button>
        </form>
      </section>
    </div>
  );
}
