/** Blacklist: blocked numbers and prefixes per direction; add, delete, check a number, import a CSV file. */
import { useState } from 'preact/hooks';
import { api, qs } from '../api.ts';
import { t, fmtDateTime, fmtPhone } from '../i18n.ts';
import { me } from '../session.ts';
import { useSignal } from '../signal.ts';
import { ErrorNote, Section, errorText, toast } from '../components/ui.tsx';
import { usePaged } from './data/paged.ts';
import { ListFooter } from './data/list-footer.tsx';
import { ImportBox } from './data/import-box.tsx';
import { inputValue, isWriterRole } from './data/format.ts';

type Direction = 'inbound' | 'outbound' | 'both';
interface Entry { id: string; number: string | null; prefix: string | null; direction: Direction; reason: string | null; createdAt: string }
interface Check { number: string; blocked: boolean; match: { kind: 'exact' | 'prefix'; value: string; entry: Entry | null } | null }
interface ImportResult { inserted: number; duplicates: number; errors: Array<{ line: number; message: string }> }

const dirLabel = (d: Direction): string => t(`bl.dir.${d}`);

export function Blacklist(_props: { params: string[] }) {
  const who = useSignal(me);
  const writer = isWriterRole(who?.role);
  const [text, setText] = useState('');
  const [query, setQuery] = useState({ q: '', direction: '' });
  const [direction, setDirection] = useState('');
  const list = usePaged<Entry>((cursor) => '/blacklist' + qs({ limit: 50, cursor, q: query.q, direction: query.direction }), [query.q, query.direction]);

  const remove = async (e: Entry) => {
    if (!confirm(`${t('common.confirmDelete')}\n${e.number ?? e.prefix + '*'}`)) return;
    try { await api.del(`/blacklist/${e.id}`); list.update((xs) => xs.filter((x) => x.id !== e.id)); toast(t('data.deleted')); } catch (err) { alert(errorText(err)); }
  };

  return (
    <div class="page" data-testid="blacklist-page">
      <h1>{t('bl.title')}</h1>
      <div class="grid">
        {writer && <AddEntry onAdded={(e) => list.update((xs) => [e, ...xs.filter((x) => x.id !== e.id)])} />}
        <CheckNumber />
      </div>
      {writer && (
        <section class="card">
          <ImportBox title={t('bl.import')} accept=".csv,.txt,text/csv,text/plain" testid="blacklist-import" onDone={list.reload}
            send={async (body) => {
              const r = await api.post<ImportResult>('/blacklist/import', body);
              return { added: r.inserted, skipped: r.duplicates, errors: r.errors };
            }} />
          <p class="small muted">{t('data.blacklistImportHint')}</p>
        </section>
      )}
      <section class="card">
        <form class="toolbar" role="search" onSubmit={(e) => { e.preventDefault(); setQuery({ q: text.trim(), direction }); }}>
          <label>{t('common.search')}<input type="search" value={text} onInput={(e) => setText(inputValue(e))} data-testid="blacklist-search" /></label>
          <label>{t('bl.direction')}
            <select value={direction} onChange={(e) => setDirection(inputValue(e))} data-testid="blacklist-filter-direction">
              <option value="">{t('data.any')}</option>
              <option value="inbound">{t('bl.dir.inbound')}</option><option value="outbound">{t('bl.dir.outbound')}</option><option value="both">{t('bl.dir.both')}</option>
            </select>
          </label>
          <button type="submit" data-testid="blacklist-search-submit">{t('common.search')}</button>
        </form>
        <div class="table-wrap">
          <table data-testid="blacklist-table">
            <thead><tr>
              <th scope="col">{t('bl.number')}</th><th scope="col">{t('bl.kind')}</th><th scope="col">{t('bl.direction')}</th>
              <th scope="col">{t('common.reason')}</th><th scope="col">{t('data.created')}</th>
              {writer && <th scope="col"><span class="sr-only">{t('common.actions')}</span></th>}
            </tr></thead>
            <tbody>
              {list.items.map((e) => (
                <tr key={e.id} data-testid={`blacklist-row-${e.id}`}>
                  <td class="nowrap mono">{e.number ? fmtPhone(e.number) : `${e.prefix ?? ''}*`}</td>
                  <td>{e.number ? t('bl.kind.number') : t('bl.kind.prefix')}</td>
                  <td><span class={`badge dir-${e.direction}`}>{dirLabel(e.direction)}</span></td>
                  <td>{e.reason ?? ''}</td>
                  <td class="nowrap">{fmtDateTime(e.createdAt)}</td>
                  {writer && <td class="actions"><button type="button" class="danger" onClick={() => void remove(e)} aria-label={`${t('common.delete')} ${e.number ?? e.prefix ?? ''}`} data-testid={`blacklist-delete-${e.id}`}>{t('common.delete')}</button></td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ListFooter list={list} testid="blacklist-more" />
      </section>
    </div>
  );
}

function AddEntry({ onAdded }: { onAdded: (e: Entry) => void }) {
  const [kind, setKind] = useState<'number' | 'prefix'>('number');
  const [value, setValue] = useState('');
  const [direction, setDirection] = useState<Direction>('both');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setBusy(true); setError(null);
    try {
      const v = value.trim();
      const e = await api.post<Entry>('/blacklist', { [kind]: kind === 'prefix' ? v.replace(/\*+$/, '') : v, direction, reason: reason.trim() || null });
      onAdded(e);
      setValue(''); setReason('');
      toast(t('common.saved'));
    } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  return (
    <Section title={t('data.blacklistAdd')}>
      <form class="stack" onSubmit={(e) => void submit(e)} data-testid="blacklist-add-form">
        <div class="row">
          <label>{t('bl.kind')}
            <select value={kind} onChange={(e) => setKind(inputValue(e) as 'number' | 'prefix')} data-testid="blacklist-kind">
              <option value="number">{t('bl.kind.number')}</option><option value="prefix">{t('bl.kind.prefix')}</option>
            </select>
          </label>
          <label class="grow">{kind === 'number' ? t('common.number') : t('bl.kind.prefix')}
            <input required value={value} maxLength={kind === 'number' ? 40 : 20} inputMode="tel" placeholder={kind === 'number' ? '138 0013 8000' : '0755'}
              onInput={(e) => setValue(inputValue(e))} data-testid="blacklist-value" />
          </label>
          <label>{t('bl.direction')}
            <select value={direction} onChange={(e) => setDirection(inputValue(e) as Direction)} data-testid="blacklist-direction">
              <option value="both">{t('bl.dir.both')}</option><option value="inbound">{t('bl.dir.inbound')}</option><option value="outbound">{t('bl.dir.outbound')}</option>
            </select>
          </label>
        </div>
        <label>{t('common.reason')}<input value={reason} maxLength={500} onInput={(e) => setReason(inputValue(e))} data-testid="blacklist-reason" /></label>
        <ErrorNote error={error} />
        <div><button type="submit" class="primary" disabled={busy} data-testid="blacklist-add">{t('common.add')}</button></div>
      </form>
    </Section>
  );
}

function CheckNumber() {
  const [number, setNumber] = useState('');
  const [direction, setDirection] = useState<'inbound' | 'outbound'>('inbound');
  const [result, setResult] = useState<Check | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setError(null); setResult(null);
    try { setResult(await api.get<Check>('/blacklist/check' + qs({ number: number.trim(), direction }))); } catch (err) { setError(errorText(err)); }
  };
  return (
    <Section title={t('bl.check')}>
      <form class="stack" onSubmit={(e) => void submit(e)} data-testid="blacklist-check-form">
        <div class="row">
          <label class="grow">{t('common.number')}<input required value={number} inputMode="tel" maxLength={40} onInput={(e) => setNumber(inputValue(e))} data-testid="blacklist-check-number" /></label>
          <label>{t('bl.direction')}
            <select value={direction} onChange={(e) => setDirection(inputValue(e) as 'inbound' | 'outbound')} data-testid="blacklist-check-direction">
              <option value="inbound">{t('bl.dir.inbound')}</option><option value="outbound">{t('bl.dir.outbound')}</option>
            </select>
          </label>
          <button type="submit" class="align-end" data-testid="blacklist-check">{t('bl.check')}</button>
        </div>
      </form>
      <ErrorNote error={error} />
      {result && (
        <div role="status" class={`check-result ${result.blocked ? 'blocked' : 'clear'}`} data-testid="blacklist-check-result">
          <strong>{fmtPhone(result.number)}: {result.blocked ? t('bl.blocked') : t('bl.notBlocked')}</strong>
          {result.match && (
            <p class="small">
              {result.match.kind === 'exact' ? t('bl.kind.number') : t('bl.kind.prefix')}: <span class="mono">{result.match.kind === 'exact' ? fmtPhone(result.match.value) : `${result.match.value}*`}</span>
              {result.match.entry && <> · {dirLabel(result.match.entry.direction)}{result.match.entry.reason ? ` · ${result.match.entry.reason}` : ''}</>}
            </p>
          )}
        </div>
      )}
    </Section>
  );
}
