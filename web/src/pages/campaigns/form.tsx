/**
 * A new campaign: name, mode, lines, who works it (a queue or agents), caller
 * ID, the broadcast message and keys, calling hours (default 08:00–21:00, per
 * weekday, holidays), retry rules per outcome, ring time, answering-machine
 * detection and the abandonment cap. The API decides what is valid: its
 * refusals are shown beside the field they name (the form does not block).
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { t, type MessageKey } from '../../i18n.ts';
import { ErrorNote, errorText } from '../../components/ui.tsx';
import { inputValue } from '../data/format.ts';
import { fieldErrors, MODES, RETRY_OUTCOMES, WEEKDAYS, word, type Campaign, type DayChoice, type FormState, type Mode, type RetryOutcome, type Weekday } from './model.ts';
import { WindowFields } from './window-fields.tsx';
import { Issue, under } from './parts.tsx';

interface Choice { id: string; name: string }
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#'];
// The API's defaults (src/core/dialer/retry.ts), in minutes here.
const RETRY_DEFAULTS: Record<RetryOutcome, { delayMin: number; maxAttempts: number }> = {
  busy: { delayMin: 10, maxAttempts: 5 }, 'no-answer': { delayMin: 60, maxAttempts: 4 }, machine: { delayMin: 240, maxAttempts: 3 },
  failed: { delayMin: 30, maxAttempts: 2 }, abandoned: { delayMin: 4320, maxAttempts: 2 },
};


const initial = (): FormState => ({
  name: '', mode: 'progressive', lines: [], maxLines: '4', queueId: '', agents: [], callerId: '',
  message: '', voice: 'cmn', keyAgent: '0', keyOptOut: '9', keyRepeat: '', countdown: '',
  from: '08:00', to: '21:00', days: Object.fromEntries(WEEKDAYS.map((d) => [d, { kind: 'default', from: '08:00', to: '21:00' }])) as Record<Weekday, DayChoice>, holidays: [],
  retry: Object.fromEntries(RETRY_OUTCOMES.map((o) => [o, { delayMin: String(RETRY_DEFAULTS[o].delayMin), maxAttempts: String(RETRY_DEFAULTS[o].maxAttempts) }])) as FormState['retry'],
  maxTotal: '8', ringTimeoutS: '25', amd: false, onMachine: 'hangup', capPct: '3',
});

/** A number field as typed: the API says what is wrong with it (NaN goes as null, which it refuses by name). */
const num = (s: string): number | null => (s.trim() === '' || Number.isNaN(Number(s)) ? null : Number(s));

function body(f: FormState): Record<string, unknown> {
  const cap = num(f.capPct);
  const capFraction = cap === null ? null : Math.round(cap * 1000) / 100000;
  const settings: Record<string, unknown> = {
    lines: f.lines, maxLines: num(f.maxLines), callerId: f.callerId.trim() || null, ringTimeoutS: num(f.ringTimeoutS),
    amd: { enabled: f.amd, onMachine: f.onMachine },
    window: {
      default: { from: f.from, to: f.to },
      ...(WEEKDAYS.some((d) => f.days[d].kind !== 'default')
        ? { days: Object.fromEntries(WEEKDAYS.map((d) => { const x = f.days[d]; return [d, x.kind === 'off' ? null : x.kind === 'custom' ? { from: x.from, to: x.to } : { from: f.from, to: f.to }]; })) }
        : {}),
      ...(f.holidays.length ? { holidays: f.holidays } : {}),
    },
    retry: {
      ...Object.fromEntries(RETRY_OUTCOMES.map((o) => { const r = f.retry[o]; const m = num(r.delayMin); return [o, { delayS: m === null ? null : Math.round(m * 60), maxAttempts: num(r.maxAttempts) }]; })),
      maxTotal: num(f.maxTotal),
    },
  };
  if (f.mode !== 'broadcast') Object.assign(settings, { queueId: f.queueId || null, agents: f.agents });
  if (f.mode === 'broadcast') Object.assign(settings, { message: f.message.trim() || null, voice: f.voice, keys: { agent: f.keyAgent || null, optOut: f.keyOptOut || null, repeat: f.keyRepeat || null } });
  if (f.mode === 'preview') settings.previewCountdownS = num(f.countdown);
  // the pacing aims a sixth under the cap (3 % → 2.5 %, the API's default pair)
  if (f.mode !== 'preview') Object.assign(settings, { abandonCap: capFraction, ...(capFraction !== null && capFraction >= 0 ? { abandonTarget: Math.round(capFraction * 5 / 6 * 100000) / 100000 } : {}) });
  return { name: f.name.trim(), mode: f.mode, settings };
}

