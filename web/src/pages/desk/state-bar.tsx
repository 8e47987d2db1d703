/** The agent's own state: ready, paused with a reason, log out (at a seat when seats exist). */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { fmtDuration, t, type MessageKey } from '../../i18n.ts';
import { fill } from '../data/format.ts';
import { errorText, useLoad } from '../../components/ui.tsx';
import type { Agent } from './types.ts';
import { known } from '../data/calls.tsx';
import { AlertSettings, askNotificationPermission } from './alert.tsx';

const REASONS = ['break', 'lunch', 'training', 'meeting'] as const;

/** The wrap-up's time left, counted down each second (the agent is made ready when it ends). */
function WrapUpLeft({ until }: { until: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => { const timer = setInterval(() => setNow(Date.now()), 1000); return () => clearInterval(timer); }, [until]);
  const left = Math.max(0, Date.parse(until) - now);
  return <span class="muted" data-testid="wrap-up-left" data-until={until}>{fill(t('desk.readyIn'), { time: fmtDuration(left) })}</span>;
}

export function StateBar({ agent, onChange }: { agent: Agent; onChange: (a: Agent) => void }) {
  const [reason, setReason] = useState<string>('break');
  const [error, setError] = useState<string | null>(null);
  const seats = useLoad(() => api.get<{ items: Array<{ id: string; agentId: string | null }> }>('/seats'), []);
  const freeSeats = (seats.data?.items ?? []).filter((s) => !s.agentId || s.agentId === agent.id);
  const [seatId, setSeatId] = useState<string>('');
  const set = async (state: 'ready' | 'paused' | 'logged-out') => {
    setError(null);
    if (state === 'ready') askNotificationPermission();
    try {
      const seat = agent.state === 'logged-out' && freeSeats.length > 0 ? (seatId || freeSeats[0]!.id) : undefined;
      onChange(await api.post<Agent>(`/agents/${encodeURIComponent(agent.id)}/state`, { state, ...(seat ? { seatId: seat } : {}), ...(state === 'paused' ? { reason } : {}) }));
    } catch (err) { setError(errorText(err)); }
  };
  const busy = agent.state === 'ringing' || agent.state === 'on-call';
  return (
    <div class="card row" data-testid="state-bar">
      <span class={`badge ${agent.state}`} data-testid="agent-state" data-state={agent.state}>{t(`state.${agent.state}` as MessageKey)}{agent.reason && agent.state === 'paused' ? ` · ${known('desk.reason.', agent.reason)}` : ''}</span>
      {agent.state === 'wrap-up' && agent.wrapUpUntil && <WrapUpLeft until={agent.wrapUpUntil} />}
      {agent.state === 'logged-out' && freeSeats.length > 0 && (
        <label class="row">{t('wall.monitorSeat')}
          <select value={seatId} onChange={(e) => setSeatId((e.target as HTMLSelectElement).value)}>{freeSeats.map((s) => <option value={s.id}>{s.id}</option>)}</select>
        </label>
      )}
      <button type="button" class="primary" disabled={busy || agent.state === 'ready'} onClick={() => void set('ready')} data-testid="go-ready">{t('desk.goReady')}</button>
      <label class="sr-only" for="pause-reason">{t('desk.pauseReason')}</label>
      <select id="pause-reason" value={reason} onChange={(e) => setReason((e.target as HTMLSelectElement).value)}>
        {REASONS.map((r) => <option value={r}>{t(`desk.reason.${r}` as MessageKey)}</option>)}
      </select>
      <button type="button" disabled={busy || agent.state === 'logged-out'} onClick={() => void set('paused')} data-testid="go-paused">{t('desk.pause')}</button>
      <button type="button" disabled={busy || agent.state === 'logged-out'} onClick={() => void set('logged-out')}>{t('desk.logout')}</button>
      <span class="muted small">{agent.callsTaken} ✓</span>
      <AlertSettings />
      {error && <span class="error" role="alert">{error}</span>}
    </div>
  );
}
