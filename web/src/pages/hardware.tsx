/**
 * Hardware page (technician): the diagnostics as live ✓/✗ with the fix for
 * each, and per line its signs of life, last caller ID, last error and a
 * Re-probe button. Refreshes on line events. Demo: pull and replug the device.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, events } from '../api.ts';
import { fmtDateTime, fmtPhone, t } from '../i18n.ts';
import { ErrorNote, errorText, toast } from '../components/ui.tsx';
import { me } from '../session.ts';
import { useSignal } from '../signal.ts';
import type { CallerIdReport, DeviceInfo } from './setup/types.ts';

interface Check { id: string; title: string; ok: boolean; detail: string; fix: string | null }
interface LineHw {
  line: { id: string; name: string | null; state: string; reason: string | null; device: DeviceInfo | null };
  stored: boolean; port: string | null;
  health: { lastSeen: string | null; lastCallerId: CallerIdReport | null; lastCallerIdAt: string | null; lastError: string | null; lastErrorAt: string | null };
}

function LineCard({ l, reload, onError }: { l: LineHw; reload: () => void; onError: (e: string) => void }) {
  const [busy, setBusy] = useState(false);
  const online = l.line.state !== 'offline';
  const act = async (fn: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    try { await fn(); if (done) toast(done); } catch (err) { onError(errorText(err)); } finally { setBusy(false); reload(); }
  };
  const cid = l.health.lastCallerId;
  return (
    <li class="card" data-testid="hw-line" data-line={l.line.id} data-online={String(online)}>
      <div class="row">
        <strong>{l.line.name ?? l.line.id}</strong> <code>{l.port}</code>
        <span class={`badge ${online ? 'idle' : 'offline'}`}>{online ? `✓ ${t('hardware.online')}` : `✗ ${t('hardware.offline')}`}</span>
        <span class="spacer" />
        <button type="button" disabled={busy} onClick={() => void act(() => api.post(`/hardware/lines/${encodeURIComponent(l.line.id)}/reprobe`), t('hardware.reprobed'))} data-testid="reprobe">{t('hardware.reprobe')}</button>
        {l.stored
          ? <button type="button" disabled={busy} onClick={() => { if (confirm(t('hardware.removeConfirm'))) void act(() => api.del(`/setup/lines/${encodeURIComponent(l.line.id)}`)); }}>{t('hardware.remove')}</button>
          : <span class="muted">{t('hardware.fromConfig')}</span>}
      </div>
      <dl class="probe">
        <dt>{t('hardware.device')}</dt><dd>{[l.line.device?.manufacturer, l.line.device?.model].filter(Boolean).join(' ') || '–'}</dd>
        <dt>{t('hardware.lastSeen')}</dt><dd>{l.health.lastSeen ? fmtDateTime(l.health.lastSeen) : t('hardware.never')}</dd>
        <dt>{t('hardware.lastCallerId')}</dt><dd>{cid ? `${cid.e164 ? fmtPhone(cid.e164) : cid.number ?? cid.withheld ?? '?'} · ${fmtDateTime(l.health.lastCallerIdAt)}` : '–'}</dd>
        <dt>{t('hardware.lastError')}</dt><dd class={l.health.lastError ? 'error' : ''}>{l.health.lastError ? `${l.health.lastError} · ${fmtDateTime(l.health.lastErrorAt)}` : '–'}</dd>
      </dl>
    </li>
  );
}

export function Hardware(_props: { params: string[] }) {
  const who = useSignal(me);
  const [checks, setChecks] = useState<Check[] | null>(null);
  const [lines, setLines] = useState<LineHw[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);
  const reload = () => setN((x) => x + 1);

  useEffect(() => {
    let live = true;
    Promise.all([api.get<{ checks: Check[] }>('/hardware/diagnostics'), api.get<{ items: LineHw[] }>('/hardware/lines')]).then(([d, l]) => {
      if (!live) return;
      setChecks(d.checks); setLines(l.items); setError(null);
    }, (err: unknown) => { if (live) setError(errorText(err)); });
    return () => { live = false; };
  }, [n]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = events.on((e) => {
      if (e.type !== 'line.state' && e.type !== 'line.callerid') return;
      clearTimeout(timer);
      timer = setTimeout(reload, 150);
    });
    return () => { off(); clearTimeout(timer); };
  }, []);

  const demo = async (what: 'unplug' | 'replug') => { try { await api.post(`/hardware/demo/${what}`); } catch (err) { setError(errorText(err)); } };
  const ok = checks?.every((c) => c.ok);
  return (
    <div data-testid="hardware">
      <div class="row"><h1>{t('hardware.title')}</h1><span class="spacer" />
        <a class="button" href="#/setup">{t('hardware.wizard')}</a>
        <button type="button" onClick={reload}>{t('common.refresh')}</button>
      </div>
      <ErrorNote error={error} />
      {who?.demo && (
        <div class="row demo-device"><strong>{t('hardware.demoDevice')}</strong>
          <button type="button" onClick={() => void demo('unplug')} data-testid="demo-unplug">{t('hardware.unplug')}</button>
          <button type="button" onClick={() => void demo('replug')} data-testid="demo-replug">{t('hardware.replug')}</button>
        </div>
      )}
      <section class="card">
        <h2>{t('hardware.lines')}</h2>
        {lines.length === 0 ? <p class="muted">{t('hardware.noLines')}</p> : <ul class="plain">{lines.map((l) => <LineCard key={l.line.id} l={l} reload={reload} onError={setError} />)}</ul>}
      </section>
      <section class="card">
        <h2>{t('hardware.checks')} {checks && <span class={ok ? 'ok' : 'error'}>{ok ? t('hardware.allOk') : t('hardware.someFailed')}</span>}</h2>
        <ul class="plain checks">
          {(checks ?? []).map((c) => (
            <li key={c.id} data-testid="check" data-check={c.id} data-ok={String(c.ok)}>
              <span class={c.ok ? 'ok' : 'error'}>{c.ok ? '✓' : '✗'}</span> <strong>{c.title}</strong>: {c.detail}
              {!c.ok && c.fix && <div class="fix">{t('hardware.fix')}: {c.fix}</div>}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
