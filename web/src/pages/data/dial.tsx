/** Click-to-dial: only with a PBX (multi-seat mode), from the seat of the signed-in user's agent. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { t } from '../../i18n.ts';
import { me } from '../../session.ts';
import { useSignal } from '../../signal.ts';
import { errorText, toast } from '../../components/ui.tsx';

interface Seat { id: string; agentId: string | null }

/** The seat to ring first, or null (no PBX, no agent, or the agent sits at no seat). undefined while loading. */
export function useMySeat(): { pbx: boolean; seatId: string | null | undefined } {
  const who = useSignal(me);
  const pbx = !!who?.pbx;
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
  return { pbx, seatId };
}

/** A "Call" button for one number; renders nothing without a PBX. */
export function CallButton({ number, seat, testid }: { number: string; seat: { pbx: boolean; seatId: string | null | undefined }; testid?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!seat.pbx) return null;
  const dial = async () => {
    if (!seat.seatId) return;
    setBusy(true); setError(null);
    try {
      await api.post('/calls', { seatId: seat.seatId, number });
      toast(t('desk.dialStarted'));
    } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  return (
    <span class="call-button">
      <button type="button" class="small-btn" disabled={busy || !seat.seatId} title={seat.seatId === null ? t('data.noSeat') : undefined}
        onClick={() => void dial()} data-testid={testid ?? `call-${number}`}>{t('desk.dial')}</button>
      {error && <span class="error small" role="alert"> {error}</span>}
    </span>
  );
}
