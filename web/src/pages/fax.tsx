/** Faxes: the inbox and what was sent, a page viewer, and sending a PDF. */
import { useEffect, useState } from 'preact/hooks';
import { api, events, qs } from '../api.ts';
import { t, fmtDateTime, fmtPhone } from '../i18n.ts';
import { ErrorNote, errorText, toast } from '../components/ui.tsx';
import { usePaged } from './data/paged.ts';
import { ListFooter } from './data/list-footer.tsx';
import { known } from './data/calls.tsx';

interface Fax {
  id: string; direction: 'inbound' | 'outbound'; number: string | null; lineId: string | null; customerId: string | null;
  status: string; pages: number | null; remoteStationId: string | null; resultCode: string | null; resultText: string | null;
  attempts: number; maxAttempts: number; hasDocument: boolean; documentUrl: string | null; createdAt: string;
}

type Filter = 'inbound' | 'outbound' | '';

export function FaxPage(_props: { params: string[] }) {
  const [filter, setFilter] = useState<Filter>('inbound');
  const [open, setOpen] = useState<Fax | null>(null);
  const list = usePaged<Fax>((cursor) => '/fax' + qs({ limit: 50, cursor, direction: filter }), [filter]);
  useEffect(() => events.on((e) => { if (e.type === 'fax.status' || e.type === 'fax.received') list.reload(); }), [filter]);
  return (
    <div class="page" data-testid="fax-page">
      <div class="row page-head">
        <h1>{t('fax.title')}</h1><span class="spacer" />
        {(['inbound', 'outbound', ''] as const).map((f) => (
          <button type="button" key={f} class={filter === f ? 'primary' : ''} aria-pressed={filter === f} onClick={() => setFilter(f)} data-testid={`fax-filter-${f || 'all'}`}>
            {t(f === 'inbound' ? 'fax.inbox' : f === 'outbound' ? 'fax.outbox' : 'fax.all')}
          </button>
        ))}
        <button type="button" onClick={list.reload}>{t('common.refresh')}</button>
      </div>
      <SendForm onSent={list.reload} />
      {open && <Viewer fax={open} onClose={() => setOpen(null)} />}
      <section class="card">
        <div class="table-wrap">
          <table data-testid="fax-table">
            <thead><tr>
              <th scope="col">{t('common.time')}</th><th scope="col">{t('common.number')}</th><th scope="col">{t('common.line')}</th>
              <th scope="col">{t('fax.pages')}</th><th scope="col">{t('common.state')}</th><th scope="col">{t('fax.station')}</th><th scope="col">{t('fax.result')}</th>
            </tr></thead>
            <tbody>
              {list.items.map((f) => (
                <tr key={f.id} data-testid={`fax-row-${f.id}`}>
                  <td class="nowrap">{fmtDateTime(f.createdAt)} <span class="muted small">{known('fax.dir.', f.direction)}</span></td>
                  <td>{f.customerId ? <a href={`#/customers/${f.customerId}`}>{fmtPhone(f.number)}</a> : (f.number ? fmtPhone(f.number) : '–')}</td>
                  <td>{f.lineId ?? '–'}</td>
                  <td>{f.hasDocument
                    ? <button type="button" class="link" onClick={() => setOpen(f)} data-testid={`fax-open-${f.id}`}>{f.pages ?? '?'}</button>
                    : (f.pages ?? '–')}</td>
                  <td><span class={`badge fax-${f.status}`}>{known('fax.status.', f.status)}</span>{f.direction === 'outbound' && f.attempts > 1 ? <span class="muted small"> ×{f.attempts}</span> : null}</td>
                  <td>{f.remoteStationId ?? '–'}</td>
                  <td class="small">{f.resultCode && f.resultCode !== 'OK' ? <span title={f.resultText ?? ''}>{f.resultCode}</span> : (f.resultCode ?? '–')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ListFooter list={list} empty={t('fax.noFaxes')} testid="fax-more" />
      </section>
    </div>
  );
}

/** One fax, a page at a time (PNG rendered by the server), with the PDF to download. */
function Viewer({ fax, onClose }: { fax: Fax; onClose: () => void }) {
  const [page, setPage] = useState(1);
  const total = Math.max(1, fax.pages ?? 1);
  return (
    <section class="card" data-testid="fax-viewer" aria-label={t('fax.title')}>
      <div class="row">
        <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)} aria-label={t('fax.prev')} data-testid="fax-prev">‹</button>
        <span data-testid="fax-page-label">{t('fax.page').replace('{n}', String(page)).replace('{total}', String(total))}</span>
        <button type="button" disabled={page >= total} onClick={() => setPage(page + 1)} aria-label={t('fax.next')} data-testid="fax-next">›</button>
        <span class="spacer" />
        {fax.documentUrl && <a href={fax.documentUrl} download={`fax-${fax.id}.pdf`} data-testid="fax-download">{t('fax.document')}</a>}
        <button type="button" onClick={onClose}>{t('fax.close')}</button>
      </div>
      <img class="fax-page" style={{ maxWidth: '100%', border: '1px solid #ccc', background: '#fff' }} src={`/api/v1/fax/${fax.id}/pages/${page}`} alt={t('fax.page').replace('{n}', String(page)).replace('{total}', String(total))} data-testid="fax-page-image" />
    </section>
  );
}

function SendForm({ onSent }: { onSent: () => void }) {
  const [number, setNumber] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const send = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true); setError(null);
    try {
      await api.postFile(`/fax${qs({ number })}`, file, 'application/pdf');
      toast(t('fax.queued'));
      setNumber(''); setFile(null);
      onSent();
    } catch (err) {
      setError(errorText(err));
    } finally { setBusy(false); }
  };
  return (
    <section class="card">
      <form class="row" onSubmit={(e) => { void send(e); }} data-testid="fax-send-form">
        <strong>{t('fax.send')}</strong>
        <label>{t('common.number')} <input value={number} onInput={(e) => setNumber((e.target as HTMLInputElement).value)} required data-testid="fax-number" /></label>
        <label>{t('fax.file')} <input type="file" accept="application/pdf" onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} required data-testid="fax-file" /></label>
        <button type="submit" class="primary" disabled={busy || !file || !number} data-testid="fax-send">{t('fax.sendButton')}</button>
      </form>
      <ErrorNote error={error} />
    </section>
  );
}
