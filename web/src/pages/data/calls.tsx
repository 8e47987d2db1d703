/** A customer's calls: when, which way, on which line, who answered, how it ended, and the recording. */
import { t, fmtDateTime, fmtDuration, fmtPhone, type MessageKey } from '../../i18n.ts';
import { en } from '../../i18n/en.ts';
import { Player } from '../../components/ui.tsx';

export interface CallRecord {
  id: string; lineId: string; direction: 'inbound' | 'outbound'; number: string | null; callerName: string | null; withheld: string | null;
  customerId: string | null; customerName?: string | null; state: string; disposition: string | null; agentId: string | null; queueId: string | null; notes: string | null;
  outcome: string | null; startedAt: string; answeredAt: string | null; endedAt: string | null; durationMs: number | null; queueWaitMs: number | null;
  recordingId: string | null;
}

/** A translated word for a known key family ("disp.", "outcome."...), else the raw value. */
export const known = (prefix: string, value: string | null | undefined): string => {
  if (!value) return '–';
  const key = prefix + value;
  return key in en ? t(key as MessageKey) : value;
};

/** Who called, for a list: the number (or "withheld"), the customer's name or the caller-ID name. */
export function CallerCell({ number, customerName, callerName, testid }: { number: string | null; customerName?: string | null | undefined; callerName?: string | null | undefined; testid?: string }) {
  const name = customerName ?? callerName ?? null;
  return (
    <span data-testid={testid}>
      {number ? <span class="nowrap">{fmtPhone(number)}</span> : <span class="muted">{t('desk.withheld')}</span>}
      {name && <> · <strong data-testid={testid ? `${testid}-name` : undefined}>{name}</strong></>}
    </span>
  );
}

export const directionLabel = (d: string): string => (d === 'inbound' ? t('bl.dir.inbound') : d === 'outbound' ? t('bl.dir.outbound') : d);

export function CallTable({ calls }: { calls: CallRecord[] }) {
  return (
    <div class="table-wrap">
      <table data-testid="call-table">
        <thead><tr>
          <th scope="col">{t('common.time')}</th><th scope="col">{t('bl.direction')}</th><th scope="col">{t('common.number')}</th><th scope="col">{t('common.line')}</th>
          <th scope="col">{t('common.agent')}</th><th scope="col">{t('data.disposition')}</th><th scope="col">{t('common.duration')}</th>
          <th scope="col">{t('nav.recordings')}</th>
        </tr></thead>
        <tbody>
          {calls.map((c) => (
            <tr key={c.id} data-testid={`call-row-${c.id}`}>
              <td class="nowrap">{fmtDateTime(c.startedAt)}</td>
              <td>{directionLabel(c.direction)}</td>
              <td><CallerCell number={c.number} customerName={c.customerName} callerName={c.callerName} /></td>
              <td>{c.lineId}</td>
              <td>{c.agentId ?? '–'}</td>
              <td>{known('disp.', c.disposition)}{c.outcome ? <span class="muted small"> · {known('desk.outcome.', c.outcome)}</span> : null}</td>
              <td>{fmtDuration(c.durationMs) || '–'}</td>
              <td>{c.recordingId ? <Player src={'/api/v1/calls/' + c.id + '/recording'} /> : <span class="muted">–</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
