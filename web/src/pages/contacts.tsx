/** The address book: search, create, edit, delete; import a CSV or vCard file; export. */
import { useState } from 'preact/hooks';
import { api, qs } from '../api.ts';
import { t, fmtDateTime, fmtPhone } from '../i18n.ts';
import { me } from '../session.ts';
import { useSignal } from '../signal.ts';
import { Section, errorText, toast } from '../components/ui.tsx';
import { usePaged } from './data/paged.ts';
import { ListFooter } from './data/list-footer.tsx';
import { PersonForm, PhoneList, type Contact } from './data/person-form.tsx';
import { CallButton, useMySeat } from './data/dial.tsx';
import { ImportBox } from './data/import-box.tsx';
import { CardScan } from './data/card-scan.tsx';
import { isVcard } from './data/http.ts';
import { inputValue, isWriterRole } from './data/format.ts';

interface ImportResult { imported: number; skipped: number; errors: Array<{ line: number; message: string }> }


export function Contacts(_props: { params: string[] }) {
  const who = useSignal(me);
  const writer = isWriterRole(who?.role);
  const seat = useMySeat();
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [editing, setEditing] = useState<Contact | 'new' | null>(null);
  const [scanning, setScanning] = useState(false);
  const list = usePaged<Contact>((cursor) => '/contacts' + qs({ limit: 50, cursor, q: query }), [query]);

  const remove = async (c: Contact) => {
    if (!confirm(`${t('common.confirmDelete')}\n${c.name}`)) return;
    try { await api.del(`/contacts/${c.id}`); list.update((xs) => xs.filter((x) => x.id !== c.id)); toast(t('data.deleted')); } catch (err) { alert(errorText(err)); }
  };
  const saved = (c: Contact) => {
    toast(t('common.saved'));
    if (editing === 'new') list.reload();
    else list.update((xs) => xs.map((x) => (x.id === c.id ? c : x)));
    setEditing(null);
  };

  return (
    <div class="page" data-testid="contacts-page">
      <div class="row page-head">
        <h1>{t('contacts.title')}</h1><span class="spacer" />
        <a class="button" href="/api/v1/contacts/export?format=csv" download="contacts.csv" data-testid="contacts-export-csv">{t('data.exportCsv')}</a>
        <a class="button" href="/api/v1/contacts/export?format=vcard" download="contacts.vcf" data-testid="contacts-export-vcard">{t('data.exportVcard')}</a>
        <button type="button" onClick={() => setScanning(true)} disabled={scanning} data-testid="scan-card">{t('scan.action')}</button>
        <button type="button" class="primary" onClick={() => setEditing('new')} disabled={editing !== null} data-testid="new-contact">{t('contacts.new')}</button>
      </div>
      {scanning && (
        <Section title={t('scan.action')}>
          <CardScan onCancel={() => setScanning(false)} onSaved={() => { toast(t('common.saved')); setScanning(false); list.reload(); }} />
        </Section>
      )}
      {editing !== null && (
        <Section title={editing === 'new' ? t('contacts.new') : `${t('common.edit')}: ${editing.name}`}>
          <PersonForm<Contact> key={editing === 'new' ? 'new' : editing.id} kind="contact" initial={editing === 'new' ? undefined : editing} onCancel={() => setEditing(null)} onSaved={saved} />
        </Section>
      )}
      {writer && (
        <section class="card">
          <ImportBox title={t('contacts.import')} accept=".csv,.vcf,.vcard,text/csv,text/vcard" testid="contacts-import" onDone={list.reload}
            send={async (body, file) => {
              const r = await api.postText<ImportResult>('/contacts/import', body, isVcard(body, file) ? 'text/vcard' : 'text/csv');
              return { added: r.imported, skipped: r.skipped, errors: r.errors };
            }} />
          <p class="small muted">{t('data.contactsImportHint')}</p>
        </section>
      )}
      <section class="card">
        <form class="toolbar" role="search" onSubmit={(e) => { e.preventDefault(); setQuery(text.trim()); }}>
          <label>{t('common.search')}<input type="search" value={text} placeholder={t('data.searchContacts')} onInput={(e) => setText(inputValue(e))} data-testid="contact-search" /></label>
          <button type="submit" data-testid="contact-search-submit">{t('common.search')}</button>
          {query && <button type="button" class="link" onClick={() => { setText(''); setQuery(''); }}>{t('data.clear')}</button>}
        </form>
        <div class="table-wrap">
          <table data-testid="contact-table">
            <thead><tr>
              <th scope="col">{t('common.name')}</th><th scope="col">{t('common.company')}</th><th scope="col">{t('field.phones')}</th>
              <th scope="col">{t('common.email')}</th><th scope="col">{t('contacts.groups')}</th><th scope="col">{t('data.updated')}</th>
              <th scope="col"><span class="sr-only">{t('common.actions')}</span></th>
            </tr></thead>
            <tbody>
              {list.items.map((c) => (
                <tr key={c.id} data-testid={`contact-row-${c.id}`}>
                  <td><strong>{c.name}</strong>{c.title && <div class="muted small">{c.title}</div>}{c.notes && <div class="muted small clip" title={c.notes}>{c.notes}</div>}</td>
                  <td>{c.company ?? ''}</td>
                  <td>
                    <PhoneList phones={c.phones} fmt={(n) => fmtPhone(n)} />
                    {c.phones[0] && <> <CallButton number={c.phones[0].number} seat={seat} testid={`contact-call-${c.id}`} /></>}
                  </td>
                  <td>{c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : ''}</td>
                  <td>{c.groups.map((g) => <span class="badge tag" key={g}>{g}</span>)}</td>
                  <td class="nowrap">{fmtDateTime(c.updatedAt)}</td>
                  <td class="actions">
                    <button type="button" onClick={() => { setEditing(c); window.scrollTo({ top: 0 }); }} aria-label={`${t('common.edit')} ${c.name}`} data-testid={`contact-edit-${c.id}`}>{t('common.edit')}</button>
                    {writer && <button type="button" class="danger" onClick={() => void remove(c)} aria-label={`${t('common.delete')} ${c.name}`} data-testid={`contact-delete-${c.id}`}>{t('common.delete')}</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ListFooter list={list} testid="contacts-more" />
      </section>
    </div>
  );
}
