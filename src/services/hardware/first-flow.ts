/**
 * The set-up wizard's last step: business hours and a greeting written into
 * the flow inbound calls run. Pure: takes a flow, returns the changed copy.
 *
 * The first `hours` node reachable from the entry gets the schedule; the
 * greeting replaces the prompt of the first `play` node on its open branch
 * (through a `caller` node's `unknown` branch), or is put in front of that
 * branch when it starts with no `play` node. A flow without an `hours` node
 * gets one as its new entry (closed: the same greeting path).
 */
import { WEEKDAYS, type Flow, type FlowNode, type HoursNode, type Voice } from '../../core/ivr/schema.ts';

export interface FirstFlowInput {
  /** Open days and one range per day, local time. */
  hours: { days: Array<(typeof WEEKDAYS)[number]>; open: string; close: string; timezone: string };
  greeting: { text: string; voice: Voice };
}

const GREETING_ID = 'setup-greeting';
const HOURS_ID = 'setup-hours';

function firstHours(flow: Flow): string | null {
  const seen = new Set<string>();
  const queue = [flow.entry];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = flow.nodes[id];
    if (!node) continue;
    if (node.type === 'hours') return id;
    for (const v of Object.values(node)) {
      if (typeof v === 'string' && flow.nodes[v]) queue.push(v);
      else if (v && typeof v === 'object' && !Array.isArray(v)) for (const w of Object.values(v)) if (typeof w === 'string' && flow.nodes[w]) queue.push(w);
    }
  }
  return null;
}

export function applyFirstFlow(input: Flow, opts: FirstFlowInput): Flow {
  const flow = structuredClone(input) as Flow;
  const nodes = flow.nodes as Record<string, FlowNode>;
  const schedule: HoursNode['schedule'] = {};
  for (const d of opts.hours.days) schedule[d] = [[opts.hours.open, opts.hours.close]];
  let hoursId = firstHours(flow);
  if (!hoursId) {
    hoursId = HOURS_ID;
    nodes[hoursId] = { type: 'hours', title: 'Office open?', timezone: opts.hours.timezone, schedule, open: flow.entry, closed: flow.entry };
    flow.entry = hoursId;
  }
  const hours = nodes[hoursId] as HoursNode;
  hours.schedule = schedule;
  hours.timezone = opts.hours.timezone;

  const prompt = { text: opts.greeting.text, voice: opts.greeting.voice };
  // Where the greeting goes: the open branch, past a caller check's "unknown" branch.
  let holder: Record<string, unknown> = hours as unknown as Record<string, unknown>;
  let key = 'open';
  const start = nodes[hours.open];
  if (start?.type === 'caller' && start.unknown) { holder = start as unknown as Record<string, unknown>; key = 'unknown'; }
  const target = holder[key] as string;
  const first = nodes[target];
  if (first?.type === 'play') first.prompt = prompt;
  else {
    nodes[GREETING_ID] = { type: 'play', title: 'Greeting (set-up wizard)', prompt, next: target };
    holder[key] = GREETING_ID;
  }
  return flow;
}
