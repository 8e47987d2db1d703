/**
 * Dry run of a flow for the web editor's test runner: the real interpreter
 * with a scripted caller ({@link ScriptedMedia}) and a fixed clock. No audio,
 * no timers, no I/O.
 */
import type { CallerInfo, FlowResult } from './context.ts';
import { runFlow } from './interpreter.ts';
import { ScriptedMedia, type ScriptedMediaOptions } from './scripted-media.ts';
import type { Flow, Prompt } from './schema.ts';

/** The simulated call. */
export interface SimulateOptions extends Omit<ScriptedMediaOptions, 'script'> {
  /** Keys the caller types, `.` for a timeout, `h` to hang up (see ScriptedMediaOptions.script). */
  digits?: string;
  /** Default: an unknown caller with a number, not blacklisted. */
  caller?: Partial<CallerInfo>;
  /** Time of the call (Date or ISO-8601). Default: now. */
  now?: Date | string;
  variables?: Record<string, string>;
  maxSteps?: number;
}

/** A simulated run: the flow result plus what the caller heard. */
export interface SimulationResult extends FlowResult {
  prompts: Array<{ node: string; prompt: Prompt; interruptedBy: string | null }>;
  /** Voicemail the simulated caller left, if any. */
  voicemail: { node: string; durationMs: number } | null;
}

/** Walks `flow` as a scripted caller would, e.g. `simulateFlow(flow, { digits: '2' })`. */
export async function simulateFlow(flow: Flow, opts: SimulateOptions = {}): Promise<SimulationResult> {
  const media = new ScriptedMedia({ ...opts, script: opts.digits ?? '' });
  const at = opts.now === undefined ? new Date() : new Date(opts.now);
  const caller: CallerInfo = { number: '+8613800138000', name: null, blacklisted: false, customer: null, ...opts.caller };
  const prompts: SimulationResult['prompts'] = [];
  let voicemail: SimulationResult['voicemail'] = null;
  let current = flow.entry;
  let seen = 0;
  const collectPrompts = (): void => {
    const plays = media.events.filter((e) => e.op === 'play');
    for (const e of plays.slice(seen)) prompts.push({ node: current, prompt: e.prompt, interruptedBy: e.interruptedBy });
    seen = plays.length;
  };
  const result = await runFlow(
    flow,
    {
      caller,
      now: () => at,
      variables: opts.variables,
      hooks: {
        onNode: (id) => {
          collectPrompts();
          current = id;
        },
        onVoicemail: (m) => {
          voicemail = { node: m.nodeId, durationMs: m.durationMs };
        },
      },
    },
    media,
    { maxSteps: opts.maxSteps ?? 200 },
  );
  collectPrompts();
  return { ...result, prompts, voicemail };
}
