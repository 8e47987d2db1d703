/**
 * The dialer on modem lines (DialerBackend): the single-line office. The
 * modem dials each number as a click-to-dial call (DialOut: the ledger's
 * record, the line's recording); busy and no dial tone come from the modem,
 * and the line's answer-by-ear (src/core/call-progress) tells ringback from
 * a person or a machine answering.
 *
 * The person at the desk shares the line: their phone hears the call from
 * the first digit. A person who answers while a campaign agent is ready is
 * theirs at once (screen pop, on-call); with nobody ready within the
 * connect limit they hear the identification message and the call counts
 * as abandoned. Broadcast plays the message and reads a key. Predictive is
 * refused: one line carries one call, so it cannot dial ahead of agents.
 */
import type { Logger } from 'pino';
import type { DialOutcome, Heard, LineDriver } from '../../core/ports.ts';
import type { DialMode } from '../../core/dialer/pacing.ts';
import type { CampaignOutcome } from '../../core/dialer/campaign.ts';
import type { Disposition } from '../../core/call/disposition.ts';
import type { AgentPicture, AttemptReports, DialerBackend, DialerCall } from '../dialer/port.ts';
import type { TelephonyDeps } from './deps.ts';
import type { Telephony } from './telephony.ts';
import type { LineRuntime } from './line.ts';
import type { DialOut } from './dial-out.ts';
import { broadcast, say, type AnsweredDeps, type CampaignMedia } from '../dialer/answered.ts';
import { customerSummary } from '../../core/crm/summary.ts';
import { KefuError } from '../../core/errors.ts';

export const PREDICTIVE_ON_MODEM = 'predictive dialing needs more lines than agents: a modem line carries one call at a time, so it cannot dial ahead; use progressive or preview';

/** A campaign call on a modem line. */
class LineCall {
  dialOut: DialOut | null = null;
  answered = false;
  agentId: string | null = null;
  outcome: CampaignOutcome | null = null;
  result: Record<string, unknown> = {};
  connectTimer: NodeJS.Timeout | null = null;
  /** Aborted when the call is over. */
  readonly gone = new AbortController();
  /** Ends the DTMF subscription of a key read in progress. */
  readonly off: Array<() => void> = [];
  constructor(readonly spec: DialerCall, readonly line: LineRuntime, readonly reports: AttemptReports) {}
}

export class ModemCampaignCalls implements DialerBackend {
  private readonly calls = new Set<LineCall>();
  private readonly listeners = new Set<() => void>();
  private campaignAgents = new Set<string>();

  constructor(private readonly deps: TelephonyDeps, private readonly telephony: Telephony, private readonly log: Logger) {
    deps.bus.subscribe((e) => {
      if (e.type === 'agent.state') { this.agentChanged(); this.changed(); }
      if (e.type === 'line.state') this.changed();
    });
  }

  get lineIds(): readonly string[] { return this.telephony.modemLines().map((l) => l.config.id); }

  onChange(fn: () => void): () => void { this.listeners.add(fn); return () => this.listeners.delete(fn); }
  private changed(): void { for (const fn of this.listeners) fn(); }

  refuses(mode: DialMode, lineIds: readonly string[]): string | null {
    if (mode === 'predictive') return PREDICTIVE_ON_MODEM;
    const missing = lineIds.filter((id) => !this.lineIds.includes(id));
    return missing.length ? `not modem lines: ${missing.join(', ')}` : null;
  }

  private lines(lineIds: readonly string[]): LineRuntime[] {
    return this.telephony.modemLines().filter((l) => lineIds.includes(l.config.id));
  }

  freeLines(lineIds: readonly string[]): number { return this.lines(lineIds).filter((l) => l.free).length; }

  /** Agents busy with a call of ours. */
  private busyAgents(): Set<string> {
    return new Set([...this.calls].flatMap((c) => (c.agentId ? [c.agentId] : [])));
  }

  agents(ids: readonly string[]): AgentPicture {
    const now = Date.now();
    const busy = this.busyAgents();
    const picture: AgentPicture = { ready: [], onCallS: [], wrapUpS: [], waiting: 0 };
    for (const id of ids) {
      const a = this.deps.agents.get(id);
      if (!a) continue;
      if (a.state === 'ready' && !busy.has(id)) picture.ready.push(id);
      else if (a.state === 'on-call') picture.onCallS.push((now - a.since) / 1000);
      else if (a.state === 'wrap-up') picture.wrapUpS.push((now - a.since) / 1000);
    }
    picture.waiting = [...this.calls].filter((c) => c.connectTimer).length;
    return picture;
  }

