/** Wizard step 1: serial ports and USB devices, a probe per port, the line added on the chosen one. */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { t } from '../../i18n.ts';
import { ErrorNote, errorText, toast, useLoad } from '../../components/ui.tsx';
import type { Port, Ports, Probe } from './types.ts';

function ProbeResult({ probe }: { probe: Probe }) {
  if (!probe.responding) return <div class="error" data-testid="probe-result" data-ok="false">✗ {t('wizard.notResponding')}: {probe.problems.map((p) => `${p.problem} ${p.fix}`).join(' ')}</div>;
  const i = probe.info!;
  return (
    <dl class="probe" data-testid="probe-result" data-ok="true">
      <dt>{t('wizard.identity')}</dt><dd data-testid="probe-identity">{[i.manufacturer, i.model, i.revision].filter(Boolean).join(' ')}</dd>
      <dt>{t('wizard.voice')}</dt><dd class={i.capabilities.voice ? 'ok' : 'error'}>{i.capabilities.voice ? '✓' : '✗'}</dd>
      <dt>{t('wizard.fax')}</dt><dd>{i.capabilities.faxClasses.join(', ') || t('wizard.none')}</dd>
      <dt>{t('wizard.cidCommand')}</dt><dd class={i.callerIdCommand ? 'ok' : 'error'} data-testid="probe-cid">{i.callerIdCommand ?? `✗ ${t('wizard.none')}`}</dd>
      {probe.problems.map((p) => <dd class="error" key={p.problem}>{p.problem} {p.fix}</dd>)}
    </dl>
  );
}

function AddLine({ port, onAdded }: { port: Port; onAdded: (lineId: string) => void }) {
  const [id, setId] = useState(port.simulated ? 'demo' : 'line-1');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post('/setup/lines', { id, port: port.path, ...(name ? { name } : {}) });
      toast(t('wizard.lineAdded'));
      onAdded(id);
    } catch (err) { setError(errorText(err)); }
  };
  return (
    <form class="row" onSubmit={(e) => void add(e)} data-testid="add-line">
      <label>{t('wizard.lineId')} <input name="line-id" value={id} required pattern="[a-z0-9\-]+" onInput={(e) => setId((e.target as HTMLInputElement).value)} /></label>
      <label>{t('wizard.lineName')} <input name="line-name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
      <button type="submit" class="primary">{t('wizard.addLine')}</button>
      <ErrorNote error={error} />
    </form>
  );
}

function PortRow({ port, onLine }: { port: Port; onLine: (lineId: string) => void }) {
  const [probe, setProbe] = useState<Probe | null>(port.lastProbe);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const run = async () => {
    setBusy(true); setError(null);
    try { setProbe(await api.post<Probe>('/hardware/probe', { path: port.path })); } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  return (
    <li class="card" data-testid="port" data-path={port.path}>
      <div class="row">
        <code>{port.path}</code>
        <span class="muted">{port.simulated ? t('wizard.simulated') : port.manufacturer ?? ''}</span>
        <span class="spacer" />
        {port.inUseBy
          ? <><span class="badge">{t('wizard.inUse')} {port.inUseBy}</span><button type="button" class="primary" onClick={() => onLine(port.inUseBy!)}>{t('wizard.useLine')}</button></>
          : <button type="button" onClick={() => void run()} disabled={busy} data-testid="probe">{busy ? t('wizard.probing') : t('wizard.probe')}</button>}
      </div>
      <ErrorNote error={error} />
      {probe && !port.inUseBy && <ProbeResult probe={probe} />}
      {probe?.responding && probe.info?.capabilities.voice && !port.inUseBy && (adding
        ? <AddLine port={port} onAdded={onLine} />
        : <button type="button" class="primary" onClick={() => setAdding(true)} data-testid="use-modem">{t('wizard.use')}</button>)}
    </li>
  );
}

export function PortStep({ onLine }: { onLine: (lineId: string) => void }) {
  const { data, error, reload } = useLoad(() => api.get<Ports>('/hardware/ports'), []);
  return (
    <section>
      <div class="row"><h2>{t('wizard.ports')}</h2><span class="spacer" /><button type="button" onClick={reload}>{t('common.refresh')}</button></div>
      <ErrorNote error={error ?? data?.error} />
      {data && (data.ports.length === 0 ? <p class="muted">{t('wizard.noPorts')}</p>
        : <ul class="plain">{data.ports.map((p) => <PortRow key={p.path} port={p} onLine={onLine} />)}</ul>)}
      {data && (
        <p class="muted" data-testid="usb">{t('wizard.usb')}: {data.usb.ok ? (data.usb.devices.map((d) => d.product ?? d.id).join(', ') || t('wizard.none')) : data.usb.error}</p>
      )}
    </section>
  );
}
