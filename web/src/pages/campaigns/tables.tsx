/** A campaign's list (numbers and where each stands) and its attempts (newest first, with the CSV export). */
import { useState } from 'preact/hooks';
import { qs } from '../../api.ts';
import { fmtDateTime, fmtPhone, t } from '../../i18n.ts';
import { type Paged, usePaged } from '../data/paged.ts';
import { ListFooter } from '../data/list-footer.tsx';
import { inputValue } from '../data/format.ts';
import { OUTCOMES, word, type Attempt, type ListNumber } from './model.ts';

/** The numbers list, reloaded by the page after an upload. */
export function useNumbers(campaignId: string): { list: Paged<ListNumber>; state: string; setState: (s: string) => void } {
  const [state, setState] = useState('');
  const list = usePaged<ListNumber>((cursor) => `/campaigns/${campaignId}/numbers` + qs({ limit: 50, cursor, state }), [campaignId, state]);
  return { list, state, setState };
}

const dataText = (d: Record<string, unknown>): string => Object.entries(d).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' · ');

export function NumbersTable({ numbers }: { numbers: ReturnType<typeof useNumbers> }) {
  const { list, state, setState } = numbers;
  return (
    <section class="card" data-testid="campaign-numbers">
      <div class="row"><h2>{t('camp.numbers')}</h2><span class="spacer" />
        <label class="inline">{t('common.state')}
          <select value={state} onChange={(e) => setState(inputValue(e))} data-testid="campaign-numbers-state">
            <option value="">{t('data.any')}</option>{(['pending', 'dialing', 'done'] as const).map((s) => <option value={s}>{word('numberState', s)}</option>)}
          </select>
        </label>
      </div>
      <div class="table-wrap"><table data-testid="campaign-numbers-table">
        <thead><tr>
          <th scope="col">{t('common.number')}</th><th scope="col">{t('common.name')}</th><th scope="col">{t('camp.data')}</th><th scope="col">{t('common.state')}</th>
          <th scope="col">{t('camp.attempts')}</th><th scope="col">{t('camp.lastOutcome')}</th><th scope="col">{t('camp.nextAt')}</th>
        </tr></thead>
        <tbody>{list.items.map((n) => (
          <tr key={n.id} data-testid={`campaign-number-${n.number}`}>
            <td class="nowrap mono">{fmtPhone(n.number)}</td><td>{n.name ?? ''}</td><td class="small clip" title={dataText(n.data)}>{dataText(n.data)}</td>
            <td><span class={`badge num-${n.state}`}>{word('numberState', n.state)}</span>{n.doneReason && <span class="muted small"> {n.doneReason}</span>}</td>
            <td>{n.attempts}</td><td>{n.lastOutcome ? word('outcome', n.lastOutcome) : ''}</td><td class="nowrap small">{fmtDateTime(n.nextAt)}</td>
          </tr>
        ))}</tbody>
      </table></div>
      <ListFooter list={list} testid="campaign-numbers-more" />
    </section>
  );
}

export function AttemptsTable({ campaignId }: { campaignId: string }) {
  const [outcome, setOutcome] = useState('');
  const list = usePaged<Attempt>((cursor) => `/campaigns/${campaignId}/attempts` + qs({ limit: 50, cursor, outcome }), [campaignId, outcome]);
  return (
    <section class="card" data-testid="campaign-attempts">
      <div class="row"><h2>{t('camp.attemptsTitle')}</h2><span class="spacer" />
        <label class="inline">{t('camp.outcome')}
          <select value={outcome} onChange={(e) => setOutcome(inputValue(e))} data-testid="campaign-attempts-outcome">
            <option value="">{t('data.any')}</option>{OUTCOMES.map(([o]) => <option value={o}>{word('outcome', o)}</option>)}
          </select>
        </label>
        <button type="button" class="small-btn" onClick={list.reload}>{t('common.refresh')}</button>
        <a class="button small-btn" href={`/api/v1/campaigns/${campaignId}/attempts/export`} download data-testid="campaign-attempts-csv">{t('data.exportCsv')}</a>
      </div>
      <div class="table-wrap"><table data-testid="campaign-attempts-table">
        <thead><tr>
          <th scope="col">{t('camp.placedAt')}</th><th scope="col">{t('common.number')}</th><th scope="col">{t('common.line')}</th><th scope="col">{t('common.agent')}</th>
          <th scope="col">{t('camp.outcome')}</th><th scope="col">{t('camp.answeredAt')}</th><th scope="col">{t('camp.endedAt')}</th>
        </tr></thead>
        <tbody>{list.items.map((a) => (
          <tr key={a.id} class={a.abandoned ? 'abandoned' : ''}>
            <td class="nowrap small">{fmtDateTime(a.placedAt)}</td><td class="nowrap mono">{fmtPhone(a.number)}</td><td>{a.lineId ?? ''}</td><td>{a.agentId ?? ''}</td>
            <td>{a.outcome ? word('outcome', a.outcome) : <span class="muted">{t('camp.inProgress')}</span>}{a.amd && <span class="muted small"> AMD {a.amd}</span>}{a.skipReason && <span class="muted small"> {a.skipReason}</span>}</td>
            <td class="nowrap small">{fmtDateTime(a.answeredAt)}</td><td class="nowrap small">{fmtDateTime(a.endedAt)}</td>
          </tr>
        ))}</tbody>
      </table></div>
      <ListFooter list={list} testid="campaign-attempts-more" />
    </section>
  );
}
