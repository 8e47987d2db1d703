/** After the call: outcome and notes, then ready or paused. */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { t, type MessageKey } from '../../i18n.ts';
import { errorText } from '../../components/ui.tsx';

const OUTCOMES = ['resolved', 'sale', 'callback', 'complaint', 'info'] as const;

export function WrapUp({ callId, onDone }: { callId: string; onDone: () => void }) {
  const [outcome, setOutcome] = useState<string>('resolved');
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<string | null>(null);
  const save = async (then: 'ready' | 'paused') => {
    setError(null);
    try {
      await api.post(`/calls/${callId}/wrap-up`, { outcome, ...(notes ? { notes } : {}), then });
      onDone();
    } catch (err) { setError(errorText(err)); }
  };
  return (
    <form class="card stack" data-testid="wrap-up" onSubmit={(e) => { e.preventDefault(); void save('ready'); }}>
      <h2>{t('desk.wrapUp')}</h2>
      <label>{t('desk.outcome')}
        <select name="outcome" value={outcome} onChange={(e) => setOutcome((e.target as HTMLSelectElement).value)} data-testid="wrap-outcome">
          {OUTCOMES.map((o) => <option value={o}>{t(`desk.outcome.${o}` as MessageKey)}</option>)}
        </select>
      </label>
      <label>{t('common.notes')}<textarea name="notes" value={notes} onInput={(e) => setNotes((e.target as HTMLTextAreaElement).value)} data-testid="wrap-notes" /></label>
      <div class="row">
        <button type="submit" class="primary" data-testid="wrap-save">{t('desk.saveWrapUp')}</button>
        <button type="button" onClick={() => void save('paused')}>{t('desk.saveAndPause')}</button>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}
