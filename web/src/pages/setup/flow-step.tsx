/** Wizard step 3: business hours and a greeting (with Listen), published as the first flow. */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { locale, t, type MessageKey } from '../../i18n.ts';
import { errorText, ErrorNote } from '../../components/ui.tsx';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export function FlowStep({ onPublished }: { onPublished: (version: number) => void }) {
  const [days, setDays] = useState<string[]>(['mon', 'tue', 'wed', 'thu', 'fri']);
  const [open, setOpen] = useState('09:00');
  const [close, setClose] = useState('18:00');
  const [text, setText] = useState(t('wizard.greetingDefault'));
  const [voice, setVoice] = useState<'cmn' | 'en-us'>(locale.get() === 'zh-CN' ? 'cmn' : 'en-us');
  const [audio, setAudio] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const listen = async () => {
    setError(null);
    try {
      if (audio) URL.revokeObjectURL(audio);
      setAudio(await api.blobUrl('POST', '/ivr/prompts/preview', { text, voice }));
    } catch (err) { setError(errorText(err)); }
  };
  const publish = async (e: Event) => {
    e.preventDefault();
    setError(null); setBusy(true);
    try {
      const r = await api.post<{ version: number }>('/setup/flow', { hours: { days, open, close }, greeting: { text, voice } });
      onPublished(r.version);
    } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  const toggle = (d: string) => setDays((xs) => (xs.includes(d) ? xs.filter((x) => x !== d) : [...xs, d]));

  return (
    <form onSubmit={(e) => void publish(e)} data-testid="flow-step">
      <fieldset>
        <legend>{t('wizard.days')}</legend>
        {DAYS.map((d) => <label key={d} class="inline"><input type="checkbox" name={`day-${d}`} checked={days.includes(d)} onChange={() => toggle(d)} /> {t(`wizard.day.${d}` as MessageKey)}</label>)}
      </fieldset>
      <div class="row">
        <label>{t('wizard.open')} <input type="time" name="open" value={open} required onInput={(e) => setOpen((e.target as HTMLInputElement).value)} /></label>
        <label>{t('wizard.close')} <input type="time" name="close" value={close} required onInput={(e) => setClose((e.target as HTMLInputElement).value)} /></label>
      </div>
      <label>{t('wizard.greeting')}<textarea name="greeting" rows={2} required maxLength={500} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} /></label>
      <div class="row">
        <label>{t('wizard.voiceLabel')} <select name="voice" value={voice} onChange={(e) => setVoice((e.target as HTMLSelectElement).value as 'cmn' | 'en-us')}>
          <option value="cmn">{t('wizard.voice.cmn')}</option><option value="en-us">{t('wizard.voice.en')}</option>
        </select></label>
        <button type="button" onClick={() => void listen()} data-testid="listen">{t('wizard.listen')}</button>
        {audio && <audio controls autoplay src={audio} data-testid="greeting-audio" />}
      </div>
      <ErrorNote error={error} />
      <button type="submit" class="primary" disabled={busy || days.length === 0} data-testid="publish">{t('wizard.publish')}</button>
    </form>
  );
}
