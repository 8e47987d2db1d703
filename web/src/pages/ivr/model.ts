/**
 * Pure edits of an IVR flow draft for the editor. Every function returns a
 * new flow (the draft may be invalid: the validator says what is wrong).
 */
import { nodeEdges, pointerSegment, type Edge } from '../../../../src/core/ivr/graph.ts';
import type { Flow, FlowNode, NodeType, Prompt, Voice } from '../../../../src/core/ivr/schema.ts';
import type { FlowIssue } from '../../../../src/core/ivr/validate.ts';

export type { Edge, Flow, FlowNode, NodeType, Prompt, Voice, FlowIssue };
export { nodeEdges };

/** Fields of a node that hold one target id. */
const SINGLE_TARGETS = ['next', 'onTimeout', 'onInvalid', 'open', 'closed', 'blacklisted', 'known', 'unknown', 'fallback', 'target'] as const;
/** Fields of a node that map a key to a target id. */
const MAP_TARGETS = ['options', 'tiers'] as const;

type Loose = Record<string, unknown>;

const clone = <T>(v: T): T => structuredClone(v);

/** Links of a node, tolerant of a half-edited node. */
export function edgesOf(node: FlowNode | undefined): Edge[] {
  if (!node) return [];
  try {
    return nodeEdges(node).filter((e) => typeof e.target === 'string');
  } catch {
    return [];
  }
}

/** The node with every target passed through `fn`. */
function mapTargets(node: FlowNode, fn: (target: string) => string): FlowNode {
  const n = clone(node) as unknown as Loose;
  for (const f of SINGLE_TARGETS) if (typeof n[f] === 'string') n[f] = fn(n[f]);
  for (const f of MAP_TARGETS) {
    const m = n[f];
    if (m && typeof m === 'object') n[f] = Object.fromEntries(Object.entries(m as Record<string, string>).map(([k, v]) => [k, fn(v)]));
  }
  return n as unknown as FlowNode;
}

/** An id not used in the flow, from `base`, `base-2`, `base-3`... */
export function freshId(flow: Flow, base: string): string {
  if (!Object.hasOwn(flow.nodes, base)) return base;
  for (let i = 2; ; i++) if (!Object.hasOwn(flow.nodes, `${base}-${i}`)) return `${base}-${i}`;
}

/** The id of a hang-up node (other than `except`), added when the flow has none: where new links go until they are connected. */
export function ensureEnd(flow: Flow, except?: string): [Flow, string] {
  const found = Object.entries(flow.nodes).find(([id, n]) => id !== except && n.type === 'hangup');
  if (found) return [flow, found[0]];
  const id = freshId(flow, 'end');
  return [{ ...flow, nodes: { ...flow.nodes, [id]: { type: 'hangup' } } }, id];
}

const promptOf = (n: Loose | undefined): Prompt | undefined => {
  const p = n?.prompt;
  return p && typeof p === 'object' ? clone(p as Prompt) : undefined;
};

/**
 * A node of type `type`, keeping what fits of `old` (label, notes, prompt,
 * the first target); required targets go to `target`.
 */
export function makeNode(type: NodeType, target: string, voice: Voice, old?: FlowNode): FlowNode {
  const o = old as Loose | undefined;
  const common: { title?: string; description?: string } = {};
  if (typeof o?.title === 'string') common.title = o.title;
  if (typeof o?.description === 'string') common.description = o.description;
  const prompt = promptOf(o) ?? { text: '', voice };
  const optPrompt = promptOf(o);
  const next = (old ? edgesOf(old)[0]?.target : undefined) ?? target;
  switch (type) {
    case 'play': return { type, ...common, prompt, next };
    case 'menu': return { type, ...common, prompt, options: {} };
    case 'collect': return { type, ...common, prompt, maxDigits: 4, variable: 'digits', next };
    case 'hours': return {
      type, ...common, timezone: 'Asia/Shanghai',
      schedule: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] },
      open: next, closed: target,
    };
    case 'caller': return { type, ...common, unknown: next };
    case 'voicemail': return { type, ...common, ...(optPrompt ? { prompt: optPrompt } : {}) };
    case 'handset': return { type, ...common, ...(optPrompt ? { prompt: optPrompt } : {}), fallback: next };
    case 'queue': return { type, ...common, queue: 'support', ...(optPrompt ? { prompt: optPrompt } : {}), fallback: next };
    case 'fax': return { type, ...common, ...(optPrompt ? { prompt: optPrompt } : {}), fallback: next };
    case 'goto': return { type, ...common, target: next };
    case 'hangup': return { type, ...common, ...(optPrompt ? { prompt: optPrompt } : {}) };
    case 'listen': return { type, ...common, prompt, choices: [{ phrase: 'yes', key: '1', next }] };
    case 'directory': return { type, ...common, prompt, fallback: next };
    case 'survey': return { type, ...common, prompt: promptOf(o) ?? { text: 'Please rate our service: press 1 to 5, 5 is best.', voice }, next };
  }
}

