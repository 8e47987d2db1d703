/**
 * The flow validator shared by the API (`POST /ivr/flows/validate`, create,
 * update), the editor and the daemon before it runs a flow. It reports every
 * problem at once, each with a JSON pointer into the submitted document.
 */
import { Type } from 'typebox';
import { nodeEdges, pointerSegment, type Edge } from './graph.ts';
import { nodeRuleIssues } from './rules.ts';
import { schemaIssues, type FlowIssue } from './schema-errors.ts';
import { FlowSchema, NODE_ID_PATTERN, NODE_TYPES, NodeSchemas, type Flow, type FlowNode, type NodeType } from './schema.ts';

export type { FlowIssue } from './schema-errors.ts';

/**
 * Result of {@link validateFlow}. `warnings` (unreachable nodes) never make a
 * flow invalid; `errors` lists every error, not just the first.
 */
export type FlowValidation =
  | { ok: true; flow: Flow; warnings: FlowIssue[] }
  | { ok: false; errors: FlowIssue[]; warnings: FlowIssue[] };

/** Most nodes in one flow; a bigger one is refused before any node is looked at. */
export const MAX_NODES = 1000;

/** The flow without node detail: nodes are checked one by one for clean errors. */
const EnvelopeSchema = Type.Object(
  { ...FlowSchema.properties, nodes: Type.Record(Type.String(), Type.Unknown(), { minProperties: 1, maxProperties: MAX_NODES }) },
  { additionalProperties: false },
);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nodeIdRe = new RegExp(NODE_ID_PATTERN);

/**
 * Validates an IVR flow: shape (schema), then meaning: the entry and every
 * target exist, loops only through `goto`, menu keys, non-empty prompts,
 * HH:MM times with start < end, IANA time zones, dates. Unreachable nodes are
 * warnings.
 */
export function validateFlow(input: unknown): FlowValidation {
  const errors: FlowIssue[] = [];
  const warnings: FlowIssue[] = [];
  if (!isObject(input)) return { ok: false, errors: [{ path: '', message: 'expected a flow object { id, name, entry, nodes }' }], warnings };

  const rawNodes = isObject(input.nodes) ? input.nodes : {};
  const count = Object.keys(rawNodes).length;
  if (count > MAX_NODES) {
    return { ok: false, errors: [{ path: '/nodes', message: `${count} nodes: a flow has at most ${MAX_NODES}; split it into several flows` }], warnings };
  }
  errors.push(...schemaIssues(EnvelopeSchema, input));
  const valid = new Map<string, FlowNode>();
  const objects = new Map<string, Record<string, unknown>>();
  for (const [id, raw] of Object.entries(rawNodes)) {
    const base = `/nodes/${pointerSegment(id)}`;
    if (!nodeIdRe.test(id)) errors.push({ path: base, message: `"${id}" is not a valid node id: expected letters, digits, "_" or "-" (1-64)` });
    objects.set(id, isObject(raw) ? raw : {});
    if (!isObject(raw)) {
      errors.push({ path: base, message: `expected a node object with a "type" (one of ${NODE_TYPES.join(', ')})` });
      continue;
    }
    if (typeof raw.type !== 'string' || !(NODE_TYPES as string[]).includes(raw.type)) {
      const what = raw.type === undefined ? '"type" is required' : `unknown node type ${JSON.stringify(raw.type)}`;
      errors.push({ path: `${base}/type`, message: `${what}: expected one of ${NODE_TYPES.join(', ')}` });
      continue;
    }
    const issues = schemaIssues(NodeSchemas[raw.type as NodeType], raw, base);
    if (issues.length > 0) {
      errors.push(...issues);
      continue;
    }
    const node = raw as FlowNode;
    valid.set(id, node);
    errors.push(...nodeRuleIssues(node, base));
  }

  errors.push(...graphIssues(input.entry, objects, valid, warnings));
  if (errors.length > 0) return { ok: false, errors, warnings };
  return { ok: true, flow: input as unknown as Flow, warnings };
}

/** Links of a node, also of one that failed the schema (string targets only), so dangling targets are reported too. */
function looseEdges(node: Record<string, unknown>): Edge[] {
  try {
    return nodeEdges(node as unknown as FlowNode).filter((e) => typeof e.target === 'string');
  } catch {
    return [];
  }
}

/** Targets exist, loops go through `goto`, every node is reachable (checked once every node is valid). */
function graphIssues(entry: unknown, nodes: Map<string, Record<string, unknown>>, valid: Map<string, FlowNode>, warnings: FlowIssue[]): FlowIssue[] {
  const ids = new Set(nodes.keys());
  const errors: FlowIssue[] = [];
  if (typeof entry === 'string' && !ids.has(entry)) {
    errors.push({ path: '/entry', message: `entry node "${entry}" does not exist: expected the id of a node in this flow` });
  }
  for (const [id, node] of nodes) {
    for (const edge of looseEdges(node)) {
      if (!ids.has(edge.target)) {
        errors.push({
          path: `/nodes/${pointerSegment(id)}${edge.field}`,
          message: `target "${edge.target}" does not exist: expected the id of a node in this flow`,
        });
      }
    }
  }

  // Loops: depth-first over every link except those out of goto nodes, with an explicit stack (a long chain must not overflow the call stack).
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const frames: Array<{ id: string; edges: Edge[]; next: number }> = [];
  const enter = (id: string): void => {
    state.set(id, 'open');
    path.push(id);
    const node = valid.get(id);
    frames.push({ id, edges: node && node.type !== 'goto' ? nodeEdges(node) : [], next: 0 });
  };
  for (const root of valid.keys()) {
    if (state.has(root)) continue;
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const edge = frame.edges[frame.next++];
      if (!edge) {
        frames.pop();
        path.pop();
        state.set(frame.id, 'done');
        continue;
      }
      const s = state.get(edge.target);
      if (s === 'open') {
        const loop = [...path.slice(path.indexOf(edge.target)), edge.target].join(' → ');
        errors.push({
          path: `/nodes/${pointerSegment(frame.id)}${edge.field}`,
          message: `this link makes a loop (${loop}): expected loops to go through a "goto" node`,
        });
      } else if (s === undefined && valid.has(edge.target)) {
        enter(edge.target);
      }
    }
  }

  // Reachability from the entry over every link, goto included.
  if (typeof entry === 'string' && ids.has(entry) && valid.size === ids.size) {
    const seen = new Set<string>([entry]);
    const todo = [entry];
    while (todo.length > 0) {
      const node = valid.get(todo.pop() as string);
      for (const edge of node ? nodeEdges(node) : []) {
        if (!seen.has(edge.target) && ids.has(edge.target)) {
          seen.add(edge.target);
          todo.push(edge.target);
        }
      }
    }
    for (const id of ids) {
      if (!seen.has(id)) warnings.push({ path: `/nodes/${pointerSegment(id)}`, message: `node "${id}" is not reachable from the entry node "${entry}"` });
    }
  }
  return errors;
}
