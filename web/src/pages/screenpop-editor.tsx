/**
 * Screen-pop layouts: which customer fields an agent sees when a call rings,
 * grouped and ordered, for every call (default), a line or a queue. The
 * preview renders a sample customer with the card the desk uses.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, qs } from '../api.ts';
import { t } from '../i18n.ts';
import { go } from '../router.ts';
import { me } from '../session.ts';
import { ErrorNote, errorText, toast, useLoad } from '../components/ui.tsx';
import { CARD_FIELDS, CustomerCard, fieldLabel, type CardCustomer, type ScreenpopLayout } from './screenpop/card.tsx';
import type { CustomFieldDef } from './crm/card-fields.ts';

type Scope = 'default' | 'line' | 'queue' | 'campaign';
interface Stored { scope: Scope; scopeId: string; layout: ScreenpopLayout; updatedAt: string }
interface LineItem { id: string; name: string | null }
interface QueueItem { queueId: string; name: string }
interface CustomerItem extends CardCustomer { id: string; name: string; attributes?: Record<string, unknown> }

const ATTR_KEY = /^[A-Za-z0-9_-]{1,40}$/;
const SAMPLE_ID = 'sample';

/** A made-up customer for the preview when the CRM is empty. */
export const SAMPLE_CUSTOMER: CustomerItem = {
  id: SAMPLE_ID,
  name: '张伟 (Zhang Wei)',
  company: '上海星辰贸易有限公司',
  title: '采购经理',
  phones: [{ number: '+8613800138000', label: 'mobile' }, { number: '+862161234567', label: 'office' }],
  email: 'zhang.wei@example.com',
  address: '上海市浦东新区世纪大道 100 号',
  tier: 'vip',
  tags: ['wholesale', 'east'],
  status: 'active',
  transactionStatus: 'order shipped',
  notes: 'Prefers calls after 14:00.',
  attributes: { accountNo: 'A-10023', region: 'East China' },
  ownerId: 'li-na',
  basic: { kind: 'company', legalRepresentative: '王强', founded: '2003-05-18', relationshipSince: '2019-01-07' },
  characteristics: { region: '华东', potential: 'high', industry: '批发', source: 'exhibition', size: '50-200' },
  business: { scale: 'medium', relationship: 'good', attitude: 'positive' },
  transaction: { currentOrders: 3, terms: '30 days net', credit: { limit: 200000, rating: 'AA', overdue: false } },
};

const scopePath = (scope: Scope, id: string): string =>
  scope === 'default' ? '/screenpop-layouts/default' : `/screenpop-layouts/${scope}/${encodeURIComponent(id)}`;

/** What the API would refuse, in words (empty: fine). */
function layoutProblems(l: ScreenpopLayout): string[] {
  const out: string[] = [];
  if (l.groups.length === 0) out.push(t('sp.err.noGroups'));
  if (l.groups.length > 12) out.push(t('sp.err.tooManyGroups'));
  l.groups.forEach((g, i) => {
    const name = g.title.trim() || `#${i + 1}`;
    if (g.title.trim().length === 0) out.push(`${t('sp.group')} #${i + 1}: ${t('sp.err.title')}`);
    if (g.title.length > 60) out.push(`${t('sp.group')} ${name}: ${t('sp.err.titleLong')}`);
    if (g.fields.length === 0) out.push(`${t('sp.group')} ${name}: ${t('sp.err.noFields')}`);
    if (g.fields.length > 40) out.push(`${t('sp.group')} ${name}: ${t('sp.err.tooManyFields')}`);
  });
  if (!Number.isInteger(l.interactions) || l.interactions < 0 || l.interactions > 50) out.push(t('sp.err.interactions'));
  return out;
}

