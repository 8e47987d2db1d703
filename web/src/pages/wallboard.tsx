/**
 * Supervisor wallboard: lines, seats, queues, agents and calls, live from
 * the event stream (each event refreshes the figures it touches; queue
 * figures come whole in queue.update). Listen / whisper / barge on a call
 * where the backend supports it (the PBX), from the supervisor's seat.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, events } from '../api.ts';
import { fmtDuration, fmtPercent, fmtPhone, fmtTime, t, type MessageKey } from '../i18n.ts';
import { errorText, ErrorNote, toast } from '../components/ui.tsx';
import { me } from '../session.ts';
import { useSignal } from '../signal.ts';
import { known } from './data/calls.tsx';

interface Line { id: string; name: string | null; state: string; activeCalls: number; channels: number; since: string }
interface Seat { id: string; endpoint?: string; agentId: string | null }
/** `allNodes` (a cluster): the same figures for every node (GET /queues); the others are this node's. */
interface QueueFigures { waiting: number; longestWaitMs: number; answered: number; abandoned: number; serviceLevel: number | null }
interface Queue extends QueueFigures { queueId: string; name: string; agents: Record<string, number>; allNodes?: QueueFigures }
interface Agent { id: string; name: string; state: string; reason: string | null; seatId: string | null; since: string; callsTaken: number }
/** `node` (a cluster): the Asterisk node whose line carries the call; every node's calls are listed. */
interface ActiveCall { id: string; lineId: string; state: string; number: string | null; name: string | null; startedAt: string; answeredAt: string | null; node?: string }
interface Board { lines: Line[]; seats: Seat[]; queues: Queue[]; agents: Agent[]; calls: ActiveCall[] }

// Waiting for someone: ringing, being answered, or queued for an agent (a caller in the IVR is answered).
const WAITING = new Set(['ringing', 'answering', 'taking', 'queued']);

async function loadBoard(): Promise<Board> {
  const [lines, seats, agents, calls, queues] = await Promise.all([
    api.get<{ items: Line[] }>('/lines'), api.get<{ items: Seat[] }>('/seats'), api.get<{ items: Agent[] }>('/agents'),
    api.get<{ items: ActiveCall[] }>('/calls/active'), api.get<{ items: Queue[] }>('/queues'),
  ]);
  return { lines: lines.items, seats: seats.items, agents: agents.items, calls: calls.items, queues: queues.items };
}

