/** Customers: the roster (search, filters, sort, export), duplicates and merge, custom fields; a customer's page with the info card, interactions and call history. */
import { useState } from 'preact/hooks';
import { api, qs } from '../api.ts';
import { t, fmtDateTime, fmtPhone } from '../i18n.ts';
import { me } from '../session.ts';
import { go } from '../router.ts';
import { useSignal } from '../signal.ts';
import { ErrorNote, Section, errorText, toast, useLoad } from '../components/ui.tsx';
import { usePaged } from './data/paged.ts';
import { ListFooter } from './data/list-footer.tsx';
import { PersonForm, PhoneList, type Customer } from './data/person-form.tsx';
import { CallButton, useMySeat } from './data/dial.tsx';
import { CallTable, known, type CallRecord } from './data/calls.tsx';
import { inputValue, isWriterRole } from './data/format.ts';
import { ImportBox } from './data/import-box.tsx';
import { isVcard } from './data/http.ts';
import { CardEditor, CardView, type CardData } from './crm/card.tsx';
import type { CustomFieldDef } from './crm/card-fields.ts';
import { Duplicates } from './crm/duplicates.tsx';
import { CustomFieldsAdmin } from './crm/fields-admin.tsx';

type CrmCustomer = Customer & CardData;
const useCustomFields = () => useLoad(() => api.get<{ items: CustomFieldDef[] }>('/customers/fields').then((r) => r.items), []);
const FILTERS = ['tag', 'tier', 'status', 'owner', 'region'] as const;
type Filters = Record<typeof FILTERS[number], string> & { sort: string; order: string };
const NO_FILTERS: Filters = { tag: '', tier: '', status: '', owner: '', region: '', sort: 'created', order: 'asc' };

interface Interaction { id: string; customerId: string; kind: string; refId: string | null; summary: string | null; data: Record<string, unknown>; at: string }

export function Customers({ params }: { params: string[] }) {
  const id = params[0];
  return id ? <CustomerPage key={id} id={id} /> : <CustomerList />;
}

