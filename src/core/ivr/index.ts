/** IVR flows as data: schema, validator, interpreter and dry run. */
export * from './schema.ts';
export { validateFlow, type FlowValidation, type FlowIssue } from './validate.ts';
export { runFlow, type RunOptions } from './interpreter.ts';
export type { CallerInfo, FlowHooks, FlowOutcome, FlowResult, PathEntry, RunContext, VoicemailMessage } from './context.ts';
export type { IvrMedia, PlayResult, RecordResult, PromptResolver } from './media.ts';
export { simulateFlow, type SimulateOptions, type SimulationResult } from './simulate.ts';
export { ScriptedMedia, type ScriptedMediaOptions, type ScriptedEvent } from './scripted-media.ts';
export { nodeEdges, pointerSegment, type Edge } from './graph.ts';
export { isOpen } from './nodes/hours.ts';
