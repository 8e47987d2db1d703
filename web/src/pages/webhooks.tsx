/** Webhooks (admin): subscriptions, the secret shown once, each one's delivery log, replay. */
import { useState } from 'preact/hooks';
import { api, qs } from '../api.ts';
import { t, fmtDateTime } from '../i18n.ts';
import { go } from '../router.ts';
import { ErrorNote, Section, errorText, toast } from '../components/ui.tsx';
import { usePaged } from './data/paged.ts';
import { ListFooter } from './data/list-footer.tsx';
import { known } from './data/calls.tsx';
import { inputValue } from './data/format.ts';

interface Webhook {
  id: string; url: string; events: string[]; enabled: boolean; description: string; secretPrefix: string;
  consecutiveDeadLetters: number; disabledReason: string | null; pending: number; dead: number; createdAt: string;
}
interface Delivery {
  id: string; eventType: string; orderKey: string | null; status: 'pending' | 'succeeded' | 'dead'; attempts: number; nextAttemptAt: string | null;
  lastAttemptAt: string | null; lastStatusCode: number | null; lastError: string | null; lastLatencyMs: number | null; createdAt: string; deliveredAt: string | null;
}

export function WebhooksPage({ params }: { params: string[] }) {
  return params[0] ? <Deliveries id={params[0]} /> : <WebhookList />;
}

