/** The side form: edit the selected node (id, type, prompt, branches). */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { t } from '../../i18n.ts';
import { errorText } from '../../components/ui.tsx';
import { MENU_KEYS, NODE_ID_PATTERN, NODE_TYPES, WEEKDAYS } from '../../../../src/core/ivr/schema.ts';
import {
  addNode, changeType, deleteNode, ensureEnd, renameNode, setField,
  type Flow, type FlowIssue, type NodeType, type Prompt, type Voice,
} from './model.ts';
import { typeLabel } from './tree.tsx';

const NEW = '\u0000new';
const nodeIdRe = new RegExp(NODE_ID_PATTERN);
const val = (e: Event): string => (e.target as HTMLInputElement).value;

interface FormProps {
  flow: Flow;
  id: string;
  issues: FlowIssue[];
  voice: Voice;
  onChange: (flow: Flow) => void;
  onSelect: (id: string | null) => void;
  /** The selected node got a new id (the form stays as it is). */
  onRenamed: (id: string) => void;
}

function FieldIssues({ issues, field }: { issues: FlowIssue[]; field: string }) {
  const mine = issues.filter((i) => {
    const rel = i.path.replace(/^\/nodes\/[^/]+/, '');
    return rel === field || rel.startsWith(`${field}/`);
  });
  return mine.length ? <span class="field-issue" role="alert">{mine.map((i) => i.message).join('; ')}</span> : null;
}

/** Pick a target among the node ids, or make a new node. */
function TargetSelect({ flow, self, value, onPick, optional, testid, label, voice }: {
  flow: Flow; self: string; voice: Voice; value: string | undefined; onPick: (target: string | undefined, created?: Flow) => void;
  optional?: string; testid?: string; label?: string;
}) {
  const ids = Object.keys(flow.nodes).filter((id) => id !== self || id === value);
  const missing = value !== undefined && !Object.hasOwn(flow.nodes, value);
  return (
    <select value={value ?? ''} data-testid={testid} aria-label={label}
      onChange={(e) => {
        const v = val(e);
        if (v === NEW) {
          const [f, id] = addNode(flow, voice);
          onPick(id, f);
        } else onPick(v === '' ? undefined : v);
      }}>
      {optional !== undefined && <option value="">{optional}</option>}
      {missing && <option value={value}>{value} ({t('ivr.missingNode')})</option>}
      {ids.map((id) => <option value={id}>{id} · {typeLabel(flow.nodes[id]!.type)}</option>)}
      <option value={NEW}>{t('ivr.newNode')}</option>
    </select>
  );
}

/** Text + voice + Listen. An optional prompt is removed when its text is emptied. */
function PromptEditor({ prompt, onChange, required, voice, testid, label }: {
  prompt: Prompt | undefined; onChange: (p: Prompt | undefined) => void; required: boolean; voice: Voice; testid?: string; label: string;
}) {
  const [src, setSrc] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const audio = useRef<HTMLAudioElement>(null);
  useEffect(() => () => { if (src) URL.revokeObjectURL(src); }, [src]);
  useEffect(() => { if (src) audio.current?.play().catch(() => undefined); }, [src]);

  if (prompt && 'file' in prompt) {
    return (
      <div class="prompt-editor">
        <span class="label-text">{label}</span>
        <div class="row"><span class="badge">♪ {prompt.file}</span>
          <button type="button" onClick={() => onChange({ text: '', voice })}>{t('ivr.useText')}</button></div>
      </div>
    );
  }
  const text = prompt?.text ?? '';
  const v: Voice = prompt?.voice ?? voice;
  const listen = async () => {
    setBusy(true); setErr(null);
    try { setSrc(await api.blobUrl('POST', '/ivr/prompts/preview', { text, voice: v })); } catch (e) { setErr(errorText(e)); } finally { setBusy(false); }
  };
  return (
    <div class="prompt-editor">
      <label>{label}{required ? ' *' : ''}
        <textarea value={text} data-testid={testid} rows={3}
          placeholder={v === 'cmn' ? '欢迎来电' : t('ivr.promptPlaceholder')}
          onInput={(e) => { const x = val(e); onChange(x === '' && !required ? undefined : { text: x, voice: v }); }} />
      </label>
      <div class="row">
        <label class="inline">{t('ivr.voice')}
          <select value={v} onChange={(e) => onChange({ text, voice: val(e) as Voice })}>
            <option value="en-us">{t('ivr.voice.en-us')}</option>
            <option value="cmn">{t('ivr.voice.cmn')}</option>
          </select>
        </label>
        <button type="button" disabled={!text.trim() || busy} onClick={() => void listen()} data-testid={testid ? 'listen' : undefined}>▶ {t('ivr.listen')}</button>
        {src && <audio ref={audio} controls src={src} />}
      </div>
      {err && <span class="field-issue" role="alert">{err}</span>}
    </div>
  );
}

