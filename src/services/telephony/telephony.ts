/**
 * The telephony service: every configured line (and the demo line) with its
 * driver, their states and the calls on them.
 */
import type { LineDriver } from '../../core/ports.ts';
import type { LineConfig } from '../../config/schema.ts';
import { KefuError } from '../../core/errors.ts';
import type { TelephonyDeps } from './deps.ts';
import { LineRuntime, type LineStatus } from './line.ts';
import type { CallSnapshot } from './session.ts';

export class Telephony {
  private readonly lines = new Map<string, LineRuntime>();

  constructor(private readonly deps: TelephonyDeps) {}

  addLine(config: LineConfig, driver: LineDriver): void {
    if (this.lines.has(config.id)) throw new KefuError('CONFLICT', `line ${config.id} exists already`);
    this.lines.set(config.id, new LineRuntime(this.deps, config, driver));
  }

  async start(): Promise<void> {
    await Promise.all([...this.lines.values()].map((l) => l.start()));
  }

  async stop(): Promise<void> {
    const calls = [...this.lines.values()].map((l) => l.activeCall()).filter((c) => c !== null);
    await Promise.all(calls.map((c) => c.hangup()));
    await Promise.all(calls.map((c) => c.finished));
    await Promise.all([...this.lines.values()].map((l) => l.stop()));
  }

  listLines(): LineStatus[] {
    return [...this.lines.values()].map((l) => l.status());
  }

  line(id: string): LineStatus {
    const l = this.lines.get(id);
    if (!l) throw new KefuError('NOT_FOUND', `line ${id} not found`);
    return l.status();
  }

  activeCalls(): CallSnapshot[] {
    return [...this.lines.values()].flatMap((l) => { const c = l.activeCall(); return c ? [c.snapshot()] : []; });
  }

  async hangup(callId: string): Promise<void> {
    const call = [...this.lines.values()].map((l) => l.activeCall()).find((c) => c?.id === callId);
    if (!call) throw new KefuError('NOT_FOUND', `call ${callId} is not active`);
    await call.hangup();
    await call.finished;
  }
}