  staff(ids: Iterable<string>): void { this.campaignAgents = new Set(ids); }

  async place(spec: DialerCall, lineIds: readonly string[], reports: AttemptReports): Promise<void> {
    const line = this.lines(lineIds).find((l) => l.free);
    if (!line) throw new KefuError('LINE_BUSY', 'no free modem line for the campaign');
    const call = new LineCall(spec, line, reports);
    const rule = spec.campaign.settings.recording;
    call.dialOut = line.dial({
      numberKey: spec.numberKey, digits: spec.digits, agentId: spec.agentId, record: rule,
      hooks: { dialed: (outcome, heard) => this.dialed(call, outcome, heard), ended: (d) => this.ended(call, d) },
    });
    this.calls.add(call);
    reports.placed(call.dialOut.id, line.config.id);
    reports.ringing();
  }

  async cancelRinging(campaignId: string): Promise<void> {
    for (const c of this.calls) {
      if (c.spec.campaign.id === campaignId && !c.answered) { c.outcome = 'cancelled'; await c.dialOut?.hangup(); }
    }
  }

  private answeredDeps(): AnsweredDeps { return { prompts: this.deps.prompts, blacklist: this.deps.blacklist, flows: this.deps.flows, log: this.log }; }

  /** The modem's dial is over: answered (by a person or a machine, by ear) or not. */
  private dialed(call: LineCall, outcome: DialOutcome, heard: Heard | null): void {
    if (outcome !== 'answered') { call.outcome ??= outcome === 'no-dialtone' ? 'failed' : outcome; return; }
    if (call.outcome) return; // cancelled while dialling
    call.answered = true;
    const s = call.spec.campaign.settings;
    // the ear's verdict counts only when the campaign asked for machine detection
    const machine = s.amd.enabled && heard?.kind === 'answered-machine';
    call.reports.answered(machine ? 'machine' : 'live', s.amd.enabled && heard ? (machine ? 'machine' : 'human') : null);
    if (machine && s.amd.onMachine !== 'agent') {
      call.outcome = 'machine';
      if (s.amd.onMachine === 'message') void this.leaveMessage(call);
      else void this.finish(call, 'machine');
      return;
    }
    if (call.spec.campaign.mode === 'broadcast') void this.broadcast(call);
    else this.findAgent(call);
  }

  /** The answered call's media: the line's audio out and the keys it hears; a hang-up ends the call (DialOut). */
  private media(call: LineCall): CampaignMedia {
    const driver: LineDriver = call.line.driver;
    const keys = (fn: (digit: string) => void): (() => void) => {
      const off = driver.on((e) => { if (e.type === 'dtmf') fn(e.digit); });
      call.off.push(off);
      return off;
    };
    return {
      play: (pcm, opts) => driver.play(pcm, { ...opts, signal: call.gone.signal }),
      readKey: (ms) => new Promise((resolve) => {
        if (call.gone.signal.aborted) { resolve(null); return; }
        const done = (key: string | null) => { clearTimeout(timer); off(); call.gone.signal.removeEventListener('abort', gone); resolve(key); };
        const gone = () => done(null);
        const timer = setTimeout(gone, ms);
        const off = keys((d) => done(d));
        call.gone.signal.addEventListener('abort', gone, { once: true });
      }),
      control: { answer: async () => undefined, reject: () => this.finish(call, null), play: (pcm, opts) => driver.play(pcm, { ...opts, signal: opts?.signal ?? call.gone.signal }), hangup: () => this.finish(call, null) },
      keys,
      signal: call.gone.signal,
      storeSurvey: (score) => call.dialOut!.storeSurvey(score),
    };
  }

  private async leaveMessage(call: LineCall): Promise<void> {
    const s = call.spec.campaign.settings;
    call.result = { message: await say(this.media(call), call.spec, this.answeredDeps(), s.message ?? s.identification).catch(() => false) };
    await this.finish(call, 'machine');
  }

