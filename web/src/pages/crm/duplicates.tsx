/** Duplicates (same normalised number) and merging them into one customer. */
import { useState } from 'preact/hooks';
import { api, qs } from '../../api.ts';
import { t, fmtDateTime, fmtPhone } from '../../i18n.ts';
import { ErrorNote, Section, errorText, toast } from '../../components/ui.tsx';

interface Dup { id: string; name: string; company: string | null; createdAt: string }
interface Group { number: string; customers: Dup[] }

function DupGroup({ g, onMerged }: { g: Group; onMerged: () => void }) {
  const [keep, setKeep] = useState(g.customers[0]!.id);
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const merge = async () => {
    if (!confirm(t('crm.dups.confirm'))) return;
    setBusy(true); setErr(null);
    try {
      await api.post('/customers/merge', { into: keep, from: g.customers.map((c) => c.id).filter((id) => id !== keep) });
      toast(t('crm.dups.merged'));
      onMerged();
    } catch (e) { setErr(errorText(e)); } finally { setBusy(false); }
  };
  return (
    <div class="dup-group" data-testid={`dup-${g.number}`}>
      <strong class="phone">{fmtPhone(g.number)}</strong>
      <ul class="plain">
        {g.customers.map((c) => (
          <li class="row">
            <label class="inline"><input type="radio" name={`keep-${g.number}`} checked={keep === c.id} onChange={() => setKeep(c.id)} data-testid={`dup-keep-${c.id}`} /> {t('crm.dups.keep')}</label>
            <a href={`#/customers/${encodeURIComponent(c.id)}`}>{c.name}</a>
            {c.company && <span class="muted">{c.company}</span>}
            <span class="muted small">{fmtDateTime(c.createdAt)}</span>
          </li>
        ))}
      </ul>
      <ErrorNote error={err} />
      <button type="button" class="primary" disabled={busy} onClick={() => void merge()} data-testid={`dup-merge-${g.number}`}>{t('crm.dups.merge')}</button>
    </div>
  );
}

export function Duplicates({ onMerged }: { onMerged: () => void }) {
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const load = async () => {
    setErr(null);
    try { setGroups((await api.get<{ items: Group[] }>(`/customers/duplicates${qs({ limit: 100 })}`)).items); } catch (e) { setErr(errorText(e)); }
  };
  return (
    <Section title={t('crm.dups.title')} actions={<button type="button" onClick={() => void load()} data-testid="dups-find">{t('crm.dups.find')}</button>}>
      <ErrorNote error={err} />
      {groups && groups.length === 0 && <p class="muted" data-testid="dups-none">{t('crm.dups.none')}</p>}
      {groups?.map((g) => <DupGroup key={g.number} g={g} onMerged={() => { void load(); onMerged(); }} />)}
    </Section>
  );
}
