/**
 * The post-call survey: the agent is done and the caller goes to a flow (the
 * satisfaction survey) instead of being hung up; the call ends with the
 * flow. On a modem line the modem, still off-hook, runs the flow at once. On
 * a PBX line the call is marked and the agent's leg ended: the ACD destroys
 * the bridge and hands the caller's channel to the marked flow (or to its
 * queue's `surveyFlow`) through agentGone(), instead of hanging up.
 */
import type { CallState } from '../../core/call/machine.ts';
import { KefuError } from '../../core/errors.ts';

/** What the survey needs from its call session. */
export interface AfterAgentHost {
  readonly id: string;
  /** The call is on a PBX line (Asterisk): the agent is on a leg of their own. */
  readonly pbx: boolean;
  state(): CallState;
  /** Runs `flow` on the caller's line now (the IVR again, after the agent). */
  runFlow(flow: string): void;
}

export class AfterAgent {
  private marked: string | null = null;
  /** PBX lines: ends the call's answered queue-agent leg; false when it has none. Set by the PBX backend. */
  endAgentLeg: (() => Promise<boolean>) | null = null;

  constructor(private readonly host: AfterAgentHost) {}

  /** Sends the connected caller to `flow` (POST /calls/{id}/survey). CONFLICT for a call not connected, or one with no queue agent on a PBX line. */
  async send(flow: string): Promise<void> {
    const state = this.host.state();
    if (state !== 'connected') throw new KefuError('CONFLICT', `call ${this.host.id} is ${state}: only a connected call can go to the survey`);
    if (!this.host.pbx) { this.host.runFlow(flow); return; }
    const end = this.endAgentLeg;
    if (!end) throw new KefuError('CONFLICT', `call ${this.host.id} has no queue agent on it: only a call answered from a queue can go to the survey`);
    this.marked = flow;
    const ended = await end().catch((err: unknown) => { this.marked = null; throw err; });
    if (!ended) {
      this.marked = null;
      throw new KefuError('CONFLICT', `call ${this.host.id} has no queue agent on it: only a call answered from a queue can go to the survey`);
    }
  }

  /**
   * PBX: the agent's leg of the call ended. The caller, still there, runs
   * the flow the call was marked for, else `queueFlow` (the queue's
   * surveyFlow); false when there is none (or the caller is gone): hang up.
   */
  agentGone(queueFlow: string | null): boolean {
    const flow = this.marked ?? queueFlow;
    this.marked = null;
    if (!flow || this.host.state() !== 'connected') return false;
    this.host.runFlow(flow);
    return true;
  }
}
