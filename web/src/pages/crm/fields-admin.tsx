/** The admin's custom customer fields: list, add, remove. */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { t, type MessageKey } from '../../i18n.ts';
import { ErrorNote, Section, errorText, toast } from '../../components/ui.tsx';
import type { CustomFieldDef } from './card-fields.ts';

const TYPES = ['text', 'number', 'date', 'choice'] as const;

export function CustomFieldsAdmin({ fields, onChange }: { fields: CustomFieldDef[]; onChange: () => void }) {
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [type, setType] = useState<typeof TYPES[number]>('text');
  const [options, setOptions] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const add = async (e: Event) => {
    e.preventDefault();
    setErr(null);
    try {
      const opts = type === 'choice' ? options.split(/[,，]/).map((o) => o.trim()).filter(Boolean) : [];
      await api.post('/customers/fields', { key, label, type, ...(opts.length ? { options: opts } : {}), position: fields.length });
      setKey(''); setLabel(''); setOptions('');
      toast(t('common.saved'));
      onChange();
    } catch (x) { setErr(errorText(x)); }
  };
  const remove = async (k: string) => {
    if (!confirm(`${t('common.confirmDelete')}\n${k}`)) return;
    try { await api.del(`/customers/fields/${encodeURIComponent(k)}`); onChange(); } catch (x) { alert(errorText(x)); }
  };
  return (
    <Section title={t('crm.fields.title')}>
      {fields.length === 0 ? <p class="muted">{t('crm.fields.none')}</p> : (
        <table data-testid="custom-fields"><tbody>
          {fields.map((f) => (
            <tr data-testid={`custom-field-${f.key}`}>
              <td><code>{f.key}</code></td><td>{f.label}</td><td>{t(`crm.type.${f.type}` as MessageKey)}</td><td>{f.options.join(', ')}</td>
              <td class="actions"><button type="button" class="danger" onClick={() => void remove(f.key)}>{t('common.delete')}</button></td>
            </tr>
          ))}
        </tbody></table>
      )}
      <form class="toolbar" onSubmit={(e) => void add(e)}>
        <label>{t('crm.fields.key')}<input value={key} pattern="[a-z][a-z0-9_]{0,39}" required onInput={(e) => setKey((e.target as HTMLInputElement).value)} data-testid="cf-key" /></label>
        <label>{t('crm.fields.label')}<input value={label} maxLength={60} required onInput={(e) => setLabel((e.target as HTMLInputElement).value)} data-testid="cf-label" /></label>
        <label>{t('crm.fields.type')}
          <select value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value as typeof TYPES[number])} data-testid="cf-type">
            {TYPES.map((x) => <option value={x}>{t(`crm.type.${x}` as MessageKey)}</option>)}
          </select>
        </label>
        {type === 'choice' && <label>{t('crm.fields.options')}<input value={options} onInput={(e) => setOptions((e.target as HTMLInputElement).value)} data-testid="cf-options" /></label>}
        <button type="submit" data-testid="cf-add">{t('crm.fields.add')}</button>
      </form>
      <ErrorNote error={err} />
    </Section>
  );
}
