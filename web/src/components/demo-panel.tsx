/** `kefu serve --demo`: make the simulated line ring, as a newcomer's first step. */
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { t } from '../i18n.ts';
import { errorText, toast } from './ui.tsx';

export function DemoPanel() {
  const [number, setNumber] = useState('13800138000');
  const [digits, setDigits] = useState('');
  const [error, setError] = useState<string | null>(null);
  const simulate = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post('/lines/demo/simulate/call', { number, ...(digits ? { digits } : {}) });
      toast(t('demo.started'));
    } catch (err) { setError(errorText(err)); }
  };
  return (
    <div class="demo" data-testid="demo-panel">
      <form onSubmit={(e) => void simulate(e)} aria-label={t('demo.title')}>
        <strong>{t('demo.title')}</strong>
        <label>{t('demo.number')}<input name="demo-number" value={number} onInput={(e) => setNumber((e.target as HTMLInputElement).value)} /></label>
        <label>{t('demo.digits')}<input name="demo-digits" value={digits} size={6} onInput={(e) => setDigits((e.target as HTMLInputElement).value)} /></label>
        <button type="submit" class="primary">{t('demo.simulate')}</button>
        <button type="button" onClick={() => { api.post('/lines/demo/simulate/hangup').catch((err: unknown) => setError(errorText(err))); }}>{t('demo.hangup')}</button>
        {error && <span class="error" role="alert">{error}</span>}
      </form>
    </div>
  );
}
