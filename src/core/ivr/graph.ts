/**
 * The links between nodes of a flow, shared by the validator, the editor and
 * anything that draws the flow.
 */
import type { FlowNode } from './schema.ts';

/** One link out of a node. */
export interface Edge {
  /** JSON pointer of the field inside the node, e.g. `/options/2`. */
  field: string;
  /** What the link means, e.g. `next`, `option 2`, `tier vip`. */
  label: string;
  /** Id of the node it leads to. */
  target: string;
}

/** Escapes one JSON-pointer segment (RFC 6901). */
export const pointerSegment = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every link out of a node, in a stable order. */
export function nodeEdges(node: FlowNode): Edge[] {
  const edges: Edge[] = [];
  const add = (field: string, label: string, target: string | undefined): void => {
    if (target !== undefined) edges.push({ field, label, target });
  };
  switch (node.type) {
    case 'play':
      add('/next', 'next', node.next);
      break;
    case 'menu':
      for (const [key, target] of Object.entries(node.options)) add(`/options/${pointerSegment(key)}`, `option ${key}`, target);
      add('/onTimeout', 'on timeout', node.onTimeout);
      add('/onInvalid', 'on invalid', node.onInvalid);
      break;
    case 'collect':
      add('/next', 'next', node.next);
      add('/onInvalid', 'on invalid', node.onInvalid);
      break;
    case 'hours':
      add('/open', 'open', node.open);
      add('/closed', 'closed', node.closed);
      break;
    case 'caller':
      add('/blacklisted', 'blacklisted', node.blacklisted);
      for (const [tier, target] of Object.entries(node.tiers ?? {})) add(`/tiers/${pointerSegment(tier)}`, `tier ${tier}`, target);
      add('/known', 'known', node.known);
      add('/unknown', 'unknown', node.unknown);
      break;
    case 'handset':
    case 'queue':
    case 'fax':
      add('/fallback', 'fallback', node.fallback);
      break;
    case 'goto':
      add('/target', 'goto', node.target);
      break;
    case 'listen':
      node.choices.forEach((c, i) => add(`/choices/${i}/next`, `said ${c.phrase}`, c.next));
      add('/onNoMatch', 'on no match', node.onNoMatch);
      add('/onNoInput', 'on no input', node.onNoInput);
      break;
    case 'directory':
      add('/fallback', 'fallback', node.fallback);
      add('/onNoMatch', 'on no match', node.onNoMatch);
      add('/onNoInput', 'on no input', node.onNoInput);
      break;
    case 'survey':
      add('/next', 'answered', node.next);
      add('/onNoAnswer', 'no answer', node.onNoAnswer);
      break;
    case 'voicemail':
    case 'hangup':
      break;
  }
  return edges;
}
