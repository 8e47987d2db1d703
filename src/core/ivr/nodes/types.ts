/**
 * The unit every node type implements: `exec(node, env)` runs the node on one
 * call and says where to go next (or how the flow ends).
 */
import type { RunContext, Step } from '../context.ts';
import type { IvrMedia } from '../media.ts';
import type { FlowNode, Prompt } from '../schema.ts';

/** What a node can use while it runs. */
export interface NodeEnv {
  readonly flowId: string;
  readonly nodeId: string;
  readonly media: IvrMedia;
  readonly ctx: RunContext;
  /** Call variables; `collect` writes here. */
  readonly variables: Record<string, string>;
  /** Takes the next key through the media port and records it in the path. */
  readDigit(timeoutMs: number): Promise<string | null>;
}

/** A node type's behaviour. */
export type NodeExec<N extends FlowNode> = (node: N, env: NodeEnv) => Promise<Step>;

/** The step for "the caller hung up". */
export const HUNG_UP: Step = { end: 'caller-hangup' };

/** Plays a prompt; false when the caller hung up during it. */
export async function say(env: NodeEnv, prompt: Prompt | undefined, interruptible: boolean): Promise<boolean> {
  if (prompt === undefined) return !env.media.signal.aborted;
  const r = await env.media.play(prompt, { interruptible });
  return !r.hungUp && !env.media.signal.aborted;
}

/** Go to `target`, or hang up when the flow left it empty. */
export const goOrHangUp = (target: string | undefined, branch: string): Step =>
  target !== undefined ? { next: target, branch } : { end: 'hangup', branch };
