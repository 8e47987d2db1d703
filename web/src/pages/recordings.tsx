/** Recordings, newest first: the call, length, size, checksum, and a player. */
import { useState } from 'preact/hooks';
import { api, qs } from '../api.ts';
import { t, fmtDateTime, fmtDuration, fmtPhone } from '../i18n.ts';
import { ErrorNote, Player, errorText } from '../components/ui.tsx';
import { usePaged } from './data/paged.ts';
import { ListFooter } from './data/list-footer.tsx';
import { CallerCell, directionLabel, known, type CallRecord } from './data/calls.tsx';
import { fmtBytes } from './data/format.ts';

interface Recording {
  id: string; callId: string; format: string; state: 'recording' | 'ready' | 'repaired' | 'failed';
  durationMs: number | null; bytes: number | null; sha256: string | null; createdAt: string; completedAt: string | null; audioUrl: string;
  number: string | null; callerName: string | null; lineId: string; direction: 'inbound' | 'outbound'; customerId: string | null; customerName: string | null;
}

export function Recordings(_props: { params: string[] }) {
  const list = usePaged<Recording>((cursor) => '/recordings' + qs({ limit: 50, cursor }), []);
  return (
    <div class="page" data-testid="recordings-page">
      <div class="row page-head">
        <h1>{t('rec.title')}</h1><span class="spacer" />
        <button type="button" onClick={list.reload} data-testid="recordings-refresh">{t('common.refresh')}</button>
      </div>
      <section class="card">
        <div class="table-wrap">
          <table data-testid="recording-table">
            <thead><tr>
              <th scope="col">{t('common.time')}</th><th scope="col">{t('rec.call')}</th><th scope="col">{t('common.line')}</th><th scope="col">{t('common.duration')}</th>
              <th scope="col">{t('rec.size')}</th><th scope="col">{t('common.state')}</th><th scope="col">{t('rec.checksum')}</th>
              <th scope="col">{t('common.play')}</th>
            </tr></thead>
            <tbody>
              {list.items.map((r) => (
                <tr key={r.id} data-testid={`recording-row-${r.id}`}>
                  <td class="nowrap">{fmtDateTime(r.createdAt)}</td>
                  <td><CallCell rec={r} /></td>
                  <td>{r.lineId}</td>
                  <td>{fmtDuration(r.durationMs) || '–'}</td>
                  <td class="nowrap">{fmtBytes(r.bytes)}</td>
                  <td><span class={`badge rec-${r.state}`}>{known('rec.state.', r.state)}</span> <span class="muted small">{r.format}</span></td>
                  <td>{r.sha256 ? <code class="checksum" title={r.sha256}>{r.sha256.slice(0, 12)}…</code> : '–'}</td>
                  <td>
                    {r.state === 'recording' ? <span class="muted">–</span> : <Player src={`/api/v1/recordings/${r.id}/audio`} />}
                    {r.state !== 'recording' && <div><a class="small" href={`/api/v1/recordings/${r.id}/audio`} download={`${r.id}.${r.format}`} data-testid={`recording-download-${r.id}`}>{t('common.download')}</a></div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ListFooter list={list} empty={t('data.noRecordings')} testid="recordings-more" />
      </section>
    </div>
  );
}

/** The call, shown on demand: who, which way, how it ended, and the customer's page. */
function CallCell({ rec }: { rec: Recording }) {
  const callId = rec.callId;
  const [open, setOpen] = useState(false);
  const [call, setCall] = useState<CallRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  const toggle = () => {
    const next = !open;
    setOpen(next);
    if (next && !call) api.get<CallRecord>(`/calls/${callId}`).then(setCall, (err: unknown) => setError(errorText(err)));
  };
  return (
    <div>
      <button type="button" class="link" aria-expanded={open} onClick={toggle} data-testid={`recording-call-${callId}`}>
        <CallerCell number={rec.number} customerName={rec.customerName} callerName={rec.callerName} testid={`recording-who-${rec.id}`} /> {open ? '▴' : '▾'}
      </button>
      {open && (
        <div class="call-detail small">
          <ErrorNote error={error} />
          {!call && !error && <span class="muted">{t('common.loading')}</span>}
          {call && (
            <dl class="fields">
              <dt>{t('common.number')}</dt><dd>{call.number ? fmtPhone(call.number) : t('desk.withheld')}{call.callerName ? ` · ${call.callerName}` : ''}</dd>
              <dt>{t('bl.direction')}</dt><dd>{directionLabel(call.direction)} · {t('common.line')} {call.lineId}</dd>
              <dt>{t('common.time')}</dt><dd>{fmtDateTime(call.startedAt)}</dd>
              {call.agentId && <><dt>{t('common.agent')}</dt><dd>{call.agentId}</dd></>}
              <dt>{t('rec.call')}</dt><dd><code>{callId.slice(0, 8)}</code></dd>
              <dt>{t('data.disposition')}</dt><dd>{known('disp.', call.disposition)}</dd>
              {call.customerId && <><dt>{t('nav.customers')}</dt><dd><a href={`#/customers/${call.customerId}`} data-testid={`recording-customer-${callId}`}>{t('data.openCustomer')}</a></dd></>}
            </dl>
          )}
        </div>
      )}
    </div>
  );
}