/** Replace node `id` with `node`. */
export const setNode = (flow: Flow, id: string, node: FlowNode): Flow => ({ ...flow, nodes: { ...flow.nodes, [id]: node } });

/** Change the type of node `id`, keeping what fits. */
export function changeType(flow: Flow, id: string, type: NodeType, voice: Voice): Flow {
  const old = flow.nodes[id];
  if (!old || old.type === type) return flow;
  const [f, end] = ensureEnd(flow, id);
  return setNode(f, id, makeNode(type, end, voice, old));
}

/** Add a new node (a play with an empty prompt that ends the call), returning its id. */
export function addNode(flow: Flow, voice: Voice, type: NodeType = 'play', prefix = 'node'): [Flow, string] {
  let i = 1;
  while (Object.hasOwn(flow.nodes, `${prefix}-${i}`)) i++;
  const id = `${prefix}-${i}`;
  const [f, end] = ensureEnd(flow);
  return [setNode(f, id, makeNode(type, end, voice)), id];
}

/** Rename node `from` to `to`, keeping its place and every link to it. */
export function renameNode(flow: Flow, from: string, to: string): Flow {
  if (from === to || !Object.hasOwn(flow.nodes, from) || Object.hasOwn(flow.nodes, to)) return flow;
  const swap = (t: string) => (t === from ? to : t);
  const nodes: Record<string, FlowNode> = {};
  for (const [id, n] of Object.entries(flow.nodes)) nodes[id === from ? to : id] = mapTargets(n, swap);
  return { ...flow, entry: swap(flow.entry), nodes };
}

/** Remove node `id`; links to it stay (and show as errors until re-targeted). */
export function deleteNode(flow: Flow, id: string): Flow {
  const nodes = { ...flow.nodes };
  delete nodes[id];
  return { ...flow, nodes };
}

/** Set a field of node `id` (undefined removes it). */
export function setField(flow: Flow, id: string, field: string, value: unknown): Flow {
  const n = flow.nodes[id];
  if (!n) return flow;
  const copy = { ...(n as unknown as Loose) };
  if (value === undefined) delete copy[field];
  else copy[field] = value;
  return setNode(flow, id, copy as unknown as FlowNode);
}

/** Rebuild a key → target map with entries in the given order (numeric keys still come first in JSON). */
export const entriesToMap = (entries: Array<[string, string]>): Record<string, string> => Object.fromEntries(entries);

/** Node id from an issue's JSON pointer (`/nodes/<id>/...`), or null. */
export function issueNode(path: string): string | null {
  const m = /^\/nodes\/([^/]+)/.exec(path);
  return m ? m[1]!.replace(/~1/g, '/').replace(/~0/g, '~') : null;
}

/** The part of an issue's path inside its node (`/prompt/text`), or '' for the node itself. */
export function issueField(path: string): string {
  return path.replace(/^\/nodes\/[^/]+/, '');
}

export const nodePointer = (id: string): string => `/nodes/${pointerSegment(id)}`;

/** Issues grouped by node id ('' for flow-level ones). */
export function issuesByNode(issues: FlowIssue[]): Map<string, FlowIssue[]> {
  const m = new Map<string, FlowIssue[]>();
  for (const i of issues) {
    const id = issueNode(i.path) ?? '';
    const list = m.get(id) ?? [];
    list.push(i);
    m.set(id, list);
  }
  return m;
}

/** A minimal valid flow: a greeting, then hang up. */
export function minimalFlow(id: string, voice: Voice): Flow {
  return {
    id, name: id, entry: 'start',
    nodes: {
      start: { type: 'play', prompt: { text: voice === 'cmn' ? '您好，欢迎来电。' : 'Welcome. Thank you for calling.', voice }, next: 'end' },
      end: { type: 'hangup' },
    },
  };
}

/** The spoken text of a prompt, or its audio id. */
export const promptText = (p: unknown): string => {
  if (!p || typeof p !== 'object') return '';
  const o = p as Loose;
  return typeof o.text === 'string' ? o.text : typeof o.file === 'string' ? `♪ ${o.file}` : '';
};
