/**
 * Click-to-dial: with a PBX (multi-seat mode) from the seat of the signed-in
 * user's agent; on a single modem line the modem dials and the user lifts the
 * phone that shares the line.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, events } from '../../api.ts';
import { t } from '../../i18n.ts';
import { me } from '../../session.ts';
import { useSignal } from '../../signal.ts';
import { errorText, toast } from '../../components/ui.tsx';

interface Seat { id: string; agentId: string | null }

export interface DialWay { pbx: boolean; lineDial: boolean; seatId: string | null | undefined }

/** How this user places calls: the seat to ring first (null: no PBX, no agent, or no seat; undefined while loading), or a modem line. */
export function useMySeat(): DialWay {
  const who = useSignal(me);
  const pbx = !!who?.pbx;
  const lineDial = !pbx && !!who?.lineDial;
  const agentId = who?.user?.agentId ?? null;
  const [seatId, setSeatId] = useState<string | null | undefined>(pbx ? undefined : null);
  useEffect(() => {
    if (!pbx || !agentId) { setSeatId(null); return; }
    let live = true;
    api.get<{ items: Seat[] }>('/seats').then(
      (r) => { if (live) setSeatId(r.items.find((s) => s.agentId === agentId)?.id ?? null); },
      () => { if (live) setSeatId(null); },
    );
    return () => { live = false; };
  }, [pbx, agentId]);
  return { pbx, lineDial, seatId };
}

/** A "Call" button for one number; renders nothing when no line or seat can place calls. */
export function CallButton({ number, seat, testid, onCall }: { number: string; seat: DialWay; testid?: string; onCall?: (callId: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** On a modem line the call stays ours to hang up until it ends. */
  const [callId, setCallId] = useState<string | null>(null);
  useEffect(() => (callId ? events.on((e) => { if (e.type === 'call.ended' && e.data.callId === callId) setCallId(null); }) : undefined), [callId]);
  if (!seat.pbx && !seat.lineDial) return null;
  const dial = async () => {
    if (seat.pbx && !seat.seatId) return;
    setBusy(true); setError(null);
    try {
      const r = await api.post<{ callId: string }>('/calls', seat.pbx ? { seatId: seat.seatId, number } : { number });
      if (!seat.pbx) setCallId(r.callId);
      onCall?.(r.callId);
      toast(t(seat.pbx ? 'desk.dialStarted' : 'desk.dialLine'));
    } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  const hangup = async () => {
    if (!callId) return;
    try { await api.post(`/calls/${callId}/hangup`); } catch (err) { setError(errorText(err)); }
  };
  const id = testid ?? `call-${number}`;
  return (
    <span class="call-button">
      {callId
        ? <button type="button" class="small-btn danger" onClick={() => void hangup()} data-testid={`${id}-hangup`}>{t('desk.hangup')}</button>
        : <button type="button" class="small-btn" disabled={busy || (seat.pbx && !seat.seatId)} title={seat.pbx && seat.seatId === null ? t('data.noSeat') : undefined}
            onClick={() => void dial()} data-testid={id}>{t('desk.dial')}</button>}
      {error && <span class="error small" role="alert"> {error}</span>}
    </span>
  );
}
