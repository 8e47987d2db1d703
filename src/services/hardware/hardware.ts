/**
 * The set-up wizard and the hardware page: serial ports and USB devices,
 * modem probes, lines added and removed at run time (stored in the database,
 * merged with the config file's at start), signs of life per line, the
 * country numbers are read in, and the first flow (hours and greeting).
 * Reaches devices only through the backends main.ts hands it.
 */
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config, LineConfig } from '../../config/schema.ts';
import type { DeviceInfo, LineDriver } from '../../core/ports.ts';
import type { EventBus } from '../../core/events/bus.ts';
import { KefuError } from '../../core/errors.ts';
import type { Repos } from '../../db/repos/index.ts';
import type { Db } from '../../db/types.ts';
import type { NumberService } from '../numbers.ts';
import type { FlowService } from '../flows.ts';
import type { Telephony } from '../telephony/telephony.ts';
import type { LineStatus } from '../telephony/line.ts';
import type { Flow } from '../../core/ivr/schema.ts';
import { runDiagnostics, type Check } from '../../diagnostics/run.ts';
import { HealthBoard, type LineHealth } from './health.ts';
import { applyFirstFlow, type FirstFlowInput } from './first-flow.ts';

export interface SerialPortInfo { path: string; manufacturer: string | null; vendorId: string | null; productId: string | null; serialNumber: string | null; simulated: boolean }
export interface UsbDeviceInfo { id: string; vendorId: string | null; productId: string | null; manufacturer: string | null; product: string | null }
export interface ModemProbe {
  path: string; baudRate: number; responding: boolean; info: DeviceInfo | null;
  details: { fclasses: string[]; callerIdTried: Array<{ command: string; result: string }>; identity: Record<string, string | null> } | null;
  problems: Array<{ problem: string; fix: string }>;
}

/** What main.ts gives the service: the ways to reach devices (src/drivers.ts). */
export interface HardwareBackends {
  listPorts(): Promise<{ ok: boolean; ports: SerialPortInfo[]; error?: string }>;
  listUsb(): Promise<{ ok: boolean; devices: UsbDeviceInfo[]; error?: string }>;
  probe(path: string, baudRate: number): Promise<ModemProbe>;
  createDriver(line: LineConfig): LineDriver;
  /** Ports that exist without the OS listing them (the demo's simulated modem). */
  extraPorts(): SerialPortInfo[];
}

export interface PortEntry extends SerialPortInfo { inUseBy: string | null; lastProbe: ModemProbe | null }
export interface NewLine { id: string; name?: string | undefined; port: string; baudRate?: number | undefined; answerAfterRings?: number | undefined; flow?: string | undefined }
export interface LineHardware { line: LineStatus; stored: boolean; port: string | null; health: LineHealth }

export interface HardwareDeps {
  config: Readonly<Config>; logger: Logger; bus: EventBus; repos: Repos; db: Db;
  numbers: NumberService; flows: FlowService; telephony: Telephony; backends: HardwareBackends;
}

export class HardwareService {
  private readonly probes = new Map<string, ModemProbe>();
  private readonly health: HealthBoard;
  private readonly log: Logger;

  constructor(private readonly deps: HardwareDeps) {
    this.health = new HealthBoard(deps.bus);
    this.log = deps.logger.child({ component: 'hardware' });
  }

  /** Settings the wizard stored override the config's; stored lines join the config's (config ids win). */
  async load(): Promise<void> {
    const region = await this.deps.repos.setup.setting<string>('numbers.defaultRegion');
    if (region) this.deps.numbers.setDefaultRegion(region);
    const configIds = new Set(this.deps.config.lines.map((l) => l.id));
    for (const line of await this.deps.repos.setup.lines()) {
      if (configIds.has(line.id)) { this.log.warn({ lineId: line.id }, 'a stored line has the id of a config-file line: the config line is used'); continue; }
      try {
        await this.deps.telephony.addLine(line, this.deps.backends.createDriver(line));
      } catch (err) {
        this.log.warn({ err, lineId: line.id }, 'a stored line could not be added (its port is used by a config-file line?)');
      }
    }
    this.health.start();
  }

  stop(): void { this.health.stop(); }

  /** No line at all (a --demo line counts: the quick tour runs on it; --demo-device adds none). */
  setupNeeded(): boolean {
    return this.deps.telephony.listLines().length === 0;
  }

  async ports(): Promise<{ ok: boolean; error: string | null; ports: PortEntry[]; usb: { ok: boolean; error: string | null; devices: UsbDeviceInfo[] } }> {
    const [listed, usb] = await Promise.all([this.deps.backends.listPorts(), this.deps.backends.listUsb()]);
    const all = [...this.deps.backends.extraPorts(), ...listed.ports.filter((p) => !this.deps.backends.extraPorts().some((x) => x.path === p.path))];
    return {
      ok: listed.ok, error: listed.error ?? null,
      ports: all.map((p) => ({ ...p, inUseBy: this.deps.telephony.lineOnPort(p.path)?.id ?? null, lastProbe: this.probes.get(p.path) ?? null })),
      usb: { ok: usb.ok, error: usb.error ?? null, devices: usb.devices },
    };
  }

  /** Probes a free port (identity, voice, fax classes, the caller-ID command that works). */
  async probe(path: string, baudRate = 115200): Promise<ModemProbe> {
    const holder = this.deps.telephony.lineOnPort(path);
    if (holder) throw new KefuError('CONFLICT', `path: ${path} is held by line ${holder.id}; re-probe the line instead`, { field: 'path', lineId: holder.id });
    if (!existsSync(path)) throw new KefuError('UNPROCESSABLE', `path: ${path} does not exist`, { field: 'path' });
    const r = await this.deps.backends.probe(path, baudRate);
    this.probes.set(path, r);
    return r;
  }

