/** Dry run of the draft in the page: the shared interpreter with a scripted caller. */
import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n.ts';
import { errorText } from '../../components/ui.tsx';
import { simulateFlow, type SimulationResult } from '../../../../src/core/ivr/simulate.ts';
import { promptText, type Flow } from './model.ts';
import { typeLabel } from './tree.tsx';

// The scripted caller's voicemail makes an empty Node Buffer; give the browser a stand-in.
const g = globalThis as unknown as { Buffer?: unknown };
if (g.Buffer === undefined) g.Buffer = { alloc: (n: number) => new Uint8Array(n) };

type CallerKind = 'unknown' | 'known' | 'vip' | 'blacklisted' | 'withheld';
const CALLERS: CallerKind[] = ['unknown', 'known', 'vip', 'blacklisted', 'withheld'];

const localNow = (): string => {
  const d = new Date();
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
};

export function TestRunner({ flow, onResult }: { flow: Flow; onResult: (r: SimulationResult | null) => void }) {
  const [digits, setDigits] = useState('');
  const [caller, setCaller] = useState<CallerKind>('unknown');
  const [when, setWhen] = useState(localNow());
  const [queues, setQueues] = useState(false);
  const [result, setResult] = useState<SimulationResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await simulateFlow(structuredClone(flow), {
        digits: digits.replace(/\s+/g, ''),
        now: when ? new Date(when) : new Date(),
        queues,
        caller: {
          number: caller === 'withheld' ? null : '+8613800138000',
          blacklisted: caller === 'blacklisted',
          customer: caller === 'known' ? { id: 'sample', tier: null } : caller === 'vip' ? { id: 'sample', tier: 'vip' } : null,
        },
      });
      setResult(r); onResult(r);
    } catch (err) {
      setError(errorText(err)); setResult(null); onResult(null);
    }
  };

  return (
    <section class="card test-runner" aria-label={t('ivr.test')}>
      <h2>{t('ivr.test')}</h2>
      <form class="toolbar" onSubmit={(e) => void run(e)}>
        <label>{t('ivr.testDigits')}
          <input data-testid="test-digits" value={digits} size={10} placeholder="1 2 # . h" onInput={(e) => setDigits((e.target as HTMLInputElement).value)} />
        </label>
        <label>{t('ivr.caller')}
          <select value={caller} onChange={(e) => setCaller((e.target as HTMLSelectElement).value as CallerKind)}>
            {CALLERS.map((c) => <option value={c}>{t(`ivr.caller.${c}`)}</option>)}
          </select>
        </label>
        <label>{t('ivr.callTime')}
          <input type="datetime-local" value={when} onInput={(e) => setWhen((e.target as HTMLInputElement).value)} />
        </label>
        <label class="check"><input type="checkbox" checked={queues} onChange={(e) => setQueues((e.target as HTMLInputElement).checked)} />{t('ivr.queuesAccept')}</label>
        <button type="submit" class="primary" data-testid="test-run">{t('ivr.run')}</button>
        {result && <button type="button" onClick={() => { setResult(null); onResult(null); }}>{t('ivr.clear')}</button>}
      </form>
      <p class="muted small">{t('ivr.testHelp')}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {result && (
        <div class="grid test-result">
          <div>
            <h3>{t('ivr.path')}</h3>
            <ol data-testid="test-path" class="path">
              {result.path.map((p) => (
                <li data-node={p.node}>
                  <strong>{p.node}</strong> <span class="muted small">{typeLabel(p.type)}</span>
                  {p.digits && <> · <span class="badge">{t('ivr.pressed')} {p.digits}</span></>}
                  {p.branch && <> → <span class="small">{p.branch}</span></>}
                </li>
              ))}
            </ol>
          </div>
          <div>
            <h3>{t('ivr.heard')}</h3>
            {result.prompts.length === 0 ? <p class="muted">{t('common.none')}</p> : (
              <ol data-testid="test-prompts">
                {result.prompts.map((p) => <li><span class="muted small">{p.node}:</span> “{promptText(p.prompt)}”{p.interruptedBy && <span class="muted small"> ({t('ivr.interruptedBy')} {p.interruptedBy})</span>}</li>)}
              </ol>
            )}
            <h3>{t('ivr.outcome')}</h3>
            <p data-testid="test-outcome">
              <span class={`badge outcome-${result.outcome}`}>{t(`ivr.outcome.${result.outcome}` as MessageKey) ?? result.outcome}</span>
              {result.queue && <> · {t('common.queue')} {result.queue}</>}
              {result.voicemail && <> · {t('ivr.voicemailLeft')} ({Math.round(result.voicemail.durationMs / 1000)} s)</>}
              {result.error && <span class="error"> {result.error}</span>}
            </p>
            {Object.keys(result.variables).length > 0 && (
              <dl class="fields">{Object.entries(result.variables).map(([k, v]) => <><dt>{k}</dt><dd>{v}</dd></>)}</dl>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