/** Where the form shows a field's refusal; anything else goes under the form. */
const PLACED = ['body.name', 'body.mode', 'body.settings.lines', 'body.settings.maxLines', 'body.settings.queueId', 'body.settings.agents', 'body.settings.callerId',
  'body.settings.message', 'body.settings.voice', 'body.settings.keys', 'body.settings.previewCountdownS', 'body.settings.window', 'body.settings.retry',
  'body.settings.ringTimeoutS', 'body.settings.amd', 'body.settings.abandonCap', 'body.settings.abandonTarget'];
export function CampaignForm({ onSaved, onCancel }: { onSaved: (c: Campaign) => void; onCancel: () => void }) {
  const [f, setF] = useState<FormState>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [lines, setLines] = useState<Choice[]>([]);
  const [queues, setQueues] = useState<Choice[]>([]);
  const [agents, setAgents] = useState<Choice[]>([]);
  const set = (patch: Partial<FormState>) => setF((x) => ({ ...x, ...patch }));

  useEffect(() => {
    api.get<{ items: Array<{ id: string; name: string | null }> }>('/lines').then((r) => setLines(r.items.map((l) => ({ id: l.id, name: l.name ?? l.id }))), () => undefined);
    api.get<{ items: Array<{ queueId: string; name: string }> }>('/queues').then((r) => setQueues(r.items.map((q) => ({ id: q.queueId, name: q.name }))), () => undefined);
    api.get<{ items: Choice[] }>('/agents').then((r) => setAgents(r.items), () => undefined);
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setErrors({}); setGeneral(null);
    try {
      onSaved(await api.post<Campaign>('/campaigns', body(f)));
    } catch (err) {
      const byField = fieldErrors(err);
      setErrors(byField);
      const fields = Object.keys(byField);
      const loose = fields.filter((x) => !PLACED.some((p) => under(x, p)));
      setGeneral(!fields.length ? errorText(err) : loose.length ? loose.map((x) => `${x}: ${byField[x]}`).join('; ') : t('camp.fixFields'));
    } finally { setBusy(false); }
  };
  const toggle = (xs: string[], id: string, on: boolean) => (on ? [...xs, id] : xs.filter((x) => x !== id));
  const keySelect = (value: string, onChange: (v: string) => void, testid: string, label: MessageKey) => (
    <label>{t(label)}
      <select value={value} onChange={(e) => onChange(inputValue(e))} data-testid={testid}>
        <option value="">{t('common.none')}</option>{KEYS.map((k) => <option value={k}>{k}</option>)}
      </select>
    </label>
  );

  return (
    <form class="stack campaign-form" noValidate onSubmit={(e) => void submit(e)} data-testid="campaign-form">
      <div class="form-grid">
        <label>{t('camp.name')}<input value={f.name} maxLength={200} onInput={(e) => set({ name: inputValue(e) })} data-testid="campaign-name" /><Issue errors={errors} field="body.name" /></label>
        <label>{t('camp.mode')}
          <select value={f.mode} onChange={(e) => set({ mode: inputValue(e) as Mode })} data-testid="campaign-mode">{MODES.map((m) => <option value={m}>{word('mode', m)}</option>)}</select>
          <span class="small muted">{t(`camp.modeHint.${f.mode}` as MessageKey)}</span>
          <Issue errors={errors} field="body.mode" />
        </label>
        <label>{t('camp.maxLines')}<input type="number" min={1} max={500} value={f.maxLines} onInput={(e) => set({ maxLines: inputValue(e) })} data-testid="campaign-max-lines" /><Issue errors={errors} field="body.settings.maxLines" /></label>
        <label>{t('camp.callerId')}<input value={f.callerId} maxLength={40} inputMode="tel" onInput={(e) => set({ callerId: inputValue(e) })} data-testid="campaign-caller-id" /><Issue errors={errors} field="body.settings.callerId" /></label>
      </div>
      <fieldset data-testid="campaign-lines">
        <legend>{t('camp.lines')}</legend>
        <div class="row">
          {lines.map((l) => <label class="check"><input type="checkbox" checked={f.lines.includes(l.id)} onChange={(e) => set({ lines: toggle(f.lines, l.id, (e.target as HTMLInputElement).checked) })} />{l.name}</label>)}
          {!lines.length && <span class="muted small">{t('camp.noLines')}</span>}
        </div>
        <span class="small muted">{t('camp.linesHint')}</span>
        <Issue errors={errors} field="body.settings.lines" />
      </fieldset>
      {f.mode !== 'broadcast' && (
        <fieldset>
          <legend>{t('camp.staff')}</legend>
          <div class="form-grid">
            {queues.length > 0 && <label>{t('common.queue')}
              <select value={f.queueId} onChange={(e) => set({ queueId: inputValue(e) })} data-testid="campaign-queue">
                <option value="">{t('common.none')}</option>{queues.map((q) => <option value={q.id}>{q.name}</option>)}
              </select>
            </label>}
            <Issue errors={errors} field="body.settings.queueId" />
            <div>
              <span class="small muted">{t('camp.agents')}</span>
              <div class="row">{agents.map((a) => <label class="check"><input type="checkbox" checked={f.agents.includes(a.id)} onChange={(e) => set({ agents: toggle(f.agents, a.id, (e.target as HTMLInputElement).checked) })} data-testid={`campaign-agent-${a.id}`} />{a.name}</label>)}</div>
              <Issue errors={errors} field="body.settings.agents" />
            </div>
            {f.mode === 'preview' && (
              <label>{t('camp.countdown')}<input type="number" min={3} max={600} value={f.countdown} placeholder={t('camp.countdownNone')} onInput={(e) => set({ countdown: inputValue(e) })} data-testid="campaign-countdown" />
                <Issue errors={errors} field="body.settings.previewCountdownS" /></label>
            )}
          </div>
        </fieldset>
      )}
      {f.mode === 'broadcast' && (
        <fieldset>
          <legend>{t('camp.broadcast')}</legend>
          <label>{t('camp.message')}<textarea value={f.message} maxLength={2000} onInput={(e) => set({ message: inputValue(e) })} data-testid="campaign-message" /><Issue errors={errors} field="body.settings.message" /></label>
          <div class="form-grid">
            <label>{t('wizard.voiceLabel')}
              <select value={f.voice} onChange={(e) => set({ voice: inputValue(e) as FormState['voice'] })}><option value="cmn">{t('wizard.voice.cmn')}</option><option value="en-us">{t('wizard.voice.en')}</option></select>
            </label>
            {keySelect(f.keyAgent, (v) => set({ keyAgent: v }), 'campaign-key-agent', 'camp.key.agent')}
            {keySelect(f.keyOptOut, (v) => set({ keyOptOut: v }), 'campaign-key-optout', 'camp.key.optOut')}
            {keySelect(f.keyRepeat, (v) => set({ keyRepeat: v }), 'campaign-key-repeat', 'camp.key.repeat')}
          </div>
          <Issue errors={errors} field="body.settings.keys" />
        </fieldset>
      )}
      <WindowFields f={f} set={set} errors={errors} />
      <fieldset>
        <legend>{t('camp.retry')}</legend>
        <table class="retry-rules"><thead><tr><th>{t('camp.outcome')}</th><th>{t('camp.retryDelay')}</th><th>{t('camp.retryMax')}</th></tr></thead>
          <tbody>{RETRY_OUTCOMES.map((o) => (
            <tr><th scope="row">{word('outcome', o)}</th>
              <td><input type="number" min={0} value={f.retry[o].delayMin} aria-label={`${word('outcome', o)} ${t('camp.retryDelay')}`} onInput={(e) => set({ retry: { ...f.retry, [o]: { ...f.retry[o], delayMin: inputValue(e) } } })} /></td>
              <td><input type="number" min={0} max={50} value={f.retry[o].maxAttempts} aria-label={`${word('outcome', o)} ${t('camp.retryMax')}`} onInput={(e) => set({ retry: { ...f.retry, [o]: { ...f.retry[o], maxAttempts: inputValue(e) } } })} /></td>
            </tr>
          ))}</tbody></table>
        <label class="inline">{t('camp.maxTotal')}<input type="number" min={1} max={50} value={f.maxTotal} onInput={(e) => set({ maxTotal: inputValue(e) })} /></label>
        <Issue errors={errors} field="body.settings.retry" />
      </fieldset>
      <div class="form-grid">
        <label>{t('camp.ringTimeout')}<input type="number" min={15} max={120} value={f.ringTimeoutS} onInput={(e) => set({ ringTimeoutS: inputValue(e) })} data-testid="campaign-ring" />
          <span class="small muted">{t('camp.ringHint')}</span><Issue errors={errors} field="body.settings.ringTimeoutS" /></label>
        {f.mode !== 'preview' && (
          <label>{t('camp.abandonCap')}<input type="number" min={0} max={3} step={0.1} value={f.capPct} onInput={(e) => set({ capPct: inputValue(e) })} data-testid="campaign-cap" />
            <span class="small muted">{t('camp.capHint')}</span><Issue errors={errors} field="body.settings.abandonCap" /><Issue errors={errors} field="body.settings.abandonTarget" /></label>
        )}
        <div>
          <label class="check"><input type="checkbox" checked={f.amd} onChange={(e) => set({ amd: (e.target as HTMLInputElement).checked })} data-testid="campaign-amd" />{t('camp.amd')}</label>
          {f.amd && (
            <label>{t('camp.onMachine')}
              <select value={f.onMachine} onChange={(e) => set({ onMachine: inputValue(e) as FormState['onMachine'] })} data-testid="campaign-on-machine">
                {(['hangup', 'message', 'agent'] as const).map((a) => <option value={a}>{word('machine', a)}</option>)}
              </select>
            </label>
          )}
          <Issue errors={errors} field="body.settings.amd" />
        </div>
      </div>
      <ErrorNote error={general} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy} data-testid="campaign-save">{t('camp.create')}</button>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
