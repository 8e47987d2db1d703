/**
 * IVR flows: #/ivr lists them, #/ivr/<id> edits one as a tree, validated on
 * every change by the shared validator, with a dry-run test and versions.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { fmtDateTime, locale, t } from '../i18n.ts';
import { go } from '../router.ts';
import { ErrorNote, errorText, toast, useLoad } from '../components/ui.tsx';
import { validateFlow } from '../../../src/core/ivr/validate.ts';
import { FLOW_ID_PATTERN } from '../../../src/core/ivr/schema.ts';
import type { SimulationResult } from '../../../src/core/ivr/simulate.ts';
import { addNode, issueNode, issuesByNode, minimalFlow, type Flow, type FlowIssue, type Voice } from './ivr/model.ts';
import { FlowTree } from './ivr/tree.tsx';
import { NodeForm } from './ivr/node-form.tsx';
import { TestRunner } from './ivr/test-runner.tsx';
import { Versions, type FlowSummary } from './ivr/versions.tsx';

const flowIdRe = new RegExp(FLOW_ID_PATTERN);
const defaultVoice = (): Voice => (locale.get() === 'zh-CN' ? 'cmn' : 'en-us');

export function IvrEditor({ params }: { params: string[] }) {
  const id = params[0];
  return id ? <FlowEditor key={id} id={id} /> : <FlowList />;
}

function FlowList() {
  const { data, error } = useLoad(() => api.get<{ items: FlowSummary[] }>('/ivr/flows'), []);
  const [newId, setNewId] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const create = async (e: Event) => {
    e.preventDefault();
    const fid = newId.trim();
    if (!fid) { input.current?.focus(); setErr(t('ivr.flowIdHelp')); return; }
    if (!flowIdRe.test(fid)) { setErr(t('ivr.flowIdHelp')); return; }
    setBusy(true); setErr(null);
    try {
      await api.post('/ivr/flows', minimalFlow(fid, defaultVoice()));
      toast(t('ivr.created'));
      go('ivr', fid);
    } catch (e2) { setErr(errorText(e2)); } finally { setBusy(false); }
  };

  return (
    <div class="ivr-list">
      <section class="card">
        <div class="row"><h1>{t('ivr.title')}</h1></div>
        <ErrorNote error={error} />
        {data && data.items.length === 0 && <p class="muted">{t('ivr.noFlows')}</p>}
        <ul class="flow-list">
          {(data?.items ?? []).map((f) => (
            <li key={f.id}>
              <a href={`#/ivr/${encodeURIComponent(f.id)}`} data-testid={`flow-${f.id}`}>
                <strong>{f.name}</strong> <code>{f.id}</code>
                <span class="spacer" />
                <span class="badge">{t('ivr.version')} {f.currentVersion}</span>
                {f.publishedVersion !== null
                  ? <span class="badge ready">{t('ivr.published')} v{f.publishedVersion}</span>
                  : <span class="badge paused">{t('ivr.notPublished')}</span>}
                <span class="muted small">{fmtDateTime(f.updatedAt)}</span>
              </a>
            </li>
          ))}
        </ul>
      </section>
      <section class="card">
        <h2>{t('ivr.newFlow')}</h2>
        <form class="toolbar" onSubmit={(e) => void create(e)}>
          <label>{t('ivr.flowId')}
            <input ref={input} data-testid="new-flow-id" value={newId} placeholder="sales" maxLength={64}
              onInput={(e) => { setNewId((e.target as HTMLInputElement).value); setErr(null); }} />
          </label>
          <button type="submit" class="primary" data-testid="new-flow" disabled={busy}>+ {t('ivr.newFlow')}</button>
        </form>
        <p class="muted small">{t('ivr.flowIdHelp')}</p>
        {err && <p class="error" role="alert">{err}</p>}
      </section>
    </div>
  );
}

interface Loaded extends FlowSummary { version: number; definition: Flow }

function FlowEditor({ id }: { id: string }) {
  const { data, error } = useLoad(() => api.get<Loaded>(`/ivr/flows/${encodeURIComponent(id)}`), [id]);
  const [summary, setSummary] = useState<FlowSummary | null>(null);
  const [draft, setDraft] = useState<Flow | null>(null);
  const [saved, setSaved] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  // The side form starts afresh when another node is picked, not when the selected node is renamed.
  const [formKey, setFormKey] = useState(0);
  const select = (nid: string | null) => { setSelected(nid); setFormKey((k) => k + 1); };
  const [sim, setSim] = useState<SimulationResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);

  useEffect(() => {
    if (!data) return;
    const { version: _v, definition, ...s } = data;
    setSummary(s); setDraft(definition); setSaved(JSON.stringify(definition));
    setSelected((cur) => cur ?? definition.entry);
  }, [data]);

  const dirty = draft !== null && JSON.stringify(draft) !== saved;
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => { e.preventDefault(); };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const check = useMemo(() => (draft ? validateFlow(draft) : null), [draft]);
  const errors: FlowIssue[] = check && !check.ok ? check.errors : [];
  const warnings: FlowIssue[] = check?.warnings ?? [];
  const byNode = useMemo(() => issuesByNode(errors), [check]);
  const warnByNode = useMemo(() => issuesByNode(warnings), [check]);
  const onPath = useMemo(() => new Set(sim?.path.map((p) => p.node) ?? []), [sim]);
  const valid = check?.ok === true;

  if (error) return <section class="card"><a href="#/ivr">← {t('ivr.title')}</a><ErrorNote error={error} /></section>;
  if (!draft || !summary) return <section class="card muted">{t('common.loading')}</section>;

  const voice = defaultVoice();
  const edit = (f: Flow) => { setDraft(f); };

  const save = async (publish: boolean): Promise<FlowSummary | null> => {
    setBusy(true); setErr(null);
    try {
      const s = await api.put<FlowSummary>(`/ivr/flows/${encodeURIComponent(id)}?publish=${publish}`, draft);
      setSummary(s); setSaved(JSON.stringify(draft));
      return s;
    } catch (e) { setErr(errorText(e)); return null; } finally { setBusy(false); }
  };
  const onSave = async () => { const s = await save(false); if (s) toast(`${t('common.saved')}: v${s.currentVersion}`); };
  const onPublish = async () => {
    if (dirty) { const s = await save(true); if (s) toast(`${t('ivr.published')}: v${s.currentVersion}`); return; }
    setBusy(true); setErr(null);
    try {
      const s = await api.post<FlowSummary>(`/ivr/flows/${encodeURIComponent(id)}/publish`, { version: summary.currentVersion });
      setSummary(s); toast(`${t('ivr.published')}: v${s.publishedVersion ?? ''}`);
    } catch (e) { setErr(errorText(e)); } finally { setBusy(false); }
  };

  const sel = selected !== null && Object.hasOwn(draft.nodes, selected) ? selected : null;
  const selIssues = sel ? byNode.get(sel) ?? [] : [];

  return (
    <div class="ivr-editor">
      <div class="toolbar ivr-head">
        <a href="#/ivr" class="back">← {t('ivr.title')}</a>
        <label>{t('ivr.flowName')}
          <input value={draft.name} maxLength={200} data-testid="flow-name" onInput={(e) => edit({ ...draft, name: (e.target as HTMLInputElement).value })} />
        </label>
        <code class="flow-id">{id}</code>
        <span class="badge">{t('ivr.version')} {summary.currentVersion}</span>
        {summary.publishedVersion !== null
          ? <span class="badge ready" data-testid="published-version">{t('ivr.published')} v{summary.publishedVersion}</span>
          : <span class="badge paused">{t('ivr.notPublished')}</span>}
        {dirty && <span class="badge wrap-up" data-testid="dirty">{t('ivr.unsaved')}</span>}
        <span class="spacer" />
        <span class={valid ? 'ok small' : 'error small'}>{valid ? `✓ ${t('ivr.valid')}` : `✕ ${errors.length} ${t('ivr.errors')}`}</span>
        <button type="button" data-testid="save-flow" disabled={!valid || busy} title={valid ? t('ivr.saveHelp') : t('ivr.fixFirst')} onClick={() => void onSave()}>{t('ivr.saveDraft')}</button>
        <button type="button" class="primary" data-testid="publish-flow" disabled={!valid || busy} title={valid ? t('ivr.publishHelp') : t('ivr.fixFirst')} onClick={() => void onPublish()}>{t('ivr.publish')}</button>
      </div>
      <ErrorNote error={err} />

      <div class="cols-2">
        <section class="card" aria-label={t('ivr.tree')}>
          <div class="row">
            <h2>{t('ivr.tree')}</h2>
            <span class="spacer" />
            <label class="inline">{t('ivr.entry')}
              <select value={draft.entry} data-testid="entry" onChange={(e) => edit({ ...draft, entry: (e.target as HTMLSelectElement).value })}>
                {!Object.hasOwn(draft.nodes, draft.entry) && <option value={draft.entry}>{draft.entry} ({t('ivr.missingNode')})</option>}
                {Object.keys(draft.nodes).map((n) => <option value={n}>{n}</option>)}
              </select>
            </label>
            <button type="button" data-testid="add-node" onClick={() => { const [f, nid] = addNode(draft, voice); edit(f); select(nid); }}>+ {t('ivr.addNode')}</button>
          </div>
          {(byNode.get('') ?? []).map((i) => <p class="field-issue" role="alert">{i.path || '/'} {i.message}</p>)}
          <FlowTree flow={draft} selected={sel} onSelect={select} issues={byNode} warnings={warnByNode} onPath={onPath} />
        </section>

        <div class="side">
          <section class="card">
            {sel
              ? <NodeForm key={formKey} flow={draft} id={sel} issues={selIssues} voice={voice} onChange={edit} onSelect={select} onRenamed={setSelected} />
              : <p class="muted">{t('ivr.selectNode')}</p>}
          </section>
          <section class="card" aria-label={t('ivr.errors')}>
            <h2>{t('ivr.errors')} {errors.length > 0 && <span class="badge paused">{errors.length}</span>}</h2>
            {errors.length === 0 && <p class="ok" data-testid="no-issues">✓ {t('ivr.valid')}</p>}
            <ul class="issues" data-testid="issues">
              {errors.map((i) => <IssueItem issue={i} onSelect={select} />)}
              {warnings.map((i) => <IssueItem issue={i} onSelect={select} warning />)}
            </ul>
          </section>
        </div>
      </div>

      <div class="grid ivr-bottom">
        <TestRunner flow={draft} onResult={setSim} />
        <Versions summary={summary} onPublished={setSummary}
          onLoad={(f, v) => { setDraft(f); select(f.entry); toast(`${t('ivr.loaded')} v${v}`); }} />
      </div>
    </div>
  );
}

function IssueItem({ issue, onSelect, warning }: { issue: FlowIssue; onSelect: (id: string) => void; warning?: boolean }) {
  const node = issueNode(issue.path);
  return (
    <li class={warning ? 'warning' : ''} data-path={issue.path}>
      {node ? <button type="button" class="link" onClick={() => onSelect(node)}>{issue.path}</button> : <code>{issue.path || '/'}</code>}{' '}
      {warning ? `${t('ivr.warning')}: ` : ''}{issue.message}
    </li>
  );
}
