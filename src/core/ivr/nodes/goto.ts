import type { GotoNode } from '../schema.ts';
import type { NodeExec } from './types.ts';

/** Jumps to the target: the one way a flow may loop (bounded by `maxSteps`). */
export const exec: NodeExec<GotoNode> = (node) => Promise.resolve({ next: node.target });
