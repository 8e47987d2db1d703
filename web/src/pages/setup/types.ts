/** Shapes of the /setup and /hardware answers the console reads. */
export interface DeviceInfo { manufacturer: string | null; model: string | null; revision: string | null; callerIdCommand: string | null; capabilities: { voice: boolean; faxClasses: string[] } }
export interface Probe { path: string; responding: boolean; info: DeviceInfo | null; problems: Array<{ problem: string; fix: string }> }
export interface Port { path: string; manufacturer: string | null; simulated: boolean; inUseBy: string | null; lastProbe: Probe | null }
export interface Ports { ok: boolean; error: string | null; ports: Port[]; usb: { ok: boolean; error: string | null; devices: Array<{ id: string; manufacturer: string | null; product: string | null }> } }
export interface CallerIdReport {
  lineId: string; raw: string[]; recognised: boolean; format: 'fsk' | 'dtmf' | 'unknown'; number: string | null; e164: string | null;
  display: string | null; valid: boolean; region: string | null; name: string | null; withheld: string | null; defaultRegion: string;
}
export interface SetupStatus { needed: boolean; defaultRegion: string; demo: { devicePath: string; lineId: string | null; attached: boolean } | null }

/** The wizard's steps, as a small state machine: each step knows the line it works on. */
export type Step =
  | { kind: 'port' }
  | { kind: 'call'; lineId: string }
  | { kind: 'flow'; lineId: string }
  | { kind: 'done'; lineId: string; version: number };

export type StepEvent = { type: 'lineChosen'; lineId: string } | { type: 'next' } | { type: 'back' } | { type: 'published'; version: number };

export function nextStep(s: Step, e: StepEvent): Step {
  switch (s.kind) {
    case 'port': return e.type === 'lineChosen' ? { kind: 'call', lineId: e.lineId } : s;
    case 'call': return e.type === 'next' ? { kind: 'flow', lineId: s.lineId } : e.type === 'back' ? { kind: 'port' } : s;
    case 'flow': return e.type === 'published' ? { kind: 'done', lineId: s.lineId, version: e.version } : e.type === 'back' ? { kind: 'call', lineId: s.lineId } : s;
    case 'done': return e.type === 'back' ? { kind: 'flow', lineId: s.lineId } : s;
  }
}
