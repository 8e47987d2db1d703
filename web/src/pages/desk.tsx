/**
 * The agent desktop. The agent's state bar; the screen pop when a call rings
 * (single line: any ready agent sees it and takes it; on the PBX the ACD
 * offers it to this agent); wrap-up after the call; the agent's recent calls
 * with recordings; click-to-dial where a PBX is configured; the next record
 * of a preview campaign the agent works.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, events, type KefuEvent } from '../api.ts';
import { fmtDateTime, fmtDuration, fmtPhone, t } from '../i18n.ts';
import { CallerCell, known } from './data/calls.tsx';
import { errorText, ErrorNote, Player, toast, useLoad } from '../components/ui.tsx';
import { me } from '../session.ts';
import { useSignal } from '../signal.ts';
import { StateBar } from './desk/state-bar.tsx';
import { WrapUp } from './desk/wrap-up.tsx';
import { Pop } from './desk/pop.tsx';
import { Dialer } from './desk/dialer.tsx';
import { WorkAs } from './desk/work-as.tsx';
import { PreviewPanel } from './desk/preview.tsx';
import { useCallAlert } from './desk/alert.tsx';
import { DeskTasks } from './desk/tasks.tsx';
import type { Agent, CallRecord, Customer, DeskCall, Screenpop } from './desk/types.ts';

export function Desk(_props: { params: string[] }) {
  const who = useSignal(me);
  const agentId = who?.user?.agentId ?? null;
  const [agent, setAgent] = useState<Agent | null>(null);
  const [call, setCall] = useState<DeskCall | null>(null);
  const [wrapCallId, setWrapCallId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const recent = useLoad(() => (agentId ? api.get<{ items: CallRecord[] }>(`/calls?agent=${encodeURIComponent(agentId)}&limit=10`) : Promise.resolve({ items: [] })), [agentId, wrapCallId]);

  useEffect(() => {
    if (!agentId) return;
    api.get<{ items: Agent[] }>('/agents').then((r) => setAgent(r.items.find((a) => a.id === agentId) ?? null), (err: unknown) => setError(errorText(err)));
  }, [agentId]);

  const loadPop = useCallback((callId: string) => {
    api.get<Screenpop>(`/calls/${callId}/screenpop`).then(
      (pop) => setCall((c) => (c && c.callId === callId ? { ...c, pop, customer: c.customer ?? pop.customer } : c)),
      () => undefined,
    );
  }, []);

  useEffect(() => events.on((e: KefuEvent) => {
    const d = e.data;
    if (e.type === 'agent.state' && d.agentId === agentId) {
      setAgent((a) => (a ? { ...a, state: String(d.state), reason: (d.reason as string | null) ?? null, callId: (d.callId as string | null) ?? null, wrapUpUntil: (d.wrapUpUntil as string | null | undefined) ?? null } : a));
      if (d.state === 'wrap-up' && call) setWrapCallId(call.callId);
    }
    if (e.type === 'screenpop' && (d.agentId === null || d.agentId === agentId)) {
      setAgent((a) => {
        if (a && (a.state === 'ready' || d.agentId === agentId)) {
          const callId = String(d.callId);
          setCall({ offered: d.agentId === agentId, callId, number: (d.number as string | null) ?? null, name: null, customer: (d.customer as Customer | null) ?? null, at: e.at, ended: false, pop: null });
          setWrapCallId(null);
          loadPop(callId);
        }
        return a;
      });
    }
    if (e.type === 'recording.ready') recent.reload();
    if (e.type === 'call.ended') {
      setCall((c) => (c && c.callId === d.callId ? { ...c, ended: true } : c));
    }
  }), [agentId, call, loadPop, recent.reload]);

  const mine = !!(agent?.callId && call && agent.callId === call.callId);
  const ringing = call && !call.ended && !mine && (agent?.state === 'ready' || agent?.state === 'ringing')
    ? { callId: call.callId, who: call.customer?.name ?? (call.number ? fmtPhone(call.number) : t('desk.withheld')) } : null;
  useCallAlert(ringing);

  if (!who?.user) return <div class="card">{t('desk.noAgent')}</div>;
  if (!agentId) return <WorkAs name={who.user.displayName} canStart={!who.pbx} />;

  const take = async () => {
    if (!call) return;
    try {
      const r = await api.post<{ state: string; callId: string }>(`/calls/${call.callId}/claim`, {});
      setAgent((a) => (a ? { ...a, state: r.state, callId: r.callId } : a));
    } catch (err) { setError(errorText(err)); }
  };
  const hangup = async () => {
    if (!call) return;
    try { await api.post(`/calls/${call.callId}/hangup`); } catch (err) { setError(errorText(err)); }
  };
  const toSurvey = async () => {
    if (!call) return;
    try { await api.post(`/calls/${call.callId}/survey`, {}); toast(t('desk.surveySent')); } catch (err) { setError(errorText(err)); }
  };
  const wrapping = wrapCallId ?? (agent?.state === 'wrap-up' && call ? call.callId : null);
  const onCall = mine ? call!.callId : wrapping;

  return (
    <div class="cols-2">
      <div>
        {agent && <StateBar agent={agent} onChange={setAgent} />}
        <ErrorNote error={error} />
        {call ? (
          <Pop call={call} canTake={!call.offered && !mine && agent?.state === 'ready'} onTake={() => void take()} onHangup={() => void hangup()}
            onCreated={(c) => { setCall({ ...call, customer: c }); toast(c.name); loadPop(call.callId); }} />
        ) : (
          <div class="card muted" data-testid="desk-idle">{agent?.state === 'ready' ? t('desk.waiting') : t('desk.notReady')}</div>
        )}
        {mine && !call?.ended && <button type="button" onClick={() => void toSurvey()} data-testid="desk-survey">{t('desk.toSurvey')}</button>}
        <PreviewPanel agentId={agentId} agentState={agent?.state} />
        {wrapping && agent?.state === 'wrap-up' && <WrapUp callId={wrapping} onDone={() => { setWrapCallId(null); setCall(null); recent.reload(); }} />}
      </div>
      <div>
        {(who.pbx || who.lineDial) && <Dialer />}
        <DeskTasks agentId={agentId} currentCallId={onCall} />
        <section class="card">
          <h2>{t('desk.history')}</h2>
          <ErrorNote error={recent.error} />
          <div class="table-wrap"><table data-testid="my-calls">
            <tbody>{(recent.data?.items ?? []).map((c) => (
              <tr data-testid={`my-call-${c.id}`}>
                <td>{fmtDateTime(c.startedAt)}<br /><CallerCell number={c.number} customerName={c.customerName} callerName={c.callerName} testid={`my-call-who-${c.id}`} /></td>
                <td>{c.outcome ? known('desk.outcome.', c.outcome) : known('disp.', c.disposition)}<br /><span class="muted">{fmtDuration(c.durationMs)} · {t('common.line')} {c.lineId}</span></td>
                <td>{c.recordingId && <Player src={`/api/v1/calls/${c.id}/recording`} />}</td>
              </tr>
            ))}</tbody>
          </table></div>
        </section>
      </div>
    </div>
  );
}