  async addLine(input: NewLine): Promise<LineStatus> {
    const { telephony, repos } = this.deps;
    if (telephony.listLines().some((l) => l.id === input.id)) throw new KefuError('CONFLICT', `id: a line ${input.id} exists already`, { field: 'id' });
    if (!existsSync(input.port)) throw new KefuError('UNPROCESSABLE', `port: ${input.port} does not exist`, { field: 'port' });
    const holder = telephony.lineOnPort(input.port);
    if (holder) throw new KefuError('CONFLICT', `port: ${input.port} is used by line ${holder.id}`, { field: 'port' });
    const flow = input.flow ?? 'main';
    await repos.flows.get(flow).catch(() => { throw new KefuError('UNPROCESSABLE', `flow: no IVR flow ${flow}`, { field: 'flow' }); });
    const line: LineConfig = {
      id: input.id, driver: 'v253-modem', port: input.port, baudRate: input.baudRate ?? 115200, channels: 1, record: true,
      inbound: { flow, answerAfterRings: input.answerAfterRings ?? 2, ringGapMs: 8000 }, ...(input.name ? { name: input.name } : {}),
    };
    await repos.setup.addLine(line);
    try {
      await telephony.addLine(line, this.deps.backends.createDriver(line));
    } catch (err) {
      await repos.setup.removeLine(line.id);
      throw err;
    }
    this.log.info({ lineId: line.id, port: line.port }, 'line added by the set-up wizard');
    return telephony.line(line.id);
  }

  async removeLine(id: string): Promise<void> {
    const stored = (await this.deps.repos.setup.lines()).some((l) => l.id === id);
    if (!stored) {
      this.deps.telephony.line(id); // NOT_FOUND when there is no such line at all
      throw new KefuError('UNPROCESSABLE', `line ${id} comes from the config file: remove it there and restart`, { lineId: id });
    }
    await this.deps.telephony.removeLine(id).catch((err: unknown) => this.log.warn({ err, lineId: id }, 'line was not running'));
    await this.deps.repos.setup.removeLine(id);
    this.health.forget(id);
  }

  /** Re-probe a line: its driver reopens and probes the device. */
  async reprobe(id: string): Promise<LineHardware> {
    await this.deps.telephony.restartLine(id);
    return this.lineHardware(id);
  }

  async lines(): Promise<LineHardware[]> {
    const stored = new Set((await this.deps.repos.setup.lines()).map((l) => l.id));
    const ports = new Map(this.deps.telephony.deviceLines().map((l) => [l.id, l.port ?? null]));
    return this.deps.telephony.listLines().map((line) => ({ line, stored: stored.has(line.id), port: ports.get(line.id) ?? null, health: this.health.get(line.id) }));
  }

  async lineHardware(id: string): Promise<LineHardware> {
    const l = (await this.lines()).find((x) => x.line.id === id);
    if (!l) throw new KefuError('NOT_FOUND', `line ${id} not found`);
    return l;
  }

  /** The checks of `kefu diagnose` on the running daemon, with a live check per line. */
  async diagnostics(): Promise<{ ok: boolean; at: string; checks: Check[] }> {
    const device = this.deps.telephony.deviceLines();
    const busy = new Set(device.flatMap((l) => (l.port ? [l.port] : [])));
    const report = await runDiagnostics({ ...this.deps.config, lines: [] }, { busyPorts: busy, db: this.deps.db, appConnected: true });
    const listed = await this.ports();
    const portCheck = report.checks.find((c) => c.id === 'serial-ports');
    if (portCheck && listed.ports.length) {
      portCheck.ok = true; portCheck.fix = null; portCheck.data = listed.ports;
      portCheck.detail = listed.ports.map((p) => `${p.path}${p.simulated ? ' (simulated modem)' : p.manufacturer ? ` (${p.manufacturer})` : ''}`).join(', ');
    }
    const lineChecks = device.map((cfg): Check => {
      const st = this.deps.telephony.line(cfg.id);
      const info = st.device as DeviceInfo | null;
      const who = [info?.manufacturer, info?.model].filter(Boolean).join(' ') || 'modem';
      const ok = st.state !== 'offline';
      return {
        id: `line-${cfg.id}`, title: `line ${cfg.id}: ${who} on ${cfg.port ?? '?'}`, ok,
        detail: ok ? `online (${st.state}), caller ID ${info?.callerIdCommand ?? 'not enabled'}` : `offline: ${st.reason ?? 'no answer'}`,
        fix: ok ? null : 'The modem does not answer: check its USB cable and power, or unplug and plug it in again; kefu reopens it by itself.',
        data: { lineId: cfg.id },
      };
    });
    const checks = [...report.checks.filter((c) => !c.id.startsWith('line-')), ...lineChecks];
    return { ok: checks.every((c) => c.ok), at: report.at, checks };
  }

  /** The wizard's "wrong country" fix: numbers without a country code are read in `region` from now on (stored). */
  async setRegion(region: string): Promise<string> {
    this.deps.numbers.setDefaultRegion(region);
    await this.deps.repos.setup.setSetting('numbers.defaultRegion', region);
    return region;
  }

  /** Business hours and a greeting written into the flow and published. */
  async publishFirstFlow(flowId: string, input: FirstFlowInput): Promise<{ flowId: string; version: number }> {
    const current = await this.deps.repos.flows.version(flowId, 'published').catch(() => this.deps.repos.flows.version(flowId, 'current'));
    const flow = applyFirstFlow(current.definition as Flow, input);
    const s = await this.deps.flows.save(flowId, flow, true);
    return { flowId, version: s.publishedVersion ?? s.currentVersion };
  }
}
