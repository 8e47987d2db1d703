/** The customer info card (客户信息卡): four groups and the custom fields, shown and edited. */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { t } from '../../i18n.ts';
import { ErrorNote, errorText } from '../../components/ui.tsx';
import { CARD_FIELD_DEFS, CARD_GROUPS, groupTitle, showValue, valueAt, type CardFieldDef, type CustomFieldDef, type FieldKind } from './card-fields.ts';

/** The parts of a customer the card reads. */
export interface CardData {
  id: string;
  ownerId?: string | null;
  basic?: Record<string, unknown>;
  characteristics?: Record<string, unknown>;
  business?: Record<string, unknown>;
  transaction?: Record<string, unknown>;
  custom?: Record<string, unknown>;
}

const empty = <span class="muted">–</span>;

export function CardView({ customer, fields }: { customer: CardData; fields: CustomFieldDef[] }) {
  return (
    <div class="crm-card" data-testid="crm-card">
      {CARD_GROUPS.map((g) => (
        <div class="card-group" data-testid={`crm-group-${g}`}>
          <h3>{groupTitle(g)}</h3>
          <dl class="fields">
            {g === 'basic' && <><dt>{t('crm.f.ownerId')}</dt><dd data-field="ownerId">{customer.ownerId ?? empty}</dd></>}
            {CARD_FIELD_DEFS.filter((d) => d.group === g).map((d) => {
              const v = showValue(d, valueAt(customer, d.path));
              return <><dt>{t(d.label)}</dt><dd data-field={d.path}>{v || empty}</dd></>;
            })}
          </dl>
        </div>
      ))}
      {fields.length > 0 && (
        <div class="card-group" data-testid="crm-group-custom">
          <h3>{t('crm.group.custom')}</h3>
          <dl class="fields">
            {fields.map((d) => {
              const v = customer.custom?.[d.key];
              return <><dt>{d.label}</dt><dd data-field={`custom.${d.key}`}>{v === undefined || v === null ? empty : String(v)}</dd></>;
            })}
          </dl>
        </div>
      )}
    </div>
  );
}

type Draft = Record<string, string>;

function draftOf(c: CardData, fields: CustomFieldDef[]): Draft {
  const d: Draft = { ownerId: c.ownerId ?? '' };
  for (const f of CARD_FIELD_DEFS) { const v = valueAt(c, f.path); d[f.path] = v === undefined || v === null ? '' : String(v); }
  for (const f of fields) { const v = c.custom?.[f.key]; d[`custom.${f.key}`] = v === undefined || v === null ? '' : String(v); }
  return d;
}

function typed(kind: FieldKind | 'choice', s: string): unknown {
  if (s === '') return null;
  if (kind === 'number' || kind === 'integer') return Number(s);
  if (kind === 'boolean') return s === 'true';
  return s;
}

/** The PATCH body of a draft: every group with every field (empty = null, removed); credit as a whole. */
function patchOf(d: Draft, fields: CustomFieldDef[]): Record<string, unknown> {
  const body: Record<string, Record<string, unknown>> = { basic: {}, characteristics: {}, business: {}, transaction: {} };
  const credit: Record<string, unknown> = {};
  for (const f of CARD_FIELD_DEFS) {
    const v = typed(f.kind, d[f.path] ?? '');
    const key = f.path.slice(f.group.length + 1);
    if (key.startsWith('credit.')) { if (v !== null) credit[key.slice(7)] = v; } else body[f.group]![key] = v;
  }
  body.transaction!.credit = Object.keys(credit).length ? credit : null;
  const custom: Record<string, unknown> = {};
  for (const f of fields) custom[f.key] = typed(f.type === 'number' ? 'number' : 'text', d[`custom.${f.key}`] ?? '');
  return { ...body, ownerId: d.ownerId ? d.ownerId : null, ...(fields.length ? { custom } : {}) };
}

function Input({ def, value, onInput, testid }: { def: Pick<CardFieldDef, 'kind' | 'options'>; value: string; onInput: (v: string) => void; testid: string }) {
  const set = (e: Event) => onInput((e.target as HTMLInputElement).value);
  if (def.kind === 'choice') {
    return <select value={value} onChange={set} data-testid={testid}><option value="">–</option>{(def.options ?? []).map((o) => <option value={o}>{o}</option>)}</select>;
  }
  if (def.kind === 'boolean') {
    return <select value={value} onChange={set} data-testid={testid}><option value="">–</option><option value="true">{t('crm.overdue')}</option><option value="false">{t('crm.notOverdue')}</option></select>;
  }
  if (def.kind === 'long') return <textarea rows={2} value={value} onInput={set} data-testid={testid} />;
  if (def.kind === 'date') return <input type="date" value={value} onInput={set} data-testid={testid} />;
  if (def.kind === 'number' || def.kind === 'integer') return <input type="number" step={def.kind === 'integer' ? 1 : 'any'} value={value} onInput={set} data-testid={testid} />;
  return <input type="text" value={value} onInput={set} data-testid={testid} />;
}

export function CardEditor({ customer, fields, onSaved, onCancel }: {
  customer: CardData; fields: CustomFieldDef[]; onSaved: (c: CardData) => void; onCancel: () => void;
}) {
  const [d, setD] = useState<Draft>(() => draftOf(customer, fields));
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: string) => (v: string) => setD((x) => ({ ...x, [k]: v }));
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setErr(null);
    try { onSaved(await api.patch<CardData>(`/customers/${customer.id}`, patchOf(d, fields))); } catch (x) { setErr(errorText(x)); } finally { setBusy(false); }
  };
  return (
    <form class="stack crm-card-edit" onSubmit={(e) => void save(e)} data-testid="crm-card-form">
      {CARD_GROUPS.map((g) => (
        <fieldset>
          <legend>{groupTitle(g)}</legend>
          <div class="grid-2">
            {g === 'basic' && <label>{t('crm.f.ownerId')}<input value={d.ownerId ?? ''} maxLength={64} onInput={(e) => set('ownerId')((e.target as HTMLInputElement).value)} data-testid="crm-in-ownerId" /></label>}
            {CARD_FIELD_DEFS.filter((x) => x.group === g).map((x) => (
              <label>{t(x.label)}<Input def={x} value={d[x.path] ?? ''} onInput={set(x.path)} testid={`crm-in-${x.path}`} /></label>
            ))}
          </div>
        </fieldset>
      ))}
      {fields.length > 0 && (
        <fieldset>
          <legend>{t('crm.group.custom')}</legend>
          <div class="grid-2">
            {fields.map((x) => (
              <label>{x.label}<Input def={{ kind: x.type, options: x.options }} value={d[`custom.${x.key}`] ?? ''} onInput={set(`custom.${x.key}`)} testid={`crm-in-custom.${x.key}`} /></label>
            ))}
          </div>
        </fieldset>
      )}
      <ErrorNote error={err} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy} data-testid="crm-card-save">{t('common.save')}</button>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
