/**
 * Runs an IVR flow for one answered call: walks from `entry`, running each
 * node's `exec` against the media port, until a node ends the call.
 */
import type { FlowHooks, FlowOutcome, FlowResult, PathEntry, RunContext, Step } from './context.ts';
import type { IvrMedia } from './media.ts';
import { NODE_EXECUTORS } from './nodes/index.ts';
import type { NodeEnv } from './nodes/types.ts';
import type { Flow, FlowNode } from './schema.ts';

export type { CallerInfo, FlowHooks, FlowOutcome, FlowResult, PathEntry, RunContext, VoicemailMessage } from './context.ts';

/** Options of {@link runFlow}. */
export interface RunOptions {
  /**
   * Most nodes one call may visit before the flow is stopped with outcome
   * `error` (guards against endless `goto` loops). Default 200.
   */
  maxSteps?: number;
}

const safeHook = (fn: () => void): void => {
  try {
    fn();
  } catch {
    // A failing observer must not break the call.
  }
};

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Walks `flow` for one call. Pass a flow that passed {@link validateFlow};
 * a dangling target still ends the flow cleanly with outcome `error`.
 *
 * The interpreter hangs up (media.hangup) itself after outcomes `hangup`,
 * `voicemail` and `error`; after `handset` and `queue` the call belongs to
 * the office phone or the queue; after `caller-hangup` it is over. It never
 * rejects: media faults and sink failures become outcome `error`.
 */
export async function runFlow(flow: Flow, ctx: RunContext, media: IvrMedia, opts: RunOptions = {}): Promise<FlowResult> {
  const maxSteps = opts.maxSteps ?? 200;
  const hooks: FlowHooks = ctx.hooks ?? {};
  const variables: Record<string, string> = { ...(ctx.variables ?? {}) };
  const path: PathEntry[] = [];
  let digits = '';

  const finish = async (outcome: FlowOutcome, extra: { error?: string; queue?: string } = {}): Promise<FlowResult> => {
    if ((outcome === 'hangup' || outcome === 'voicemail' || outcome === 'error') && !media.signal.aborted) {
      try {
        await media.hangup();
      } catch (err) {
        if (outcome !== 'error') return { flowId: flow.id, path, digits, outcome: 'error', variables, error: `hang-up failed: ${message(err)}` };
      }
    }
    return { flowId: flow.id, path, digits, outcome, variables, ...extra };
  };

  let nodeId = flow.entry;
  for (let step = 0; ; step++) {
    if (media.signal.aborted) return finish('caller-hangup');
    if (step >= maxSteps) {
      return finish('error', { error: `stopped after ${maxSteps} nodes: the flow keeps looping (check its goto nodes)` });
    }
    const node: FlowNode | undefined = Object.hasOwn(flow.nodes, nodeId) ? flow.nodes[nodeId] : undefined;
    if (node === undefined) return finish('error', { error: `node "${nodeId}" does not exist` });

    const entry: PathEntry = { node: nodeId, type: node.type, at: ctx.now().toISOString() };
    path.push(entry);
    safeHook(() => hooks.onNode?.(entry.node, node.type));
    const env: NodeEnv = {
      flowId: flow.id,
      nodeId,
      media,
      ctx,
      variables,
      readDigit: async (timeoutMs) => {
        const key = await media.getDigit(timeoutMs);
        if (key !== null) {
          entry.digits = (entry.digits ?? '') + key;
          digits += key;
        }
        return key;
      },
    };

    let result: Step;
    try {
      const exec = NODE_EXECUTORS[node.type] as (n: FlowNode, e: NodeEnv) => Promise<Step>;
      result = await exec(node, env);
    } catch (err) {
      return finish('error', { error: `node "${nodeId}" (${node.type}) failed: ${message(err)}` });
    } finally {
      const read = entry.digits;
      if (read !== undefined) safeHook(() => hooks.onDigits?.(entry.node, read));
    }
    if (result.branch !== undefined) entry.branch = result.branch;
    if ('end' in result) return finish(result.end, result.queue !== undefined ? { queue: result.queue } : {});
    nodeId = result.next;
  }
}
