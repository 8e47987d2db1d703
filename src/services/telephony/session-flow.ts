/**
 * The IVR part of an inbound call (session.ts): runs a flow on the line's
 * media, with the routes the line has (queues, handset seats, transfer to a
 * number), and writes what the caller did into the call: the path through
 * the flow, the keys of each node, voicemail, survey answers. And what a
 * blacklisted caller hears when the line is set to answer them.
 */
import type { Logger } from 'pino';
import type { CallControl } from '../../core/ports.ts';
import type { IvrStep } from '../../core/call/records.ts';
import type { Customer } from '../../core/crm/records.ts';
import type { LineConfig } from '../../config/schema.ts';
import type { Flow } from '../../core/ivr/schema.ts';
import { runFlow } from '../../core/ivr/interpreter.ts';
import { dialDigits } from '../../core/numbers/normalize.ts';
import type { LedgerCall } from '../calls/ledger.ts';
import type { LineIvrMedia } from './ivr-media.ts';
import type { TelephonyDeps } from './deps.ts';

export type FlowOutcome = 'hangup' | 'voicemail' | 'handset' | 'queue' | 'fax' | 'caller-hangup' | 'error';

export interface CallFlowRun {
  /**
   * The flow to run: `next` (a flow, or a flow id; null: the line's own, whose id the call's record gets), from
   * node `at` when the flow has it (a call taken over in the IVR; null: its entry).
   */
  flow: { next: Flow | string | null; at: string | null };
  /** The line's IVR media, made (if it is not yet) once the flow is loaded. */
  media: () => LineIvrMedia;
  callId: string;
  caller: { number: string | null; name: string | null; customer: Customer | null };
  /** The call's path: each node entered is appended. */
  path: IvrStep[];
  record: LedgerCall;
  deps: TelephonyDeps;
  line: LineConfig;
  driver: CallControl;
  log: Logger;
  /** Puts the call in a queue (null: the line has no queues). */
  enqueue: ((queueId: string) => Promise<boolean>) | null;
  /** Rings seats for a `handset` node (null: the line has none). */
  handset: ((opts: { seats?: string[] | undefined; ringS?: number | undefined }) => Promise<boolean>) | null;
}

/** The flow a run starts (CallFlowRun.flow). */
async function flowToRun(r: CallFlowRun): Promise<Flow> {
  const { next, at } = r.flow;
  const loaded = typeof next === 'object' && next !== null ? next : await r.deps.flows.published(next ?? r.line.inbound?.flow ?? 'main');
  if (next === null) void r.record.update({ flowId: loaded.id });
  return at && at !== loaded.entry && loaded.nodes[at] ? { ...loaded, entry: at } : loaded;
}

export async function runCallFlow(r: CallFlowRun): Promise<FlowOutcome> {
  const flow = await flowToRun(r);
  const media = r.media();
  const { deps } = r;
  if (r.enqueue) media.router = r.enqueue;
  if (r.handset) media.handsetRouter = r.handset;
  const transfer = r.driver.transfer?.bind(r.driver);
  // The contact's number as this line dials it (national digits, the line's prefix), as dial-out does.
  if (transfer) media.numberTransfer = (number) => transfer(`${r.line.dialPrefix ?? ''}${dialDigits(number, { defaultRegion: deps.numbers.defaultRegion })}`);
  const { number, name, customer } = r.caller;
  const result = await runFlow(flow, {
    caller: { number, name, blacklisted: false, customer: customer ? { id: customer.id, tier: customer.tier } : null },
    now: () => new Date(),
    ...(deps.speech ? { speech: deps.speech } : {}),
    hooks: {
      onNode: (node, type) => {
        r.path.push({ node, type, at: new Date().toISOString() });
        // in a cluster the path goes to the row as it grows: a daemon taking the node over resumes the caller
        // at the node they were at (session.ts), not at the flow's entry
        if (deps.config.cluster.enabled) void r.record.update({ ivrPath: [...r.path] });
      },
      onDigits: (node, digits) => { const step = r.path.findLast((p) => p.node === node); if (step) step.digits = digits; },
      onVoicemail: (vm) => deps.recordings.saveVoicemail(r.callId, vm.pcm),
      // in the call's write queue: after the call row and the agent on it are written
      onSurvey: (_node, score) => r.record.run(async () => {
        const sv = await deps.repos.surveys.record(r.callId, score);
        r.log.info({ score: sv.score, agentId: sv.agentId, customerId: sv.customerId }, 'survey answered');
      }),
    },
  }, media);
  if (result.outcome === 'error') r.log.warn({ flowId: flow.id, error: result.error }, 'IVR flow ended with an error');
  return result.outcome;
}

/** Answers and plays config.blacklist.message (the caller is blacklisted, inboundAction "message"). */
export async function playBlockMessage(driver: CallControl, deps: TelephonyDeps, signal: AbortSignal): Promise<void> {
  await driver.answer();
  const { message, voice } = deps.config.blacklist;
  const pcm = await deps.prompts.resolve({ text: message, voice: voice === 'cmn' ? 'cmn' : 'en-us' });
  await driver.play(pcm, { signal });
}