function CustomerList() {
  const who = useSignal(me);
  const [text, setText] = useState('');
  const [phone, setPhone] = useState('');
  const [query, setQuery] = useState({ q: '', phone: '' });
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [creating, setCreating] = useState(false);
  const roster = { q: query.q, phone: query.phone, ...filters, sort: filters.sort === 'created' ? '' : filters.sort, order: filters.order === 'asc' ? '' : filters.order };
  const list = usePaged<Customer>((cursor) => '/customers' + qs({ limit: 50, cursor, ...roster }), [JSON.stringify(roster)]);
  const canDelete = isWriterRole(who?.role);
  const fields = useCustomFields();
  const setFilter = (k: keyof Filters) => (e: Event) => setFilters((f) => ({ ...f, [k]: (e.target as HTMLInputElement).value.trim() }));

  const remove = async (c: Customer) => {
    if (!confirm(`${t('common.confirmDelete')}\n${c.name}`)) return;
    try { await api.del(`/customers/${c.id}`); list.update((xs) => xs.filter((x) => x.id !== c.id)); toast(t('data.deleted')); } catch (err) { alert(errorText(err)); }
  };

  return (
    <div class="page" data-testid="customers-page">
      <div class="row page-head">
        <h1>{t('cust.title')}</h1><span class="spacer" />
        <button type="button" class="primary" onClick={() => setCreating(true)} disabled={creating} data-testid="new-customer">{t('cust.new')}</button>
      </div>
      {creating && (
        <Section title={t('cust.new')}>
          <PersonForm<Customer> kind="customer" onCancel={() => setCreating(false)} onSaved={(c) => { toast(t('common.saved')); go('customers', c.id); }} />
        </Section>
      )}
      {canDelete && (
        <section class="card">
          <ImportBox title={t('cust.importCsv')} accept=".csv,.vcf,.vcard,text/csv,text/vcard" testid="customers-import" onDone={list.reload}
            send={async (body, file) => {
              const r = await api.postText<{ imported: number; skipped: number; errors: Array<{ line: number; message: string }> }>('/customers/import', body, isVcard(body, file) ? 'text/vcard' : 'text/csv');
              return { added: r.imported, skipped: r.skipped, errors: r.errors };
            }} />
          <p class="small muted">{t('cust.importHint')}</p>
        </section>
      )}
      <section class="card">
        <form class="toolbar" role="search" onSubmit={(e) => { e.preventDefault(); setQuery({ q: text.trim(), phone: phone.trim() }); }}>
          <label>{t('common.search')}<input type="search" value={text} placeholder={t('data.searchText')} onInput={(e) => setText(inputValue(e))} data-testid="customer-search" /></label>
          <label>{t('common.phone')}<input type="search" inputMode="tel" value={phone} placeholder={t('data.searchPhone')} onInput={(e) => setPhone(inputValue(e))} data-testid="customer-search-phone" /></label>
          <button type="submit" data-testid="customer-search-submit">{t('common.search')}</button>
          {(query.q || query.phone) && <button type="button" class="link" onClick={() => { setText(''); setPhone(''); setQuery({ q: '', phone: '' }); }}>{t('data.clear')}</button>}
        </form>
        <div class="toolbar" data-testid="roster-filters">
          {FILTERS.map((k) => (
            <label>{t(`crm.roster.${k}`)}<input type="search" size={10} value={filters[k]} maxLength={100} onChange={setFilter(k)} data-testid={`roster-${k}`} /></label>
          ))}
          <label>{t('crm.roster.sort')}
            <select value={filters.sort} onChange={setFilter('sort')} data-testid="roster-sort">
              {(['created', 'updated', 'name', 'tier'] as const).map((x) => <option value={x}>{t(`crm.sort.${x}`)}</option>)}
            </select>
          </label>
          <select value={filters.order} onChange={setFilter('order')} aria-label={t('crm.roster.sort')} data-testid="roster-order">
            <option value="asc">{t('crm.order.asc')}</option><option value="desc">{t('crm.order.desc')}</option>
          </select>
          {canDelete && <>
            <a class="button" href={`/api/v1/customers/export${qs({ format: 'csv', ...roster })}`} download="customers.csv" data-testid="roster-export-csv">{t('crm.export.csv')}</a>
            <a class="button" href={`/api/v1/customers/export${qs({ format: 'xlsx', ...roster })}`} download="customers.xlsx" data-testid="roster-export-xlsx">{t('crm.export.xlsx')}</a>
          </>}
        </div>
        <div class="table-wrap">
          <table data-testid="customer-table">
            <thead><tr>
              <th scope="col">{t('common.name')}</th><th scope="col">{t('common.company')}</th><th scope="col">{t('field.phones')}</th>
              <th scope="col">{t('cust.tier')}</th><th scope="col">{t('cust.tags')}</th>
              <th scope="col">{t('crm.roster.owner')}</th><th scope="col">{t('crm.roster.region')}</th><th scope="col">{t('data.updated')}</th>
              {canDelete && <th scope="col"><span class="sr-only">{t('common.actions')}</span></th>}
            </tr></thead>
            <tbody>
              {list.items.map((c) => (
                <tr key={c.id} data-testid={`customer-row-${c.id}`}>
                  <td><a href={`#/customers/${encodeURIComponent(c.id)}`} data-testid={`customer-link-${c.id}`}>{c.name}</a></td>
                  <td>{c.company ?? ''}</td>
                  <td><PhoneList phones={c.phones} fmt={(n) => fmtPhone(n)} /></td>
                  <td>{c.tier ? <span class="badge">{c.tier}</span> : ''}</td>
                  <td>{c.tags.map((g) => <span class="badge tag" key={g}>{g}</span>)}</td>
                  <td>{(c as CrmCustomer).ownerId ?? ''}</td>
                  <td>{String((c as CrmCustomer).characteristics?.region ?? '')}</td>
                  <td class="nowrap">{fmtDateTime(c.updatedAt)}</td>
                  {canDelete && <td class="actions"><button type="button" class="danger" onClick={() => void remove(c)} aria-label={`${t('common.delete')} ${c.name}`} data-testid={`customer-delete-${c.id}`}>{t('common.delete')}</button></td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ListFooter list={list} testid="customers-more" />
      </section>
      {canDelete && <Duplicates onMerged={list.reload} />}
      {who?.role === 'admin' && <CustomFieldsAdmin fields={fields.data ?? []} onChange={fields.reload} />}
    </div>
  );
}

function CustomerPage({ id }: { id: string }) {
  const who = useSignal(me);
  const loaded = useLoad(() => api.get<CrmCustomer>(`/customers/${encodeURIComponent(id)}`), [id]);
  const [edited, setEdited] = useState<CrmCustomer | null>(null);
  const [editing, setEditing] = useState(false);
  const [editingCard, setEditingCard] = useState(false);
  const fields = useCustomFields();
  const seat = useMySeat();
  const c = edited ?? loaded.data;

  const remove = async () => {
    if (!c || !confirm(`${t('common.confirmDelete')}\n${c.name}`)) return;
    try { await api.del(`/customers/${c.id}`); toast(t('data.deleted')); go('customers'); } catch (err) { alert(errorText(err)); }
  };

  return (
    <div class="page" data-testid="customer-page">
      <p><a href="#/customers" data-testid="back-to-customers">← {t('cust.title')}</a></p>
      <ErrorNote error={loaded.error} />
      {!c && !loaded.error && <p class="muted" role="status">{t('common.loading')}</p>}
      {c && (
        <div class="cols-2">
          <div>
            <section class="card">
              <div class="row">
                <h1 class="customer-name" data-testid="customer-title">{c.name}</h1><span class="spacer" />
                {!editing && <button type="button" onClick={() => setEditing(true)} data-testid="customer-edit">{t('common.edit')}</button>}
                {isWriterRole(who?.role) && <button type="button" class="danger" onClick={() => void remove()} data-testid="customer-delete">{t('common.delete')}</button>}
              </div>
              {editing ? (
                <PersonForm<Customer> kind="customer" initial={c} onCancel={() => setEditing(false)} onSaved={(x) => { setEdited(x as CrmCustomer); setEditing(false); toast(t('common.saved')); }} />
              ) : (
                <dl class="fields" data-testid="customer-fields">
                  {c.company && <><dt>{t('common.company')}</dt><dd>{c.company}</dd></>}
                  <dt>{t('field.phones')}</dt>
                  <dd>{c.phones.length === 0 ? <span class="muted">–</span> : (
                    <ul class="plain">{c.phones.map((p, i) => (
                      <li key={i} class="row"><span>{fmtPhone(p.number)}</span>{p.label && <span class="muted small">{p.label}</span>}<CallButton number={p.number} seat={seat} testid={`customer-call-${i}`} /></li>
                    ))}</ul>
                  )}</dd>
                  {c.email && <><dt>{t('common.email')}</dt><dd><a href={`mailto:${c.email}`}>{c.email}</a></dd></>}
                  {c.tier && <><dt>{t('cust.tier')}</dt><dd><span class="badge">{c.tier}</span></dd></>}
                  {c.tags.length > 0 && <><dt>{t('cust.tags')}</dt><dd>{c.tags.map((g) => <span class="badge tag" key={g}>{g}</span>)}</dd></>}
                  {c.status && <><dt>{t('field.status')}</dt><dd>{c.status}</dd></>}
                  {c.transactionStatus && <><dt>{t('field.transactionStatus')}</dt><dd>{c.transactionStatus}</dd></>}
                  {c.notes && <><dt>{t('common.notes')}</dt><dd class="pre">{c.notes}</dd></>}
                  <dt>{t('data.updated')}</dt><dd>{fmtDateTime(c.updatedAt)}</dd>
                </dl>
              )}
            </section>
            <Section title={t('crm.card')} actions={!editingCard && <button type="button" onClick={() => setEditingCard(true)} data-testid="crm-card-edit">{t('crm.editCard')}</button>}>
              {editingCard
                ? <CardEditor customer={c} fields={fields.data ?? []} onCancel={() => setEditingCard(false)}
                  onSaved={(x) => { setEdited(x as CrmCustomer); setEditingCard(false); toast(t('common.saved')); }} />
                : <CardView customer={c} fields={fields.data ?? []} />}
            </Section>
            <CustomerCalls id={c.id} />
          </div>
          <Interactions id={c.id} />
        </div>
      )}
    </div>
  );
}

function CustomerCalls({ id }: { id: string }) {
  const calls = usePaged<CallRecord>((cursor) => '/calls' + qs({ customer: id, limit: 20, cursor }), [id]);
  return (
    <Section title={t('desk.history')} actions={<button type="button" onClick={calls.reload} data-testid="customer-calls-refresh">{t('common.refresh')}</button>}>
      {calls.items.length > 0 && <CallTable calls={calls.items} />}
      <ListFooter list={calls} empty={t('data.noCalls')} testid="customer-calls-more" />
    </Section>
  );
}

function Interactions({ id }: { id: string }) {
  const list = usePaged<Interaction>((cursor) => `/customers/${id}/interactions` + qs({ limit: 20, cursor }), [id]);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const add = async (e: Event) => {
    e.preventDefault();
    if (!note.trim()) return;
    setBusy(true); setError(null);
    try {
      const i = await api.post<Interaction>(`/customers/${id}/interactions`, { kind: 'note', summary: note.trim() });
      list.update((xs) => [i, ...xs]);
      setNote('');
    } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  return (
    <Section title={t('desk.recent')}>
      <form class="stack" onSubmit={(e) => void add(e)}>
        <label>{t('data.addNote')}<textarea rows={2} value={note} onInput={(e) => setNote(inputValue(e))} data-testid="interaction-note" /></label>
        <ErrorNote error={error} />
        <div><button type="submit" disabled={busy || !note.trim()} data-testid="interaction-add">{t('common.add')}</button></div>
      </form>
      <ol class="timeline" data-testid="interactions">
        {list.items.map((i) => (
          <li key={i.id} data-testid={`interaction-${i.id}`}>
            <div class="row"><span class={`badge kind-${i.kind}`}>{known('interaction.', i.kind)}</span><time class="muted small" dateTime={i.at}>{fmtDateTime(i.at)}</time></div>
            {i.summary && <p class="pre">{i.summary}</p>}
          </li>
        ))}
      </ol>
      <ListFooter list={list} empty={t('data.noInteractions')} testid="interactions-more" />
    </Section>
  );
}