  private async broadcast(call: LineCall): Promise<void> {
    try {
      const b = await broadcast(this.media(call), call.spec, this.answeredDeps(), () => call.reports.connected(null), call.result);
      if (b.toAgent && !call.outcome) { this.findAgent(call); return; }
      call.outcome ??= 'connected';
    } catch (err) {
      this.log.error({ err, callId: call.dialOut?.id }, 'campaign broadcast failed');
      call.outcome ??= 'failed';
    }
    await this.finish(call, null);
  }

  /** A ready campaign agent for this call: the one it names, or any. */
  private freeAgent(call: LineCall): string | null {
    const ids = call.spec.agentId ? [call.spec.agentId] : [...this.campaignAgents];
    const busy = this.busyAgents();
    return ids.find((id) => !busy.has(id) && this.deps.agents.get(id)?.state === 'ready') ?? null;
  }

  /** A person answered: theirs is the ready agent at the desk, now or within the connect limit; else abandoned. */
  private findAgent(call: LineCall): void {
    if (call.agentId || call.outcome) return;
    const agentId = this.freeAgent(call);
    if (agentId) { void this.connect(call, agentId); return; }
    if (call.connectTimer) return;
    call.connectTimer = setTimeout(() => {
      call.connectTimer = null;
      if (!call.agentId && !call.outcome) void this.abandon(call);
    }, call.spec.campaign.settings.connectWithinS * 1000);
  }

  /** An agent became ready: a person may be waiting. */
  private agentChanged(): void {
    for (const c of this.calls) if (c.connectTimer && !c.agentId) this.findAgent(c);
  }

  private async connect(call: LineCall, agentId: string): Promise<void> {
    if (call.connectTimer) { clearTimeout(call.connectTimer); call.connectTimer = null; }
    call.agentId = agentId;
    const agents = this.deps.agents;
    const callId = call.dialOut!.id;
    call.dialOut!.assign(agentId);
    agents.apply(agentId, { type: 'offer', callId });
    agents.apply(agentId, { type: 'answer' });
    const customer = call.spec.customerId
      ? await this.deps.repos.customers.get(call.spec.customerId).catch(() => null)
      : await this.deps.repos.customers.findByPhone(call.spec.numberKey).catch(() => null);
    this.deps.bus.emit('screenpop', { agentId, callId, lineId: call.line.config.id, number: call.spec.numberKey, customer: customer ? customerSummary(customer) : null });
    call.reports.connected(agentId);
    this.changed();
  }

  private async abandon(call: LineCall): Promise<void> {
    call.outcome = 'abandoned';
    call.reports.abandoned();
    call.result.identification = await say(this.media(call), call.spec, this.answeredDeps(), call.spec.campaign.settings.identification).catch(() => false);
    await this.finish(call, 'dropped');
  }

  /** We end the call (its record closes with `disposition`, or the machine's). */
  private async finish(call: LineCall, disposition: Disposition | null): Promise<void> {
    if (!call.dialOut) return;
    if (disposition) await call.dialOut.endAs(disposition);
    else await call.dialOut.hangup();
  }

  /** The DialOut is over (either side hung up, the dial failed, the device went). */
  private ended(call: LineCall, disposition: Disposition): void {
    if (!this.calls.delete(call)) return;
    const waiting = call.connectTimer !== null;
    if (call.connectTimer) clearTimeout(call.connectTimer);
    call.gone.abort();
    for (const off of call.off.splice(0)) off();
    if (call.agentId) this.deps.agents.callEnded(call.agentId, this.deps.config.console.wrapUpS);
    let outcome = call.outcome;
    if (!outcome && waiting) {
      // a person hung up before anyone reached them: abandoned (the conservative reading of the rules)
      outcome = 'abandoned';
      call.result.hungUpWaiting = true;
      call.reports.abandoned();
    }
    outcome ??= call.answered ? 'connected' : fromDisposition(disposition);
    call.reports.ended(outcome, Object.keys(call.result).length ? call.result : undefined);
    this.changed();
  }
}

/** A call that never answered: its outcome from the record's disposition. */
function fromDisposition(d: Disposition): CampaignOutcome {
  return d === 'busy' || d === 'no-answer' ? d : d === 'cancelled' ? 'cancelled' : 'failed';
}
