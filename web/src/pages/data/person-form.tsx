/** The create/edit form customers and contacts share: name, company, phones (number + label), email, tags or groups, notes. */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { t } from '../../i18n.ts';
import { errorText } from '../../components/ui.tsx';
import { inputValue, splitList } from './format.ts';

export interface Phone { number: string; label?: string }
export interface Person {
  id: string; name: string; company: string | null; title: string | null; email: string | null; address: string | null;
  phones: Phone[]; notes: string | null; createdAt: string; updatedAt: string;
}
export interface Customer extends Person { tier: string | null; tags: string[]; status: string | null; transactionStatus: string | null; attributes: Record<string, unknown> }
export interface Contact extends Person { groups: string[] }

type Kind = 'customer' | 'contact';
const LABELS = ['phone.mobile', 'phone.work', 'phone.home', 'phone.fax'] as const;

export function PersonForm<P extends Person>({ kind, initial, onSaved, onCancel }: { kind: Kind; initial?: P | undefined; onSaved: (p: P) => void; onCancel: () => void }) {
  const list = kind === 'customer' ? 'tags' : 'groups';
  const init = initial as (Partial<Customer> & Partial<Contact>) | undefined;
  const [name, setName] = useState(init?.name ?? '');
  const [company, setCompany] = useState(init?.company ?? '');
  const [email, setEmail] = useState(init?.email ?? '');
  const [tier, setTier] = useState(init?.tier ?? '');
  const [tags, setTags] = useState((kind === 'customer' ? init?.tags : init?.groups)?.join(', ') ?? '');
  const [notes, setNotes] = useState(init?.notes ?? '');
  const [phones, setPhones] = useState<Array<{ number: string; label: string }>>(
    init?.phones?.length ? init.phones.map((p) => ({ number: p.number, label: p.label ?? '' })) : [{ number: '', label: '' }]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const base = kind === 'customer' ? '/customers' : '/contacts';
  const id = (f: string) => `${kind}-${f}`;

  const setPhone = (i: number, patch: Partial<{ number: string; label: string }>) =>
    setPhones((ps) => ps.map((p, j) => (j === i ? { ...p, ...patch } : p)));

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setError(null);
    const body: Record<string, unknown> = {
      name: name.trim(),
      company: company.trim() || null,
      email: email.trim() || null,
      notes: notes.trim() || null,
      phones: phones.filter((p) => p.number.trim()).map((p) => ({ number: p.number.trim(), ...(p.label.trim() ? { label: p.label.trim() } : {}) })),
      [list]: splitList(tags),
      ...(kind === 'customer' ? { tier: tier.trim() || null } : {}),
    };
    try {
      const saved = initial ? await api.patch<P>(`${base}/${initial.id}`, body) : await api.post<P>(base, body);
      onSaved(saved);
    } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };

  return (
    <form class="stack person-form" onSubmit={(e) => void submit(e)} data-testid={`${kind}-form`}>
      <div class="form-grid">
        <label>{t('common.name')}<input required maxLength={200} value={name} onInput={(e) => setName(inputValue(e))} data-testid={id('name')} /></label>
        <label>{t('common.company')}<input maxLength={200} value={company} onInput={(e) => setCompany(inputValue(e))} data-testid={id('company')} /></label>
        <label>{t('common.email')}<input type="email" maxLength={320} value={email} onInput={(e) => setEmail(inputValue(e))} data-testid={id('email')} /></label>
        {kind === 'customer' && (
          <label>{t('cust.tier')}<input maxLength={40} list="kefu-tiers" value={tier} onInput={(e) => setTier(inputValue(e))} data-testid={id('tier')} />
            <datalist id="kefu-tiers"><option value="vip" /><option value="regular" /></datalist>
          </label>
        )}
        <label>{kind === 'customer' ? t('cust.tags') : t('contacts.groups')}
          <input value={tags} onInput={(e) => setTags(inputValue(e))} data-testid={id(list)} aria-describedby={id('list-hint')} />
          <span class="small muted" id={id('list-hint')}>{t('data.listHint')}</span>
        </label>
      </div>
      <fieldset class="phones">
        <legend>{t('field.phones')}</legend>
        {phones.map((p, i) => (
          <div class="row" key={i}>
            <label>{t('common.number')}<input value={p.number} inputMode="tel" onInput={(e) => setPhone(i, { number: inputValue(e) })} data-testid={id(`phone-${i}`)} /></label>
            <label>{t('data.phoneLabel')}<input value={p.label} list="kefu-phone-labels" maxLength={40} size={10} onInput={(e) => setPhone(i, { label: inputValue(e) })} data-testid={id(`phone-label-${i}`)} /></label>
            <button type="button" class="align-end" onClick={() => setPhones((ps) => ps.filter((_, j) => j !== i))} aria-label={`${t('data.removePhone')} ${i + 1}`} data-testid={id(`remove-phone-${i}`)}>×</button>
          </div>
        ))}
        <datalist id="kefu-phone-labels">{LABELS.map((l) => <option value={t(l)} />)}</datalist>
        <div><button type="button" onClick={() => setPhones((ps) => [...ps, { number: '', label: '' }])} disabled={phones.length >= 20} data-testid={id('add-phone')}>{t('data.addPhone')}</button></div>
      </fieldset>
      <label>{t('common.notes')}<textarea maxLength={10_000} value={notes} onInput={(e) => setNotes(inputValue(e))} data-testid={id('notes')} /></label>
      {error && <p class="error" role="alert">{t('common.error')}: {error}</p>}
      <div class="row">
        <button type="submit" class="primary" disabled={busy} data-testid={id('save')}>{t('common.save')}</button>
        <button type="button" onClick={onCancel} data-testid={id('cancel')}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

/** Phones as "138 0013 8000 (mobile)". */
export function PhoneList({ phones, fmt }: { phones: Phone[]; fmt: (n: string) => string }) {
  if (!phones.length) return <span class="muted">–</span>;
  return <span class="phones-inline">{phones.map((p, i) => <span key={i} class="nowrap">{fmt(p.number)}{p.label ? <span class="muted small"> ({p.label})</span> : null}{i < phones.length - 1 ? ', ' : ''}</span>)}</span>;
}