function WebhookList() {
  const list = usePaged<Webhook>((cursor) => '/webhooks' + qs({ limit: 100, cursor }), []);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const act = async (fn: () => Promise<unknown>) => { try { await fn(); list.reload(); } catch (err) { alert(errorText(err)); } };
  return (
    <div class="page" data-testid="webhooks-page">
      <div class="row page-head">
        <h1>{t('wh.title')}</h1><span class="spacer" />
        <button type="button" onClick={list.reload}>{t('common.refresh')}</button>
        <button type="button" class="primary" onClick={() => setCreating(true)} disabled={creating} data-testid="webhook-new">{t('wh.new')}</button>
      </div>
      {secret && (
        <section class="card" role="alert" data-testid="webhook-secret-box">
          <p>{t('wh.secretOnce')}</p>
          <p><code class="mono" data-testid="webhook-secret">{secret}</code></p>
          <button type="button" onClick={() => setSecret(null)} data-testid="webhook-secret-done">{t('wh.secretDone')}</button>
        </section>
      )}
      {creating && (
        <Section title={t('wh.new')}>
          <NewWebhook onCancel={() => setCreating(false)} onCreated={(s) => { setSecret(s); setCreating(false); list.reload(); }} />
        </Section>
      )}
      <section class="card">
        <ErrorNote error={list.error} />
        <div class="table-wrap">
          <table data-testid="webhook-table">
            <thead><tr>
              <th scope="col">{t('wh.url')}</th><th scope="col">{t('wh.events')}</th><th scope="col">{t('common.state')}</th>
              <th scope="col">{t('wh.pending')}</th><th scope="col">{t('wh.dead')}</th><th scope="col"><span class="sr-only">{t('common.actions')}</span></th>
            </tr></thead>
            <tbody>
              {list.items.map((w) => (
                <tr key={w.id} data-testid={`webhook-row-${w.id}`} class={w.enabled ? '' : 'disabled'}>
                  <td><span class="mono small">{w.url}</span>{w.description && <div class="muted small">{w.description}</div>}</td>
                  <td class="small mono">{w.events.join(' ')}</td>
                  <td>{w.enabled ? <span class="badge idle">{t('wh.enabled')}</span>
                    : <span class="badge offline" title={w.disabledReason ?? ''}>{w.disabledReason ? t('wh.disabledBy').replace('{reason}', w.disabledReason) : t('wh.disable')}</span>}</td>
                  <td>{w.pending}</td>
                  <td>{w.dead}</td>
                  <td class="actions">
                    <button type="button" onClick={() => go('webhooks', w.id)} data-testid={`webhook-deliveries-${w.id}`}>{t('wh.deliveries')}</button>
                    <button type="button" onClick={() => void act(() => api.patch(`/webhooks/${w.id}`, { enabled: !w.enabled }))} data-testid={`webhook-toggle-${w.id}`}>{w.enabled ? t('wh.disable') : t('wh.enable')}</button>
                    <button type="button" class="danger" onClick={() => { if (confirm(`${t('common.confirmDelete')}\n${w.url}`)) void act(() => api.del(`/webhooks/${w.id}`)); }} data-testid={`webhook-delete-${w.id}`}>{t('common.delete')}</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ListFooter list={list} empty={t('wh.none')} testid="webhook-more" />
      </section>
    </div>
  );
}

function NewWebhook({ onCreated, onCancel }: { onCreated: (secret: string) => void; onCancel: () => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState('call.*');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      const r = await api.post<{ secret: string }>('/webhooks', { url: url.trim(), events: events.split(/[\s,]+/).filter(Boolean), description: description.trim() });
      toast(t('common.saved'));
      onCreated(r.secret);
    } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  return (
    <form class="stack" onSubmit={(e) => void submit(e)} data-testid="webhook-form">
      <div class="form-grid">
        <label>{t('wh.url')}<input required type="url" maxLength={2000} placeholder="https://crm.example.com/kefu-events" value={url} onInput={(e) => setUrl(inputValue(e))} data-testid="webhook-url" /></label>
        <label>{t('wh.events')}<input required maxLength={2000} value={events} onInput={(e) => setEvents(inputValue(e))} aria-describedby="webhook-events-hint" data-testid="webhook-events" />
          <span class="small muted" id="webhook-events-hint">{t('wh.eventsHint')}</span></label>
        <label>{t('wh.description')}<input maxLength={500} value={description} onInput={(e) => setDescription(inputValue(e))} data-testid="webhook-description" /></label>
      </div>
      <ErrorNote error={error} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy} data-testid="webhook-save">{t('common.save')}</button>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

const STATUSES = ['', 'pending', 'succeeded', 'dead'] as const;

function Deliveries({ id }: { id: string }) {
  const [status, setStatus] = useState<typeof STATUSES[number]>('');
  const list = usePaged<Delivery>((cursor) => `/webhooks/${id}/deliveries` + qs({ limit: 50, cursor, status }), [id, status]);
  const act = async (fn: () => Promise<unknown>, msg?: string) => { try { await fn(); if (msg) toast(msg); list.reload(); } catch (err) { alert(errorText(err)); } };
  return (
    <div class="page" data-testid="webhook-deliveries-page">
      <div class="row page-head">
        <h1>{t('wh.deliveries')}</h1><span class="spacer" />
        <button type="button" class="link" onClick={() => go('webhooks')}>{t('wh.back')}</button>
        {STATUSES.map((s) => (
          <button type="button" key={s} class={status === s ? 'primary' : ''} aria-pressed={status === s} onClick={() => setStatus(s)} data-testid={`delivery-filter-${s || 'all'}`}>
            {known('wh.status.', s || 'all')}
          </button>
        ))}
        <button type="button" onClick={list.reload} data-testid="delivery-refresh">{t('common.refresh')}</button>
        <button type="button" onClick={() => void act(async () => {
          const r = await api.post<{ replayed: number }>(`/webhooks/${id}/deliveries/replay-dead`);
          toast(t('wh.replayed').replace('{n}', String(r.replayed)));
        })} data-testid="delivery-replay-dead">{t('wh.replayDead')}</button>
      </div>
      <section class="card">
        <ErrorNote error={list.error} />
        <div class="table-wrap">
          <table data-testid="delivery-table">
            <thead><tr>
              <th scope="col">{t('common.time')}</th><th scope="col">{t('wh.events')}</th><th scope="col">{t('common.state')}</th><th scope="col">{t('wh.attempts')}</th>
              <th scope="col">{t('wh.code')}</th><th scope="col">{t('wh.latency')}</th><th scope="col">{t('wh.error')}</th><th scope="col"><span class="sr-only">{t('common.actions')}</span></th>
            </tr></thead>
            <tbody>
              {list.items.map((d) => (
                <tr key={d.id} data-testid={`delivery-row-${d.id}`} data-status={d.status}>
                  <td class="nowrap">{fmtDateTime(d.createdAt)}</td>
                  <td class="mono small">{d.eventType}</td>
                  <td><span class={`badge wh-${d.status}`}>{known('wh.status.', d.status)}</span>
                    {d.nextAttemptAt && <div class="muted small">{t('wh.next')} {fmtDateTime(d.nextAttemptAt)}</div>}</td>
                  <td>{d.attempts}</td>
                  <td>{d.lastStatusCode ?? '–'}</td>
                  <td>{d.lastLatencyMs ?? '–'}</td>
                  <td class="small">{d.lastError ?? ''}</td>
                  <td class="actions"><button type="button" onClick={() => void act(() => api.post(`/webhooks/${id}/deliveries/${d.id}/replay`))} data-testid={`delivery-replay-${d.id}`}>{t('wh.replay')}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ListFooter list={list} empty={t('wh.noDeliveries')} testid="delivery-more" />
      </section>
    </div>
  );
}