export function Wallboard(_props: { params: string[] }) {
  const who = useSignal(me);
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const [seatId, setSeatId] = useState('');

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // a cluster (queues with allNodes): every daemon's queue.update reaches this console, each with its own node's
    // figures, so they are not merged; GET /queues gives this node's and allNodes
    let clustered = false;
    const refresh = () => {
      loadBoard().then((b) => { clustered = b.queues.some((q) => q.allNodes !== undefined); setBoard(b); setError(null); }, (err: unknown) => setError(errorText(err)));
    };
    refresh();
    const off = events.on((e) => {
      if (e.type === 'queue.update' && !clustered) {
        setBoard((b) => (b ? { ...b, queues: b.queues.map((q) => (q.queueId === e.data.queueId ? { ...q, ...(e.data as unknown as Queue) } : q)) } : b));
        return;
      }
      if (!['queue.update', 'line.state', 'call.ringing', 'call.answered', 'call.ended', 'agent.state', 'screenpop'].includes(e.type)) return;
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    });
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => { off(); clearTimeout(timer); clearInterval(tick); };
  }, []);

  if (!board) return <><ErrorNote error={error} /><div class="card">{t('common.loading')}</div></>;
  const waiting = board.calls.filter((c) => WAITING.has(c.state));
  const longest = waiting.length ? Math.max(...waiting.map((c) => now - Date.parse(c.startedAt))) : 0;
  const byState: Record<string, number> = {};
  for (const a of board.agents) byState[a.state] = (byState[a.state] ?? 0) + 1;
  const monitor = async (callId: string, mode: 'listen' | 'whisper' | 'barge') => {
    try {
      await api.post(`/calls/${callId}/monitor`, { mode, seatId: seatId || board.seats[0]?.id });
      toast(t('wall.monitorStarted'));
    } catch (err) { toast(errorText(err)); }
  };

  return (
    <div>
      <ErrorNote error={error} />
      <section class="card kpis" data-testid="wall-kpis">
        <div class="kpi"><b data-testid="kpi-waiting">{waiting.length}</b><span>{t('wall.waiting')}</span></div>
        <div class="kpi"><b data-testid="kpi-active">{board.calls.length - waiting.length}</b><span>{t('state.on-call')}</span></div>
        <div class="kpi"><b>{fmtDuration(longest)}</b><span>{t('wall.longest')}</span></div>
        {(['ready', 'on-call', 'wrap-up', 'paused'] as const).map((s) => <div class="kpi"><b>{byState[s] ?? 0}</b><span>{t(`state.${s}` as MessageKey)}</span></div>)}
      </section>
      <div class="grid">
        <section class="card">
          <h2>{t('wall.calls')}</h2>
          {who?.pbx && board.seats.length > 0 && (
            <label class="row">{t('wall.monitorSeat')}
              <select value={seatId} onChange={(e) => setSeatId((e.target as HTMLSelectElement).value)}>{board.seats.map((s) => <option value={s.id}>{s.id}</option>)}</select>
            </label>
          )}
          {board.calls.length === 0 ? <p class="muted">{t('wall.noCalls')}</p> : (
            <div class="table-wrap"><table data-testid="wall-calls"><tbody>{board.calls.map((c) => (
              <tr data-testid={`wall-call-${c.id}`} data-state={c.state}>
                <td>{fmtPhone(c.number) || t('desk.withheld')}{c.name ? ` · ${c.name}` : ''}<br /><span class="muted small">{c.lineId}{c.node ? ` · ${c.node}` : ''}</span></td>
                <td><span class={`badge ${WAITING.has(c.state) ? 'ringing' : 'on-call'}`}>{known('call.state.', c.state)}</span></td>
                <td>{fmtDuration(now - Date.parse(c.startedAt))}</td>
                <td>{who?.pbx && c.answeredAt && (['listen', 'whisper', 'barge'] as const).map((m) => (
                  <button type="button" onClick={() => void monitor(c.id, m)}>{t(`wall.${m}` as MessageKey)}</button>
                ))}</td>
              </tr>
            ))}</tbody></table></div>
          )}
        </section>
        <section class="card">
          <h2>{t('wall.queues')}</h2>
          {board.queues.length === 0 ? <p class="muted">{t('wall.noQueues')}</p> : (
            <div class="table-wrap"><table><thead><tr><th>{t('common.queue')}</th><th>{t('wall.waiting')}</th><th>{t('wall.longest')}</th><th>{t('wall.serviceLevel')}</th><th>{t('wall.answered')}</th><th>{t('wall.abandoned')}</th></tr></thead>
              <tbody>{board.queues.map((q) => (
                <tr data-testid={`wall-queue-${q.queueId}`}><td>{q.name}</td>
                  {[[q.waiting, q.allNodes?.waiting], [fmtDuration(q.longestWaitMs), q.allNodes && fmtDuration(q.allNodes.longestWaitMs)],
                    [fmtPercent(q.serviceLevel), q.allNodes && fmtPercent(q.allNodes.serviceLevel)], [q.answered, q.allNodes?.answered],
                    [q.abandoned, q.allNodes?.abandoned]].map(([own, all]) => <td>{own}{all !== undefined && <><br /><span class="muted small">{all}</span></>}</td>)}
                </tr>
              ))}</tbody></table></div>
          )}
          {board.queues.some((q) => q.allNodes) && <p class="muted small">{t('wall.allNodes')}</p>}
        </section>
        <section class="card">
          <h2>{t('wall.agents')}</h2>
          <div class="table-wrap"><table data-testid="wall-agents"><tbody>{board.agents.map((a) => (
            <tr data-testid={`wall-agent-${a.id}`}><td>{a.name}</td><td><span class={`badge ${a.state}`}>{t(`state.${a.state}` as MessageKey)}</span>{a.reason && a.state === 'paused' ? <span class="muted small"> {known('desk.reason.', a.reason)}</span> : null}</td>
              <td class="muted small">{a.seatId ?? ''}</td><td class="muted small">{fmtDuration(now - Date.parse(a.since))}</td></tr>
          ))}</tbody></table></div>
        </section>
        <section class="card">
          <h2>{t('wall.lines')}</h2>
          <div class="table-wrap"><table data-testid="wall-lines"><tbody>{board.lines.map((l) => (
            <tr data-testid={`wall-line-${l.id}`}><td>{l.name ?? l.id}</td><td><span class={`badge ${l.state === 'offline' ? 'offline' : l.activeCalls ? 'on-call' : 'idle'}`} data-state={l.state}>{known('line.state.', l.state)}</span></td><td>{l.activeCalls}/{l.channels}</td><td class="muted small">{fmtTime(l.since)}</td></tr>
          ))}</tbody></table></div>
          {board.seats.length > 0 && <>
            <h3>{t('wall.seats')}</h3>
            <ul>{board.seats.map((s) => <li>{s.id} <span class="muted">{s.agentId ?? '–'}</span></li>)}</ul>
          </>}
        </section>
      </div>
    </div>
  );
}
