/** The flow drawn as a tree from its entry; a node reached again is a link, not a second copy. */
import type { ComponentChildren } from 'preact';
import { t, type MessageKey } from '../../i18n.ts';
import { edgesOf, promptText, type Edge, type Flow, type FlowIssue } from './model.ts';

/** The label of a link, in the page's language. */
export function edgeLabel(edge: Edge): string {
  const [, field = '', key] = edge.field.split('/');
  const k = key?.replace(/~1/g, '/').replace(/~0/g, '~');
  if (field === 'options') return `${t('ivr.key')} ${k ?? ''}`;
  if (field === 'tiers') return `${t('ivr.edge.tier')} ${k ?? ''}`;
  return t(`ivr.edge.${field}` as MessageKey) ?? field;
}

export const typeLabel = (type: string): string => t(`ivr.type.${type}` as MessageKey) ?? type;

interface TreeProps {
  flow: Flow;
  selected: string | null;
  onSelect: (id: string) => void;
  issues: Map<string, FlowIssue[]>;
  warnings: Map<string, FlowIssue[]>;
  onPath: Set<string>;
}

export function FlowTree({ flow, selected, onSelect, issues, warnings, onPath }: TreeProps) {
  const seen = new Set<string>();

  const ref = (id: string, missing: boolean): ComponentChildren => (
    <button type="button" class={`link node-ref${missing ? ' error' : ''}`} onClick={() => { if (!missing) onSelect(id); }} data-testid={`ref-${id}`}
      title={missing ? t('ivr.missingNode') : t('ivr.seeAbove')}>
      → {id}{missing ? ` (${t('ivr.missingNode')})` : ''}
    </button>
  );

  const box = (id: string): ComponentChildren => {
    const node = flow.nodes[id]!;
    const errs = issues.get(id) ?? [];
    const cls = ['node', selected === id ? 'selected' : '', errs.length ? 'invalid' : '', onPath.has(id) ? 'on-path' : ''].filter(Boolean).join(' ');
    const text = promptText((node as { prompt?: unknown }).prompt);
    const title = (node as { title?: unknown }).title;
    return (
      <div class={cls} data-testid={`node-${id}`} role="button" tabIndex={0} aria-pressed={selected === id}
        onClick={() => onSelect(id)} onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onSelect(id); } }}>
        <div class="row node-head">
          <span class={`badge type-${node.type}`}>{typeLabel(node.type)}</span>
          <strong class="node-id">{id}</strong>
          {id === flow.entry && <span class="badge entry">{t('ivr.entry')}</span>}
          {typeof title === 'string' && title && <span class="muted small">{title}</span>}
        </div>
        {text && <div class="node-prompt">“{text.length > 90 ? `${text.slice(0, 90)}…` : text}”</div>}
        {node.type === 'queue' && <div class="small muted">{t('common.queue')}: {node.queue}</div>}
        {node.type === 'collect' && <div class="small muted">{t('ivr.variable')}: {node.variable}</div>}
        {errs.length > 0 && <ul class="node-issues">{errs.map((e) => <li>{e.path.replace(/^\/nodes\/[^/]+/, '') || '/'} {e.message}</li>)}</ul>}
      </div>
    );
  };

  const branch = (id: string): ComponentChildren => {
    if (!Object.hasOwn(flow.nodes, id)) return ref(id, true);
    if (seen.has(id)) return ref(id, false);
    seen.add(id);
    const node = flow.nodes[id]!;
    const edges = edgesOf(node);
    return (
      <>
        {box(id)}
        {edges.length > 0 && (
          <ul>
            {edges.map((e) => (
              <li key={e.field}>
                <span class="edge-label">{edgeLabel(e)}</span>
                {node.type === 'goto' && Object.hasOwn(flow.nodes, e.target) ? ref(e.target, false) : branch(e.target)}
              </li>
            ))}
          </ul>
        )}
      </>
    );
  };

  const main = Object.hasOwn(flow.nodes, flow.entry) ? branch(flow.entry) : ref(flow.entry || '?', true);
  const rest: ComponentChildren[] = [];
  for (const id of Object.keys(flow.nodes)) {
    if (!seen.has(id)) rest.push(<li key={id} title={warnings.get(id)?.[0]?.message}>{branch(id)}</li>);
  }
  return (
    <div class="tree-wrap">
      <ul class="tree" data-testid="tree"><li>{main}</li></ul>
      {rest.length > 0 && (
        <>
          <h3 class="muted small unreachable-title">{t('ivr.unreachable')}</h3>
          <ul class="tree unreachable">{rest}</ul>
        </>
      )}
    </div>
  );
}
