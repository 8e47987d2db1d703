/**
 * The telephony service: every line, whatever its backend (a modem line, an
 * Asterisk trunk), their states and the calls on them.
 */
import type { LineDriver } from '../../core/ports.ts';
import type { LineConfig } from '../../config/schema.ts';
import { KefuError } from '../../core/errors.ts';
import type { TelephonyDeps } from './deps.ts';
import { LineRuntime, type LineStatus } from './line.ts';
import type { CallSession, CallSnapshot } from './session.ts';

/** A set of lines run by one backend. */
export interface LineGroup {
  start(): Promise<void>;
  stop(): Promise<void>;
  statuses(): LineStatus[];
  calls(): CallSession[];
}

export class Telephony {
  private readonly groups: LineGroup[] = [];
  private readonly ids = new Set<string>();

  constructor(private readonly deps: TelephonyDeps) {}

  /** A line with its own device (one call at a time). */
  addLine(config: LineConfig, driver: LineDriver): void {
    this.addGroup([config.id], new LineRuntime(this.deps, config, driver));
  }

  addGroup(lineIds: string[], group: LineGroup): void {
    for (const id of lineIds) {
      if (this.ids.has(id)) throw new KefuError('CONFLICT', `line ${id} exists already`);
      this.ids.add(id);
    }
    this.groups.push(group);
  }

  async start(): Promise<void> {
    await Promise.all(this.groups.map((g) => g.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.groups.map((g) => g.stop()));
  }

  listLines(): LineStatus[] {
    return this.groups.flatMap((g) => g.statuses());
  }

  line(id: string): LineStatus {
    const l = this.listLines().find((x) => x.id === id);
    if (!l) throw new KefuError('NOT_FOUND', `line ${id} not found`);
    return l;
  }

  private sessions(): CallSession[] {
    return this.groups.flatMap((g) => g.calls());
  }

  activeCalls(): CallSnapshot[] {
    return this.sessions().map((c) => c.snapshot());
  }

  /** The live session of a call; NOT_FOUND when it is not up. */
  session(callId: string): CallSession {
    const call = this.sessions().find((c) => c.id === callId);
    if (!call) throw new KefuError('NOT_FOUND', `call ${callId} is not active`);
    return call;
  }

  async hangup(callId: string): Promise<void> {
    const call = this.sessions().find((c) => c.id === callId);
    if (!call) throw new KefuError('NOT_FOUND', `call ${callId} is not active`);
    await call.hangup();
    await call.finished;
  }
}
