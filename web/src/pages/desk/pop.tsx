/**
 * The screen pop: the caller's card the moment the call rings (the event
 * carries the customer), then the layout, recent interactions and call
 * history with playable recordings. A new caller gets a one-click create.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { fmtDateTime, fmtDuration, fmtPhone, t } from '../../i18n.ts';
import { errorText, Player } from '../../components/ui.tsx';
import { CustomerCard } from '../screenpop/card.tsx';
import type { CustomFieldDef } from '../crm/card-fields.ts';
import type { Customer, DeskCall } from './types.ts';
import { known } from '../data/calls.tsx';

const FALLBACK_LAYOUT = { groups: [{ title: '', fields: ['name', 'company', 'tier', 'phones'] }], interactions: 5 };

export function Pop({ call, canTake, onTake, onHangup, onCreated }: {
  call: DeskCall; canTake: boolean; onTake: () => void; onHangup: () => void; onCreated: (c: Customer) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  // Caller ID to card on screen, measured here: the event's time to the first paint of the card.
  useEffect(() => {
    requestAnimationFrame(() => {
      if (ref.current && !ref.current.dataset.latencyMs) ref.current.dataset.latencyMs = String(Date.now() - Date.parse(call.at));
    });
  }, [call.callId]);
  const create = async () => {
    setError(null);
    try {
      const c = await api.post<Customer>('/customers', { name: call.name || fmtPhone(call.number) || t('desk.newCaller'), phones: call.number ? [{ number: call.number }] : [] });
      onCreated(c);
    } catch (err) { setError(errorText(err)); }
  };
  const pop = call.pop;
  // Custom fields' labels, fetched only when the layout shows one (else the card shows the key).
  const needsLabels = (pop?.layout.groups ?? []).some((g) => g.fields.some((f) => f.startsWith('custom.')));
  const [customFields, setCustomFields] = useState<CustomFieldDef[]>([]);
  useEffect(() => {
    if (!needsLabels) return;
    api.get<{ items: CustomFieldDef[] }>('/customers/fields').then((r) => setCustomFields(r.items), (err: unknown) => setError(errorText(err)));
  }, [needsLabels]);
  return (
    <section class="card pop" ref={ref} data-testid="screenpop" data-call-id={call.callId} aria-live="polite">
      <div class="row">
        <h2>{call.ended ? t('desk.callEnded') : t('desk.incoming')}</h2>
        <span class="muted">{call.number ? fmtPhone(call.number) : t('desk.withheld')}</span>
        <span class="spacer" />
        {canTake && !call.ended && <button type="button" class="primary big" onClick={onTake} data-testid="take-call">{t('desk.take')}</button>}
        {!call.ended && <button type="button" class="danger" onClick={onHangup}>{t('desk.hangup')}</button>}
      </div>
      {call.customer ? (
        <>
          <div class="customer-name" data-testid="customer-name">{call.customer.name}</div>
          <CustomerCard customer={call.customer} layout={pop?.layout ?? FALLBACK_LAYOUT} fields={customFields} />
        </>
      ) : (
        <div class="row">
          <div class="customer-name" data-testid="new-caller">{t('desk.newCaller')}{call.name ? ` · ${call.name}` : ''}</div>
          <button type="button" onClick={() => void create()} data-testid="create-customer">{t('desk.createCustomer')}</button>
        </div>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      {pop && pop.call.ivrPath.length > 0 && (
        <p class="muted small">{t('desk.ivrPath')}: {pop.call.ivrPath.map((s) => s.node + (s.digits ? ` [${s.digits}]` : '')).join(' → ')}</p>
      )}
      {pop && pop.interactions.length > 0 && (
        <>
          <h3>{t('desk.recent')}</h3>
          <ul>{pop.interactions.map((i) => <li>{fmtDateTime(i.at)} · {i.summary ?? i.kind}</li>)}</ul>
        </>
      )}
      {pop && pop.history.length > 0 && (
        <>
          <h3>{t('desk.history')}</h3>
          <div class="table-wrap"><table>
            <tbody>{pop.history.map((c) => (
              <tr><td>{fmtDateTime(c.startedAt)}</td><td>{known('disp.', c.disposition)}</td><td>{fmtDuration(c.durationMs)}</td><td>{c.outcome ? known('desk.outcome.', c.outcome) : ''}</td>
                <td>{c.recordingId && <Player src={`/api/v1/calls/${c.id}/recording`} />}</td></tr>
            ))}</tbody>
          </table></div>
        </>
      )}
    </section>
  );
}
