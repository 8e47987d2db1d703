/**
 * Filling a campaign's list: a CSV file sent as it is (UTF-8 or GBK: the
 * server decodes it), or the customers of a tier / contacts of a group. The
 * answer says how many rows were read, added and merged, and which lines were refused.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { t } from '../../i18n.ts';
import { ErrorNote, errorText } from '../../components/ui.tsx';
import { fill, inputValue } from '../data/format.ts';
import type { ListResult } from './model.ts';

export function ListAdd({ campaignId, onAdded }: { campaignId: string; onAdded: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [source, setSource] = useState<'customers' | 'contacts'>('customers');
  const [tier, setTier] = useState('');
  const [q, setQ] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ListResult | null>(null);

  const run = async (send: () => Promise<ListResult>) => {
    setBusy(true); setError(null); setResult(null);
    try { setResult(await send()); onAdded(); } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  const upload = (e: Event) => {
    e.preventDefault();
    if (file) void run(() => api.postFile<ListResult>(`/campaigns/${campaignId}/numbers`, file, 'text/csv'));
  };
  const fromFilter = (e: Event) => {
    e.preventDefault();
    const filter = { ...(tier.trim() ? { [source === 'customers' ? 'tier' : 'group']: tier.trim() } : {}), ...(q.trim() ? { q: q.trim() } : {}) };
    void run(() => api.post<ListResult>(`/campaigns/${campaignId}/numbers`, source === 'customers' ? { fromCustomers: filter } : { fromContacts: filter }));
  };

  return (
    <section class="card" data-testid="campaign-list-add">
      <h2>{t('camp.addNumbers')}</h2>
      <form class="toolbar" onSubmit={upload} aria-label={t('camp.uploadList')}>
        <label>{t('camp.uploadList')}<input type="file" accept=".csv,.txt,text/csv,text/plain" onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} data-testid="campaign-upload-file" /></label>
        <button type="submit" disabled={!file || busy} data-testid="campaign-upload-submit">{busy ? t('common.loading') : t('common.import')}</button>
      </form>
      <p class="small muted">{t('camp.uploadHint')}</p>
      <form class="toolbar" onSubmit={fromFilter} aria-label={t('camp.fromData')}>
        <label>{t('camp.fromData')}
          <select value={source} onChange={(e) => setSource(inputValue(e) as 'customers' | 'contacts')} data-testid="campaign-from-source">
            <option value="customers">{t('nav.customers')}</option><option value="contacts">{t('nav.contacts')}</option>
          </select>
        </label>
        <label>{source === 'customers' ? t('cust.tier') : t('contacts.groups')}<input value={tier} maxLength={100} placeholder={t('data.any')} onInput={(e) => setTier(inputValue(e))} data-testid="campaign-from-tier" /></label>
        <label>{t('common.search')}<input value={q} maxLength={100} onInput={(e) => setQ(inputValue(e))} data-testid="campaign-from-q" /></label>
        <button type="submit" disabled={busy} data-testid="campaign-from-submit">{t('common.add')}</button>
      </form>
      <ErrorNote error={error} />
      {result && (
        <div role="status" data-testid="campaign-list-result">
          <p class="ok">{fill(t('camp.listResult'), { rows: result.rows, inserted: result.inserted, duplicates: result.duplicates, errors: result.errors.length })}</p>
          {result.errors.length > 0 && (
            <div class="table-wrap"><table class="row-errors" data-testid="campaign-list-errors">
              <thead><tr><th scope="col">{t('camp.csvLine')}</th><th scope="col">{t('camp.problem')}</th></tr></thead>
              <tbody>{result.errors.slice(0, 200).map((x) => <tr><td class="nowrap">{x.line}</td><td>{x.message}</td></tr>)}</tbody>
            </table></div>
          )}
        </div>
      )}
    </section>
  );
}