/** Edits a text field kept locally (schedules, lists), parsed into the node on every keystroke. */
function LocalText({ initial, onText, ...rest }: { initial: string; onText: (s: string) => void; placeholder?: string; 'aria-label'?: string }) {
  const [s, setS] = useState(initial);
  return <input value={s} onInput={(e) => { setS(val(e)); onText(val(e)); }} {...rest} />;
}

function IdField({ flow, id, onRename }: { flow: Flow; id: string; onRename: (to: string) => void }) {
  const [text, setText] = useState(id);
  useEffect(() => setText(id), [id]);
  const problem = text === id ? null : !nodeIdRe.test(text) ? t('ivr.badId') : Object.hasOwn(flow.nodes, text) ? t('ivr.idTaken') : null;
  return (
    <label>{t('ivr.nodeId')}
      <input value={text} data-testid="node-id" maxLength={64} aria-invalid={problem ? true : undefined}
        onInput={(e) => {
          const to = val(e);
          setText(to);
          if (to !== id && nodeIdRe.test(to) && !Object.hasOwn(flow.nodes, to)) onRename(to);
        }} />
      {problem && <span class="field-issue" role="alert">{problem}</span>}
    </label>
  );
}

const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));

export function NodeForm({ flow, id, issues, voice, onChange, onSelect, onRenamed }: FormProps) {
  const node = flow.nodes[id];
  const [newKey, setNewKey] = useState('');
  const [keyError, setKeyError] = useState<string | null>(null);
  const [newTier, setNewTier] = useState('');
  if (!node) return null;
  const loose = node as unknown as Record<string, unknown>;
  const set = (field: string, value: unknown) => onChange(setField(flow, id, field, value));
  /** A target picker bound to one field of this node. */
  const target = (field: string, label: string, optional?: string) => (
    <label>{label}
      <TargetSelect flow={flow} self={id} voice={voice} value={loose[field] as string | undefined} optional={optional} label={label} testid={`target-${field}`}
        onPick={(to, created) => onChange(setField(created ?? flow, id, field, to))} />
      <FieldIssues issues={issues} field={`/${field}`} />
    </label>
  );
  const prompt = (field: string, label: string, required: boolean, testid?: string) => (
    <div>
      <PromptEditor prompt={loose[field] as Prompt | undefined} required={required} voice={voice} label={label} testid={testid}
        onChange={(p) => set(field, p)} />
      <FieldIssues issues={issues} field={`/${field}`} />
    </div>
  );
  const number = (field: string, label: string, placeholder?: number) => (
    <label>{label}
      <input type="number" value={(loose[field] as number | undefined) ?? ''} placeholder={placeholder === undefined ? '' : String(placeholder)}
        onInput={(e) => set(field, num(val(e)))} />
      <FieldIssues issues={issues} field={`/${field}`} />
    </label>
  );

  /** key → target rows (menu options, caller tiers). */
  const branches = (field: 'options' | 'tiers') => {
    const map = (loose[field] as Record<string, string> | undefined) ?? {};
    const entries = Object.entries(map);
    const write = (next: Array<[string, string]>, base: Flow = flow) =>
      onChange(setField(base, id, field, next.length === 0 && field === 'tiers' ? undefined : Object.fromEntries(next)));
    /** Swap the branches of two rows: the subtree moves to the neighbouring key. */
    const swap = (i: number, j: number) => {
      const a = entries[i]; const b = entries[j];
      if (!a || !b) return;
      const next = entries.map(([k, v]): [string, string] => [k, k === a[0] ? b[1] : k === b[0] ? a[1] : v]);
      write(next);
    };
    return (
      <table class="branches">
        <thead><tr><th>{field === 'options' ? t('ivr.key') : t('ivr.edge.tier')}</th><th>{t('ivr.target')}</th><th /></tr></thead>
        <tbody>
          {entries.map(([k, v], i) => (
            <tr key={k} data-testid={field === 'options' ? `option-${k}` : `tier-${k}`}>
              <td>
                {field === 'options' ? (
                  <select value={k} aria-label={t('ivr.key')}
                    onChange={(e) => { const nk = val(e); write(entries.map(([kk, vv]): [string, string] => [kk === k ? nk : kk, vv])); }}>
                    {MENU_KEYS.filter((x) => x === k || !Object.hasOwn(map, x)).map((x) => <option value={x}>{x}</option>)}
                  </select>
                ) : <strong>{k}</strong>}
              </td>
              <td>
                <TargetSelect flow={flow} self={id} voice={voice} value={v} label={`${t('ivr.target')} ${k}`}
                  testid={field === 'options' ? `option-target-${k}` : `tier-target-${k}`}
                  onPick={(to, created) => write(entries.map(([kk, vv]): [string, string] => [kk, kk === k ? (to ?? vv) : vv]), created)} />
                <FieldIssues issues={issues} field={`/${field}/${k}`} />
              </td>
              <td class="row nowrap">
                {field === 'options' && <>
                  <button type="button" class="icon" disabled={i === 0} title={t('ivr.moveUp')} aria-label={`${t('ivr.moveUp')} ${k}`} onClick={() => swap(i, i - 1)}>↑</button>
                  <button type="button" class="icon" disabled={i === entries.length - 1} title={t('ivr.moveDown')} aria-label={`${t('ivr.moveDown')} ${k}`} onClick={() => swap(i, i + 1)}>↓</button>
                </>}
                <button type="button" class="icon danger" title={t('sp.remove')} aria-label={`${t('sp.remove')} ${k}`}
                  onClick={() => write(entries.filter(([kk]) => kk !== k))}>✕</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  };

  const addOption = (e: Event) => {
    e.preventDefault();
    const k = newKey.trim();
    const map = (loose.options as Record<string, string> | undefined) ?? {};
    if (!(MENU_KEYS as readonly string[]).includes(k)) { setKeyError(t('ivr.badKey')); return; }
    if (Object.hasOwn(map, k)) { setKeyError(t('ivr.keyTaken')); return; }
    // A new branch ends the call until it is pointed somewhere (the hang-up node is made if missing).
    const [f, end] = ensureEnd(flow, id);
    setKeyError(null); setNewKey('');
    onChange(setField(f, id, 'options', { ...map, [k]: end }));
  };
  const addTier = (e: Event) => {
    e.preventDefault();
    const k = newTier.trim();
    const map = (loose.tiers as Record<string, string> | undefined) ?? {};
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(k) || Object.hasOwn(map, k)) return;
    setNewTier('');
    set('tiers', { ...map, [k]: (loose.unknown as string | undefined) ?? '' });
  };

  const top = issues.filter((i) => i.path.replace(/^\/nodes\/[^/]+/, '') === '' || i.path.endsWith('/type'));

  return (
    <div class="node-form stack" data-testid="node-form">
      <div class="row">
        <h2>{typeLabel(node.type)} · {id}</h2>
        <span class="spacer" />
        {flow.entry === id ? <span class="badge entry">{t('ivr.entry')}</span>
          : <button type="button" onClick={() => onChange({ ...flow, entry: id })}>{t('ivr.makeEntry')}</button>}
      </div>
      {top.map((i) => <span class="field-issue" role="alert">{i.message}</span>)}
      <div class="form-grid">
        <IdField flow={flow} id={id} onRename={(to) => { onChange(renameNode(flow, id, to)); onRenamed(to); }} />
        <label>{t('ivr.nodeType')}
          <select value={node.type} data-testid="node-type" onChange={(e) => onChange(changeType(flow, id, val(e) as NodeType, voice))}>
            {NODE_TYPES.map((ty) => <option value={ty}>{typeLabel(ty)}</option>)}
          </select>
        </label>
      </div>
      <label>{t('ivr.label')}
        <input value={(loose.title as string | undefined) ?? ''} maxLength={200} onInput={(e) => set('title', val(e) || undefined)} />
      </label>
      <p class="muted small type-help">{t(`ivr.help.${node.type}`)}</p>

      {node.type === 'play' && <>
        {prompt('prompt', t('ivr.prompt'), true, 'prompt-text')}
        <label class="check"><input type="checkbox" checked={node.interruptible ?? true} onChange={(e) => set('interruptible', (e.target as HTMLInputElement).checked ? undefined : false)} />{t('ivr.interruptible')}</label>
        {target('next', t('ivr.edge.next'))}
      </>}

      {node.type === 'menu' && <>
        {prompt('prompt', t('ivr.prompt'), true, 'prompt-text')}
        <fieldset>
          <legend>{t('ivr.options')}</legend>
          {branches('options')}
          <FieldIssues issues={issues} field="/options" />
          <form class="row" onSubmit={addOption}>
            <label class="inline">{t('ivr.key')}
              <input data-testid="option-key" value={newKey} size={2} maxLength={1}
                placeholder={MENU_KEYS.find((k) => !Object.hasOwn(node.options, k)) ?? ''} onInput={(e) => { setNewKey(val(e)); setKeyError(null); }} />
            </label>
            <button type="submit" data-testid="add-option">+ {t('ivr.addBranch')}</button>
            {keyError && <span class="field-issue" role="alert">{keyError}</span>}
          </form>
        </fieldset>
        <details>
          <summary>{t('ivr.advanced')}</summary>
          <div class="stack">
            <div class="form-grid">{number('timeoutMs', t('ivr.timeoutMs'), 5000)}{number('retries', t('ivr.retries'), 2)}</div>
            {target('onTimeout', t('ivr.edge.onTimeout'), t('ivr.hangUpDefault'))}
            {target('onInvalid', t('ivr.edge.onInvalid'), t('ivr.hangUpDefault'))}
            {prompt('timeoutPrompt', t('ivr.timeoutPrompt'), false)}
            {prompt('invalidPrompt', t('ivr.invalidPrompt'), false)}
          </div>
        </details>
      </>}

      {node.type === 'collect' && <>
        {prompt('prompt', t('ivr.prompt'), true, 'prompt-text')}
        <label>{t('ivr.variable')}
          <input value={node.variable} onInput={(e) => set('variable', val(e))} />
          <FieldIssues issues={issues} field="/variable" />
        </label>
        <div class="form-grid">{number('minDigits', t('ivr.minDigits'), 1)}{number('maxDigits', t('ivr.maxDigits'))}</div>
        <div class="form-grid">
          <label>{t('ivr.terminator')}
            <select value={node.terminator ?? '#'} onChange={(e) => set('terminator', val(e))}><option value="#">#</option><option value="*">*</option></select>
          </label>
          {number('timeoutMs', t('ivr.timeoutMs'), 5000)}
        </div>
        {target('next', t('ivr.edge.next'))}
        {target('onInvalid', t('ivr.edge.onInvalid'), t('ivr.hangUpDefault'))}
        {prompt('invalidPrompt', t('ivr.invalidPrompt'), false)}
      </>}

      {node.type === 'hours' && <>
        <label>{t('ivr.timezone')}
          <input value={node.timezone ?? ''} placeholder="Asia/Shanghai" onInput={(e) => set('timezone', val(e) || undefined)} />
          <FieldIssues issues={issues} field="/timezone" />
        </label>
        <fieldset key={`sched-${id}`}>
          <legend>{t('ivr.schedule')}</legend>
          <p class="muted small">{t('ivr.scheduleHelp')}</p>
          {WEEKDAYS.map((day) => (
            <label class="inline day">{t(`ivr.day.${day}`)}
              <LocalText initial={(node.schedule[day] ?? []).map((r) => r.join('-')).join(', ')} aria-label={t(`ivr.day.${day}`)} placeholder={t('ivr.closedDay')}
                onText={(s) => {
                  const ranges = s.split(',').map((x) => x.trim()).filter(Boolean).map((x) => { const [a = '', b = ''] = x.split('-').map((y) => y.trim()); return [a, b]; });
                  const schedule = { ...node.schedule, [day]: ranges.length ? ranges : undefined };
                  if (!ranges.length) delete schedule[day];
                  set('schedule', schedule);
                }} />
              <FieldIssues issues={issues} field={`/schedule/${day}`} />
            </label>
          ))}
        </fieldset>
        <label key={`hol-${id}`}>{t('ivr.holidays')}
          <LocalText initial={(node.holidays ?? []).join(', ')} placeholder="2026-10-01, 2026-10-02"
            onText={(s) => { const list = s.split(/[,\s]+/).filter(Boolean); set('holidays', list.length ? list : undefined); }} />
          <FieldIssues issues={issues} field="/holidays" />
        </label>
        {target('open', t('ivr.edge.open'))}
        {target('closed', t('ivr.edge.closed'))}
      </>}

      {node.type === 'caller' && <>
        {target('blacklisted', t('ivr.edge.blacklisted'), t('ivr.sameAsUnknown'))}
        <fieldset>
          <legend>{t('ivr.tiers')}</legend>
          {branches('tiers')}
          <form class="row" onSubmit={addTier}>
            <input value={newTier} placeholder="vip" aria-label={t('ivr.edge.tier')} size={10} onInput={(e) => setNewTier(val(e))} />
            <button type="submit">+ {t('ivr.addBranch')}</button>
          </form>
        </fieldset>
        {target('known', t('ivr.edge.known'), t('ivr.sameAsUnknown'))}
        {target('unknown', t('ivr.edge.unknown'))}
      </>}

      {node.type === 'voicemail' && <>
        {prompt('prompt', t('ivr.promptBefore'), false, 'prompt-text')}
        {number('maxMs', t('ivr.maxMs'), 120000)}
        <label class="check"><input type="checkbox" checked={node.beep ?? true} onChange={(e) => set('beep', (e.target as HTMLInputElement).checked ? undefined : false)} />{t('ivr.beep')}</label>
      </>}

      {node.type === 'survey' && <>
        {prompt('prompt', t('ivr.prompt'), true, 'prompt-text')}
        {prompt('thanksPrompt', t('ivr.thanksPrompt'), false)}
        {target('next', t('ivr.edge.answered'))}
        {target('onNoAnswer', t('ivr.edge.noAnswer'))}
      </>}

      {node.type === 'fax' && <>
        {prompt('prompt', t('ivr.promptBefore'), false, 'prompt-text')}
        {target('fallback', t('ivr.edge.fallback'))}
      </>}

      {node.type === 'handset' && <>
        {prompt('prompt', t('ivr.promptBefore'), false, 'prompt-text')}
        {target('fallback', t('ivr.edge.fallback'))}
      </>}

      {node.type === 'queue' && <>
        <label>{t('ivr.queueId')}
          <input value={node.queue} onInput={(e) => set('queue', val(e))} />
          <FieldIssues issues={issues} field="/queue" />
        </label>
        {prompt('prompt', t('ivr.promptBefore'), false, 'prompt-text')}
        {target('fallback', t('ivr.edge.fallback'))}
      </>}

      {node.type === 'goto' && target('target', t('ivr.edge.target'))}

      {node.type === 'hangup' && prompt('prompt', t('ivr.promptBefore'), false, 'prompt-text')}

      {node.type === 'listen' && <>
        {prompt('prompt', t('ivr.prompt'), true, 'prompt-text')}
        <fieldset>
          <legend>{t('ivr.choices')}</legend>
          {node.choices.map((c, i) => (
            <div class="row" data-testid={`choice-${i}`}>
              <input value={c.phrase} aria-label={`${t('ivr.phrase')} ${i + 1}`} maxLength={100}
                onInput={(e) => set('choices', node.choices.map((x, j) => (j === i ? { ...x, phrase: val(e) } : x)))} />
              <select value={c.key ?? ''} aria-label={`${t('ivr.key')} ${i + 1}`}
                onChange={(e) => set('choices', node.choices.map((x, j) => (j === i ? { phrase: x.phrase, next: x.next, ...(val(e) ? { key: val(e) } : {}) } : x)))}>
                <option value="">–</option>
                {MENU_KEYS.map((x) => <option value={x}>{x}</option>)}
              </select>
              <TargetSelect flow={flow} self={id} voice={voice} value={c.next} label={`${t('ivr.target')} ${i + 1}`}
                onPick={(to, created) => onChange(setField(created ?? flow, id, 'choices', node.choices.map((x, j) => (j === i ? { ...x, next: to ?? x.next } : x))))} />
              <button type="button" class="icon danger" disabled={node.choices.length === 1} aria-label={`${t('sp.remove')} ${i + 1}`}
                onClick={() => set('choices', node.choices.filter((_, j) => j !== i))}>✕</button>
              <FieldIssues issues={issues} field={`/choices/${i}`} />
            </div>
          ))}
          <button type="button" onClick={() => { const [f, end] = ensureEnd(flow, id); onChange(setField(f, id, 'choices', [...node.choices, { phrase: '', next: end }])); }}>+ {t('ivr.addChoice')}</button>
        </fieldset>
        {target('onNoMatch', t('ivr.edge.onNoMatch'), t('ivr.hangUpDefault'))}
        {target('onNoInput', t('ivr.edge.onNoInput'), t('ivr.hangUpDefault'))}
      </>}

      {node.type === 'directory' && <>
        {prompt('prompt', t('ivr.prompt'), true, 'prompt-text')}
        <label class="check"><input type="checkbox" checked={node.confirm ?? true} onChange={(e) => set('confirm', (e.target as HTMLInputElement).checked ? undefined : false)} />{t('ivr.confirmName')}</label>
        {target('fallback', t('ivr.edge.fallback'))}
        {target('onNoMatch', t('ivr.edge.onNoMatch'), t('ivr.hangUpDefault'))}
        {target('onNoInput', t('ivr.edge.onNoInput'), t('ivr.hangUpDefault'))}
      </>}

      <div class="row">
        <span class="spacer" />
        <button type="button" class="danger" data-testid="delete-node"
          onClick={() => { onChange(deleteNode(flow, id)); onSelect(null); }}>{t('ivr.deleteNode')}</button>
      </div>
    </div>
  );
}
