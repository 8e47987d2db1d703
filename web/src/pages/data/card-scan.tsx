/** "Scan a card": a photo (camera or file) → POST /contacts/scan → the draft to check and edit → POST /contacts. */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { t } from '../../i18n.ts';
import { errorText } from '../../components/ui.tsx';
import type { Contact } from './person-form.tsx';

interface Field { value: string; confidence: number }
interface ScanResult {
  draft: { name: string; company: string | null; title: string | null; email: string | null; address: string | null; phones: Array<{ number: string; label: string }>; notes: string | null };
  fields: Record<'name' | 'title' | 'company' | 'email' | 'website' | 'address', Field | null> & { phones: Array<{ number: string; kind: string; confidence: number }> };
  lowConfidence: string[];
}

const TEXT_FIELDS = ['name', 'title', 'company', 'email', 'address'] as const;

export function CardScan({ onSaved, onCancel }: { onSaved: (c: Contact) => void; onCancel: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [scan, setScan] = useState<ScanResult | null>(null);
  const [draft, setDraft] = useState<ScanResult['draft'] | null>(null);

  const pick = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true); setError(null);
    try {
      const r = await api.postFile<ScanResult>('/contacts/scan', file, file.type || 'application/octet-stream');
      setScan(r); setDraft(r.draft);
    } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  const save = async () => {
    if (!draft) return;
    setBusy(true); setError(null);
    const body = Object.fromEntries(Object.entries(draft).filter(([k, v]) => k === 'phones' || (v !== null && v !== '')));
    try { onSaved(await api.post<Contact>('/contacts', body)); } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  const conf = (c: number | undefined) => (c === undefined ? '' : `${t('scan.confidence')} ${Math.round(c * 100)}%`);

  return (
    <div data-testid="card-scan">
      <label>{t('scan.pick')}<br />
        <input type="file" accept="image/*" capture="environment" data-testid="card-scan-file" disabled={busy} onChange={(e) => { void pick((e.currentTarget as HTMLInputElement).files?.[0]); }} />
      </label>
      {busy && <p class="muted" data-testid="card-scan-busy">{t('scan.reading')}</p>}
      {error && <p class="error" data-testid="card-scan-error">{error}</p>}
      {scan && draft && (
        <form data-testid="card-scan-draft" onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <p class="small muted">{t('scan.check')}</p>
          {TEXT_FIELDS.map((k) => {
            const low = scan.lowConfidence.includes(k) || !scan.fields[k];
            return (
              <label key={k} class={low ? 'low-confidence' : ''} style={low ? 'background:#fff3cd' : ''} data-testid={`card-field-${k}`} data-low={low ? 'yes' : 'no'}>
                {t(`field.${k}`)} <span class="small muted">{conf(scan.fields[k]?.confidence)}</span><br />
                <input name={k} value={draft[k] ?? ''} required={k === 'name'} onInput={(e) => setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value })} />
              </label>
            );
          })}
          {draft.phones.map((p, i) => {
            const low = scan.lowConfidence.includes(`phones.${i}`);
            return (
              <label key={i} style={low ? 'background:#fff3cd' : ''} data-testid={`card-phone-${i}`}>
                {t('field.phones')} ({p.label}) <span class="small muted">{conf(scan.fields.phones[i]?.confidence)}</span><br />
                <input value={p.number} onInput={(e) => setDraft({ ...draft, phones: draft.phones.map((x, j) => (j === i ? { ...x, number: (e.currentTarget as HTMLInputElement).value } : x)) })} />
              </label>
            );
          })}
          <label>{t('field.notes')}<br />
            <input name="notes" value={draft.notes ?? ''} onInput={(e) => setDraft({ ...draft, notes: (e.currentTarget as HTMLInputElement).value })} />
          </label>
          <div class="row">
            <button type="submit" class="primary" disabled={busy} data-testid="card-scan-save">{t('scan.save')}</button>
            <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
    </div>
  );
}