const move = <T,>(list: T[], i: number, j: number): T[] => {
  if (j < 0 || j >= list.length) return list;
  const copy = [...list];
  [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  return copy;
};

export function ScreenpopEditor({ params }: { params: string[] }) {
  const scope: Scope = params[0] === 'line' || params[0] === 'queue' || params[0] === 'campaign' ? params[0] : 'default';
  const scopeId = scope === 'default' ? '' : params[1] ?? '';

  const lines = useLoad(() => api.get<{ items: LineItem[] }>('/lines').then((r) => r.items), []);
  // Single-line mode has no queues (422): then only the default and lines are offered.
  const queues = useLoad(() => api.get<{ items: QueueItem[] }>('/queues').then((r) => r.items, (e: unknown) => {
    if (e instanceof ApiError && (e.status === 422 || e.status === 404)) return null;
    throw e;
  }), []);
  const campaigns = useLoad(() => api.get<{ items: Array<{ id: string; name: string }> }>(`/campaigns${qs({ limit: 200 })}`).then((r) => r.items).catch(() => [] as Array<{ id: string; name: string }>), []);
  const stored = useLoad(() => api.get<{ items: Stored[] }>('/screenpop-layouts').then((r) => r.items), []);
  const customers = useLoad(() => api.get<{ items: CustomerItem[] }>(`/customers${qs({ limit: 5 })}`).then((r) => r.items).catch(() => [] as CustomerItem[]), []);
  const customFields = useLoad(() => api.get<{ items: CustomFieldDef[] }>('/customers/fields').then((r) => r.items), []);

  const own = stored.data?.find((s) => s.scope === scope && s.scopeId === scopeId) ?? null;
  const [layout, setLayout] = useState<ScreenpopLayout | null>(null);
  const [base, setBase] = useState('');
  const [inherited, setInherited] = useState<Stored | null>(null);
  const [loadErr, setLoadErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const [sampleId, setSampleId] = useState(SAMPLE_ID);

  // The layout of the chosen scope: its own when stored, else what it inherits now (its starting point).
  useEffect(() => {
    if (!stored.data) return;
    let live = true;
    setLoadErr(null);
    const start = (l: ScreenpopLayout, from: Stored | null) => { if (!live) return; setLayout(structuredClone(l)); setBase(JSON.stringify(l)); setInherited(from); };
    if (own) { start(own.layout, null); return; }
    const q = scope === 'line' ? { lineId: scopeId } : scope === 'queue' ? { queueId: scopeId } : scope === 'campaign' ? { campaignId: scopeId } : {};
    api.get<Stored>(`/screenpop-layouts/resolve${qs(q)}`).then((r) => start(r.layout, r), (e: unknown) => { if (live) setLoadErr(errorText(e)); });
    return () => { live = false; };
  }, [scope, scopeId, stored.data]);

  const sample = useMemo(() => [SAMPLE_CUSTOMER, ...(customers.data ?? [])].find((c) => c.id === sampleId) ?? SAMPLE_CUSTOMER, [sampleId, customers.data]);
  const attrKeys = useMemo(() => {
    const keys = new Set<string>();
    for (const c of [SAMPLE_CUSTOMER, ...(customers.data ?? [])]) for (const k of Object.keys(c.attributes ?? {})) if (ATTR_KEY.test(k)) keys.add(k);
    return [...keys];
  }, [customers.data]);

  const problems = layout ? layoutProblems(layout) : [];
  const dirty = layout !== null && (JSON.stringify(layout) !== base || own === null);
  const choose = (value: string) => {
    const [s = 'default', ...rest] = value.split(':');
    if (s === 'default') go('screenpop'); else go('screenpop', s, rest.join(':'));
  };

  const save = async () => {
    if (!layout) return;
    setBusy(true); setErr(null);
    try {
      const clean: ScreenpopLayout = { groups: layout.groups.map((g) => ({ title: g.title.trim(), fields: g.fields })), interactions: layout.interactions };
      await api.put<Stored>(scopePath(scope, scopeId), clean);
      toast(t('common.saved'));
      stored.reload();
    } catch (e) { setErr(errorText(e)); } finally { setBusy(false); }
  };
  const reset = async () => {
    if (!confirm(t('sp.resetConfirm'))) return;
    setBusy(true); setErr(null);
    try {
      await api.del(scopePath(scope, scopeId));
      toast(t('sp.resetDone'));
      stored.reload();
    } catch (e) { setErr(errorText(e)); } finally { setBusy(false); }
  };

  const isStored = (s: Scope, id: string) => stored.data?.some((x) => x.scope === s && x.scopeId === id) ?? false;
  const mark = (s: Scope, id: string) => (isStored(s, id) ? ` · ${t('sp.custom')}` : '');
  const scopeValue = scope === 'default' ? 'default' : `${scope}:${scopeId}`;
  const scopeName = scope === 'default' ? t('sp.default') : `${scope === 'line' ? t('sp.line') : scope === 'queue' ? t('sp.queue') : t('sp.campaign')} ${scopeId}`;

  const update = (fn: (l: ScreenpopLayout) => ScreenpopLayout) => setLayout((l) => (l ? fn(l) : l));
  const setGroup = (i: number, g: ScreenpopLayout['groups'][number]) => update((l) => ({ ...l, groups: l.groups.map((x, j) => (j === i ? g : x)) }));

  return (
    <div class="sp-editor">
      <section class="card">
        <div class="toolbar">
          <h1>{t('sp.title')}</h1>
          <span class="spacer" />
          <label>{t('sp.scope')}
            <select value={scopeValue} data-testid="sp-scope" onChange={(e) => choose((e.target as HTMLSelectElement).value)}>
              <option value="default">{t('sp.default')}{mark('default', '')}</option>
              {(lines.data ?? []).length > 0 && (
                <optgroup label={t('sp.lines')}>
                  {(lines.data ?? []).map((l) => <option value={`line:${l.id}`}>{l.name ? `${l.name} (${l.id})` : l.id}{mark('line', l.id)}</option>)}
                </optgroup>
              )}
              {queues.data && queues.data.length > 0 && (
                <optgroup label={t('sp.queues')}>
                  {queues.data.map((q) => <option value={`queue:${q.queueId}`}>{q.name ? `${q.name} (${q.queueId})` : q.queueId}{mark('queue', q.queueId)}</option>)}
                </optgroup>
              )}
              {(campaigns.data ?? []).length > 0 && (
                <optgroup label={t('sp.campaigns')}>
                  {(campaigns.data ?? []).map((c) => <option value={`campaign:${c.id}`}>{c.name}{mark('campaign', c.id)}</option>)}
                </optgroup>
              )}
              {scope !== 'default' && !(scope === 'line' ? lines.data?.some((l) => l.id === scopeId) : scope === 'queue' ? queues.data?.some((q) => q.queueId === scopeId) : campaigns.data?.some((c) => c.id === scopeId)) && (
                <option value={scopeValue}>{scopeName}</option>
              )}
            </select>
          </label>
          {own && <button type="button" class="danger" disabled={busy} onClick={() => void reset()} data-testid="sp-reset">{scope === 'default' ? t('sp.resetBuiltin') : t('sp.resetInherit')}</button>}
          <button type="button" class="primary" disabled={busy || !layout || problems.length > 0 || !dirty} onClick={() => void save()} data-testid="sp-save">{t('common.save')}</button>
        </div>
        <p class="muted small" data-testid="sp-status">
          {own ? `${t('sp.ownLayout')} (${scopeName})`
            : inherited ? `${t('sp.inherits')}: ${inherited.scope === 'default' && inherited.updatedAt.startsWith('1970') ? t('sp.builtin') : inherited.scope === 'default' ? t('sp.default') : `${inherited.scope} ${inherited.scopeId}`}` : ''}
          {(queues.data === null || (queues.data?.length === 0 && me.get()?.pbx === false)) && <> · {t('sp.singleLine')}</>}
        </p>
        <ErrorNote error={lines.error ?? queues.error ?? stored.error ?? loadErr ?? err} />
      </section>

      {layout && (
        <div class="cols-2">
          <section class="card" aria-label={t('sp.fields')}>
            <div class="row">
              <h2>{t('sp.fields')}</h2>
              <span class="spacer" />
              <label class="inline">{t('sp.interactions')}
                <input type="number" min={0} max={50} value={layout.interactions} data-testid="sp-interactions" style={{ width: '5rem' }}
                  onInput={(e) => { const n = Number((e.target as HTMLInputElement).value); update((l) => ({ ...l, interactions: Number.isFinite(n) ? n : 0 })); }} />
              </label>
            </div>
            {problems.length > 0 && <ul class="issues" data-testid="sp-problems">{problems.map((p) => <li>{p}</li>)}</ul>}
            {layout.groups.map((g, i) => (
              <GroupEditor key={i} index={i} group={g} count={layout.groups.length} attrKeys={attrKeys} customFields={customFields.data ?? []}
                onChange={(ng) => setGroup(i, ng)}
                onMove={(d) => update((l) => ({ ...l, groups: move(l.groups, i, i + d) }))}
                onRemove={() => update((l) => ({ ...l, groups: l.groups.filter((_, j) => j !== i) }))} />
            ))}
            <button type="button" data-testid="sp-add-group" disabled={layout.groups.length >= 12}
              onClick={() => update((l) => ({ ...l, groups: [...l.groups, { title: `${t('sp.group')} ${l.groups.length + 1}`, fields: ['name'] }] }))}>
              + {t('sp.addGroup')}
            </button>
          </section>

          <section class="card" aria-label={t('sp.preview')}>
            <div class="row">
              <h2>{t('sp.preview')}</h2>
              <span class="spacer" />
              <label class="inline">{t('sp.sample')}
                <select value={sampleId} data-testid="sp-sample" onChange={(e) => setSampleId((e.target as HTMLSelectElement).value)}>
                  <option value={SAMPLE_ID}>{t('sp.builtinSample')}</option>
                  {(customers.data ?? []).map((c) => <option value={c.id}>{c.name}</option>)}
                </select>
              </label>
            </div>
            <div class="pop sp-preview">
              <CustomerCard customer={sample} layout={layout} fields={customFields.data ?? []} />
              {layout.interactions > 0
                ? <p class="muted small">{t('sp.previewInteractions').replace('{n}', String(layout.interactions))}</p>
                : <p class="muted small">{t('sp.noInteractions')}</p>}
            </div>
          </section>
        </div>
      )}
    </div>
  );
}

function GroupEditor({ index, group, count, attrKeys, customFields, onChange, onMove, onRemove }: {
  index: number; group: ScreenpopLayout['groups'][number]; count: number; attrKeys: string[]; customFields: CustomFieldDef[];
  onChange: (g: ScreenpopLayout['groups'][number]) => void; onMove: (d: -1 | 1) => void; onRemove: () => void;
}) {
  const [pick, setPick] = useState('');
  const [attr, setAttr] = useState('');
  const free = [...CARD_FIELDS, ...customFields.map((f) => `custom.${f.key}`)].filter((f) => !group.fields.includes(f));
  const label = (f: string) => fieldLabel(f, customFields);
  const add = (f: string) => { if (f && !group.fields.includes(f) && group.fields.length < 40) onChange({ ...group, fields: [...group.fields, f] }); };
  const attrOk = ATTR_KEY.test(attr) && !group.fields.includes(`attributes.${attr}`);
  const listId = `sp-attrs-${index}`;
  return (
    <fieldset class="sp-group" data-testid={`sp-group-${index}`}>
      <legend>{t('sp.group')} {index + 1}</legend>
      <div class="row">
        <label class="grow">{t('sp.groupTitle')}
          <input value={group.title} maxLength={60} data-testid={`sp-group-title-${index}`} onInput={(e) => onChange({ ...group, title: (e.target as HTMLInputElement).value })} />
        </label>
        <button type="button" class="icon" disabled={index === 0} title={t('ivr.moveUp')} aria-label={`${t('ivr.moveUp')}: ${group.title}`} onClick={() => onMove(-1)}>↑</button>
        <button type="button" class="icon" disabled={index === count - 1} title={t('ivr.moveDown')} aria-label={`${t('ivr.moveDown')}: ${group.title}`} onClick={() => onMove(1)}>↓</button>
        <button type="button" class="danger" disabled={count <= 1} onClick={onRemove} data-testid={`sp-remove-group-${index}`}>{t('sp.removeGroup')}</button>
      </div>
      <ol class="sp-fields">
        {group.fields.map((f, i) => (
          <li key={f} class="row" data-testid={`sp-field-${index}-${f}`}>
            <span class="grow">{label(f)} {f.startsWith('attributes.') && <span class="badge">{t('sp.attribute')}</span>}{f.startsWith('custom.') && <span class="badge">{t('crm.group.custom')}</span>}</span>
            <button type="button" class="icon" disabled={i === 0} title={t('ivr.moveUp')} aria-label={`${t('ivr.moveUp')}: ${label(f)}`}
              onClick={() => onChange({ ...group, fields: move(group.fields, i, i - 1) })}>↑</button>
            <button type="button" class="icon" disabled={i === group.fields.length - 1} title={t('ivr.moveDown')} aria-label={`${t('ivr.moveDown')}: ${label(f)}`}
              onClick={() => onChange({ ...group, fields: move(group.fields, i, i + 1) })}>↓</button>
            <button type="button" class="icon danger" title={t('sp.remove')} aria-label={`${t('sp.remove')}: ${label(f)}`}
              onClick={() => onChange({ ...group, fields: group.fields.filter((x) => x !== f) })}>✕</button>
          </li>
        ))}
      </ol>
      <div class="row">
        <select value={pick} aria-label={t('sp.addField')} data-testid={`sp-field-pick-${index}`} onChange={(e) => setPick((e.target as HTMLSelectElement).value)}>
          <option value="">{t('sp.chooseField')}</option>
          {free.map((f) => <option value={f}>{label(f)}</option>)}
        </select>
        <button type="button" disabled={!pick} data-testid={`sp-add-field-${index}`} onClick={() => { add(pick); setPick(''); }}>+ {t('sp.addField')}</button>
        <span class="muted small">{t('sp.or')}</span>
        <input value={attr} size={12} list={listId} placeholder={t('sp.attributeKey')} aria-label={t('sp.attributeKey')}
          onInput={(e) => setAttr((e.target as HTMLInputElement).value.trim())} />
        <datalist id={listId}>{attrKeys.map((k) => <option value={k} />)}</datalist>
        <button type="button" disabled={!attrOk} onClick={() => { add(`attributes.${attr}`); setAttr(''); }}>+ {t('sp.addAttribute')}</button>
      </div>
    </fieldset>
  );
}
