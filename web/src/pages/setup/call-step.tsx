/**
 * Wizard step 2: the admin calls the line from a mobile; the live view shows
 * the rings, the caller-ID block as received, the number as normalised, the
 * call as it pops, and the fixes that match what was seen.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, events } from '../../api.ts';
import { fmtPhone, locale, t } from '../../i18n.ts';
import { errorText, ErrorNote, toast, useLoad } from '../../components/ui.tsx';
import type { CallerIdReport, SetupStatus } from './types.ts';

interface Pop { callId: string; number: string | null; customer: string | null }
const COUNTRIES = ['CN', 'HK', 'MO', 'TW', 'SG', 'MY', 'US', 'GB', 'DE', 'FR', 'JP', 'KR', 'AU'];

function CountryFix({ current, suggested }: { current: string; suggested: string | null }) {
  const [region, setRegion] = useState(suggested && suggested !== current ? suggested : current);
  const [error, setError] = useState<string | null>(null);
  const names = new Intl.DisplayNames([locale.get()], { type: 'region' });
  const apply = async () => {
    try { await api.put('/setup/region', { region }); toast(`${t('wizard.fix.countrySet')} ${names.of(region) ?? region}`); } catch (err) { setError(errorText(err)); }
  };
  return (
    <div class="fix" data-testid="fix-country">
      <p>{t('wizard.fix.country')}</p>
      <select value={region} onChange={(e) => setRegion((e.target as HTMLSelectElement).value)} name="region">
        {[...new Set([current, ...COUNTRIES])].map((c) => <option value={c} key={c}>{names.of(c) ?? c} ({c})</option>)}
      </select>
      <button type="button" onClick={() => void apply()}>{t('wizard.fix.applyCountry')}</button>
      <ErrorNote error={error} />
    </div>
  );
}

export function CallStep({ lineId }: { lineId: string }) {
  // The demo's simulated modem can play the mobile; a real line needs a real call.
  const status = useLoad(() => api.get<SetupStatus>('/setup/status'), []);
  const demo = status.data?.demo?.lineId === lineId;
  const [reprobing, setReprobing] = useState(false);
  const [rings, setRings] = useState(0);
  const [cid, setCid] = useState<CallerIdReport | null>(null);
  const [pop, setPop] = useState<Pop | null>(null);
  const [number, setNumber] = useState('138 0013 8000');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => events.on((e) => {
    if (e.data.lineId !== lineId) return;
    if (e.type === 'line.ring') setRings(Number(e.data.ring));
    else if (e.type === 'line.callerid') setCid(e.data as unknown as CallerIdReport);
    else if (e.type === 'call.ringing') {
      const customer = e.data.customer as { name?: string } | null;
      setPop({ callId: String(e.data.callId), number: (e.data.number as string | null) ?? null, customer: customer?.name ?? null });
    }
  }), [lineId]);

  const simulate = async () => {
    setError(null); setRings(0); setCid(null); setPop(null);
    try { await api.post(`/lines/${encodeURIComponent(lineId)}/simulate/call`, { number, hangupAfterMs: 3000 }); } catch (err) { setError(errorText(err)); }
  };

  return (
    <section data-testid="call-step">
      <p><strong>{t('wizard.callNow')}</strong></p>
      {demo && (
        <div class="row">
          <input name="wizard-number" value={number} onInput={(e) => setNumber((e.target as HTMLInputElement).value)} aria-label={t('demo.number')} />
          <button type="button" onClick={() => void simulate()} data-testid="wizard-simulate">{t('wizard.demoCall')}</button>
        </div>
      )}
      <ErrorNote error={error} />
      <dl class="probe" data-testid="live">
        <dt>{t('wizard.rings')}</dt><dd data-testid="rings">{rings || t('wizard.waitingRing')}</dd>
        <dt>{t('wizard.rawBlock')}</dt><dd><pre data-testid="raw-cid">{cid ? cid.raw.join('\n') : '–'}</pre></dd>
        <dt>{t('wizard.normalised')}</dt>
        <dd data-testid="normalised">{cid?.withheld ? t('wizard.withheld') : cid?.e164 ? `${fmtPhone(cid.e164, cid.defaultRegion)} (${cid.e164})` : cid?.number ?? '–'}</dd>
        <dt>{cid?.recognised === false ? t('wizard.notRecognised') : t('wizard.recognised')}</dt>
        <dd data-testid="recognised" data-ok={cid ? String(cid.recognised) : ''} class={cid ? (cid.recognised ? 'ok' : 'error') : ''}>{cid ? (cid.recognised ? `✓ ${cid.format.toUpperCase()}` : '✗') : '–'}</dd>
      </dl>
      {pop && (
        <div class="card pop" data-testid="setup-pop">
          <strong>{t('wizard.popped')}</strong>: <span data-testid="setup-pop-number">{fmtPhone(pop.number)}</span> · <span>{pop.customer ?? t('wizard.newCaller')}</span>
        </div>
      )}
      {rings >= 2 && !cid && (
        <div class="fix" data-testid="fix-no-cid">
          <p>{t('wizard.fix.noCid')}</p>
          <button type="button" disabled={reprobing} onClick={() => {
            setReprobing(true);
            api.post(`/hardware/lines/${encodeURIComponent(lineId)}/reprobe`).then(() => toast(t('hardware.reprobed')), (err: unknown) => setError(errorText(err))).finally(() => setReprobing(false));
          }}>{t('hardware.reprobe')}</button>
        </div>
      )}
      {cid && cid.recognised && cid.number && !cid.valid && <CountryFix current={cid.defaultRegion} suggested={cid.region} />}
      {cid && cid.valid && cid.region && cid.region !== cid.defaultRegion && <CountryFix current={cid.defaultRegion} suggested={cid.region} />}
      {cid?.format === 'dtmf' && <p class="fix" data-testid="fix-dtmf">{t('wizard.fix.dtmf')}</p>}
      {cid && !cid.recognised && <p class="fix" data-testid="fix-unknown">{t('wizard.fix.unknown')}</p>}
    </section>
  );
}
