/**
 * The telephony service: every line, whatever its backend (a modem line, an
 * Asterisk trunk), their states and the calls on them.
 */
import type { LineDriver } from '../../core/ports.ts';
import type { LineConfig } from '../../config/schema.ts';
import { KefuError } from '../../core/errors.ts';
import type { TelephonyDeps } from './deps.ts';
import { LineRuntime, type LineStatus } from './line.ts';
import type { LineGroup } from './group.ts';

export type { LineGroup } from './group.ts';
import type { CallSession } from './session.ts';
import type { CallSnapshot } from './snapshot.ts';
import { dialTarget, type DialOut } from './dial-out.ts';


export class Telephony {
  private readonly groups: LineGroup[] = [];
  private readonly ids = new Set<string>();
  private started = false;

  constructor(private readonly deps: TelephonyDeps) {}

  /** A line with its own device (one call at a time). Once the service runs, the line starts at once. */
  async addLine(config: LineConfig, driver: LineDriver): Promise<void> {
    const port = config.port;
    if (port && this.lineOnPort(port)) throw new KefuError('CONFLICT', `line ${this.lineOnPort(port)!.id} uses ${port} already`, { field: 'port' });
    const runtime = new LineRuntime(this.deps, config, driver);
    this.addGroup([config.id], runtime);
    if (this.started) await runtime.start();
  }

  /** Stops a device line and forgets it (the call on it, if any, is hung up). NOT_FOUND when there is none. */
  async removeLine(id: string): Promise<void> {
    const runtime = this.modemLines().find((l) => l.config.id === id);
    if (!runtime) throw new KefuError('NOT_FOUND', `no device line ${id}`);
    this.groups.splice(this.groups.indexOf(runtime), 1);
    this.ids.delete(id);
    await runtime.stop();
  }

  /** Stops and starts a device line's driver again: it reopens and probes the device. */
  async restartLine(id: string): Promise<LineStatus> {
    const runtime = this.modemLines().find((l) => l.config.id === id);
    if (!runtime) throw new KefuError('NOT_FOUND', `no device line ${id}`);
    await runtime.stop();
    await runtime.start();
    return runtime.status();
  }

  /** The device line that holds a serial port, or null. */
  lineOnPort(path: string): LineConfig | null {
    return this.modemLines().find((l) => l.config.port === path)?.config ?? null;
  }

  /** The configuration of every device line (config file and set-up wizard alike). */
  deviceLines(): LineConfig[] {
    return this.modemLines().map((l) => l.config);
  }

  addGroup(lineIds: string[], group: LineGroup): void {
    for (const id of lineIds) {
      if (this.ids.has(id)) throw new KefuError('CONFLICT', `line ${id} exists already`);
      this.ids.add(id);
    }
    this.groups.push(group);
  }

  async start(): Promise<void> {
    this.started = true;
    await Promise.all(this.groups.map((g) => g.start()));
  }

  async stop(): Promise<void> {
    this.started = false;
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

  /** The lines with a device of their own (modem lines): they dial by themselves. */
  modemLines(): LineRuntime[] {
    return this.groups.filter((g): g is LineRuntime => g instanceof LineRuntime);
  }

  private dialOuts(): DialOut[] {
    return this.modemLines().flatMap((l) => l.dialOuts());
  }

  activeCalls(): CallSnapshot[] {
    return [...this.sessions().map((c) => c.snapshot()), ...this.dialOuts().map((c) => c.snapshot()), ...this.groups.flatMap((g) => g.otherCalls?.() ?? [])];
  }

  /** True when some line can dial out by itself (a modem line). */
  get canDial(): boolean { return this.modemLines().length > 0; }

  /**
   * Click-to-dial on a device line: `lineId`, or the first idle one. LINE_BUSY
   * (reason all-lines-busy) when none is free; the call goes on in the background.
   */
  dial(o: { number: string; lineId?: string | undefined; agentId?: string | undefined }): DialOut {
    const req = { ...dialTarget(this.deps, o.number), agentId: o.agentId ?? null, lineId: o.lineId };
    const lines = this.modemLines().filter((l) => !req.lineId || l.config.id === req.lineId);
    if (req.lineId && lines.length === 0) throw new KefuError('BAD_REQUEST', `lineId: no line ${req.lineId} that can dial`, { field: 'lineId' });
    const free = lines.find((l) => l.free);
    if (!free) {
      throw new KefuError('LINE_BUSY', `every line is in use (${lines.map((l) => `${l.config.id} ${l.status().state}`).join(', ')}): try again when a line is free`,
        { reason: 'all-lines-busy', lines: lines.map((l) => l.config.id) });
    }
    return free.dial(req);
  }

  /** The live session of a call; NOT_FOUND when it is not up. */
  session(callId: string): CallSession {
    const call = this.sessions().find((c) => c.id === callId);
    if (!call) throw new KefuError('NOT_FOUND', `call ${callId} is not active`);
    return call;
  }

  async hangup(callId: string): Promise<void> {
    const out = this.dialOuts().find((c) => c.id === callId);
    if (out) { await out.hangup(); return; }
    const call = this.sessions().find((c) => c.id === callId);
    if (!call) throw new KefuError('NOT_FOUND', `call ${callId} is not active`);
    await call.hangup();
    await call.finished;
  }
}
