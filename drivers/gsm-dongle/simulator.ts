/**
 * The far side: a GSM dongle and its network, simulated on the other end of a
 * pty pair, speaking 27.005/27.007 in PDU mode with scriptable behaviour
 * (SIM PIN, registration, signal, inbound messages, send results, delivery
 * reports, storage full, unplug/replug). Every instance is independent.
 */
import { SerialPort } from 'serialport';
import { Submit, parse } from 'node-pdu';
import { createPtyPair, type PtyPair } from '../v253-modem/pty.ts';
import { deliverPdus, statusReportPdu, type DeliverSpec } from './sim-pdu.ts';
import { SimStore } from './sim-store.ts';

/**
 * Behaviours of the families simulated (from their AT manuals and public bug reports of SMS tools):
 * - huawei (E173/E3372 in 3G mode): `^RSSI`/`^MODE` lines at any moment, even between the lines
 *   of a reply; `^SMMEMFULL` when storage fills; no `+CEREG`.
 * - zte (MF-series): new messages go to the phone memory (`+CMTI: "ME",n`); no `+CEREG`.
 * - simcom (SIM7600): `+CREG` and `+CEREG` both answer.
 * - quectel (EC25, LTE only): `+CREG` says not registered (no circuit-switched domain) while
 *   `+CEREG` says registered, and registration changes come as `+CEREG:` lines.
 */
export type DongleDialect = 'huawei' | 'zte' | 'simcom' | 'quectel';
export const DONGLE_DIALECTS: readonly DongleDialect[] = ['huawei', 'zte', 'simcom', 'quectel'];
const IDENTITY: Record<DongleDialect, [string, string]> = {
  huawei: ['huawei', 'E3372'], zte: ['ZTE CORPORATION', 'MF823'], simcom: ['SIMCOM INCORPORATED', 'SIMCOM_SIM7600E-H'], quectel: ['Quectel', 'EC25'],
};

export interface DongleSimOptions {
  pty: PtyPair;
  /** Default huawei. */
  dialect?: DongleDialect;
  /** 'ready' (default), 'pin' (wants `pin`), 'puk', 'absent'. */
  sim?: 'ready' | 'pin' | 'puk' | 'absent';
  pin?: string;
  /** +CREG stat: 1 home (default), 5 roaming, 2 searching, 0 not registered, 3 denied. */
  registration?: number;
  /** +CSQ rssi 0-31, 99 unknown. Default 20. */
  csq?: number;
  /** SMS centre; '' for none. Default +8613800100500. */
  smsc?: string;
  /** Messages the store holds. Default 30. */
  capacity?: number;
  /** Time the network takes to accept each part sent (+CMGS answer). Default 20 ms. */
  sendDelayMs?: number;
  /** Delay before a requested delivery report; 0: in the same write as the send's answer; null: reports never come. Default 50 ms. */
  reportDelayMs?: number | null;
  /** Manufacturer/model answered to +CGMI/+CGMM. */
  identity?: [string, string];
}

export interface SentRecord { to: string; text: string; mr: number; statusReport: boolean; part: { ref: number; total: number; seq: number } | null }
export type SendOutcome = { ok: true } | { ok: false; cms: number };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class DongleSimulator {
  private port: SerialPort | null = null;
  private buf = '';
  private pduMode: { len: number } | null = null;
  private echo = true;
  private cmee = 0;
  private cnmi = { mt: 0, ds: 0 };
  private csms = 0;
  private mr = 0;
  private readonly store: SimStore;
  /** The phone memory: the network stores into SM only, so it stays empty; reads and deletes go to the memory +CPMS selected. */
  private readonly me = new SimStore(100);
  private mem1: 'SM' | 'ME' = 'SM';
  readonly dialect: DongleDialect;
  private readonly backlog: string[] = [];
  private readonly outcomes: SendOutcome[] = [];
  /** Network events sent right behind the next prompts (deliverWithNextPrompt). */
  private readonly withPrompt: Array<() => void> = [];
  /** Output held back to go out in one write (null: written at once). */
  private held: string | null = null;
  private timers = new Set<NodeJS.Timeout>();
  readonly sent: SentRecord[] = [];
  /** Commands received, in order (the PIN shows as sent: tests check the driver never logs it, not the wire). */
  readonly commands: string[] = [];
  cnmaCount = 0;
  private oldCount = 0;
  sim: NonNullable<DongleSimOptions['sim']>;
  registration: number;
  csq: number;
  smsc: string;
  sendDelayMs: number;
  reportDelayMs: number | null;

  private constructor(private readonly opts: DongleSimOptions) {
    this.sim = opts.sim ?? 'ready';
    this.registration = opts.registration ?? 1;
    this.csq = opts.csq ?? 20;
    this.smsc = opts.smsc ?? '+8613800100500';
    this.sendDelayMs = opts.sendDelayMs ?? 20;
    this.reportDelayMs = opts.reportDelayMs === undefined ? 50 : opts.reportDelayMs;
    this.dialect = opts.dialect ?? 'huawei';
    // The inbox (where the network's messages go): SM, or ME on ZTE; the other memory stays empty.
    this.store = new SimStore(opts.capacity ?? 30);
  }

  static async open(opts: DongleSimOptions): Promise<DongleSimulator> {
    const sim = new DongleSimulator(opts);
    await sim.openPort();
    return sim;
  }

  // ---- scripting ---------------------------------------------------------------------------------

  /** The network delivers a message: parts in `order` (1-based; default in order), `drop` parts never sent. */
  deliver(spec: DeliverSpec & { order?: number[]; drop?: number[] }): number {
    const pdus = deliverPdus(spec);
    const order = spec.order ?? pdus.map((_, i) => i + 1);
    for (const seq of order) if (!spec.drop?.includes(seq)) this.inbound(pdus[seq - 1]!, 'message');
    return pdus.length;
  }

  /**
   * The network's message arrives as the next `> ` prompt goes out, in the
   * same write (its +CMTI or +CMT right behind the prompt, before the host
   * has answered it), as a dongle may do on a busy line.
   */
  deliverWithNextPrompt(spec: DeliverSpec): void {
    this.withPrompt.push(() => { this.deliver(spec); });
  }

  /** What the next sends get (one entry per part), then OK again. */
  scriptSends(...outcomes: SendOutcome[]): void {
    this.outcomes.push(...outcomes);
  }

  /** Registration changes (+CREG unsolicited when enabled). */
  setRegistration(stat: number): void {
    this.registration = stat;
    this.line(this.dialect === 'quectel' ? `+CEREG: ${stat}` : `+CREG: ${stat}`);
    this.noise();
  }

  /** Huawei's status lines, sent whenever it likes (here: in the middle of replies). */
  private noise(): void {
    if (this.dialect !== 'huawei') return;
    this.write(`\r\n^RSSI: ${this.csq}\r\n\r\n^MODE: 5,4\r\n`);
  }

  /** Fills the store with old messages from `from` up to capacity. */
  fillStorage(from = '+8613911112222'): void {
    while (!this.store.full) this.store.add(deliverPdus({ from, text: `old message ${++this.oldCount}` })[0]!, 'message');
  }

  get stored(): number { return this.store.used; }
  private get inboxMem(): 'SM' | 'ME' { return this.dialect === 'zte' ? 'ME' : 'SM'; }
  private get read(): SimStore { return this.mem1 === this.inboxMem ? this.store : this.me; }
  get waitingInNetwork(): number { return this.backlog.length; }

  /** The device vanishes: this end closes and socat stops (the driver's path disappears). */
  async unplug(): Promise<void> {
    this.clearTimers();
    await this.closePort();
    await this.opts.pty.close({ keepDir: true });
  }

  /** The device comes back, power-cycled (settings reset; the SIM store keeps its messages). */
  async replug(): Promise<void> {
    await this.opts.pty.restart();
    this.echo = true; this.cmee = 0; this.cnmi = { mt: 0, ds: 0 }; this.csms = 0; this.pduMode = null; this.buf = ''; this.mem1 = 'SM';
    if (this.opts.sim === 'pin') this.sim = 'pin';
    await this.openPort();
  }

  async close(): Promise<void> {
    this.clearTimers();
    await this.closePort();
  }

  // ---- the wire ----------------------------------------------------------------------------------

  private async openPort(): Promise<void> {
    const port = new SerialPort({ path: this.opts.pty.simulatorPath, baudRate: 115200, autoOpen: false });
    port.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('data', (chunk: Buffer) => this.receive(chunk.toString('latin1')));
    port.on('close', () => { if (this.port === port) this.port = null; });
    this.port = port;
  }

  private async closePort(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
  }

  private write(s: string): void {
    if (this.held !== null) { this.held += s; return; }
    if (this.port?.isOpen) this.port.write(Buffer.from(s, 'latin1'));
  }
  private line(s: string): void { this.write(`\r\n${s}\r\n`); }
  /** What `fn` writes goes out in one write (the host reads it as one chunk). */
  private together(fn: () => void): void {
    if (this.held !== null) { fn(); return; }
    this.held = '';
    try { fn(); } finally {
      const out = this.held;
      this.held = null;
      this.write(out);
    }
  }
  private ok(): void { this.line('OK'); }
  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, ms);
    this.timers.add(t);
  }
  private clearTimers(): void { for (const t of this.timers) clearTimeout(t); this.timers.clear(); }

  private receive(data: string): void {
    this.buf += data;
    if (this.buf.length > 8192) this.buf = this.buf.slice(-8192);
    for (;;) {
      if (this.pduMode) {
        const ctrlZ = this.buf.indexOf('\x1a'), esc = this.buf.indexOf('\x1b');
        const end = ctrlZ < 0 ? esc : esc < 0 ? ctrlZ : Math.min(ctrlZ, esc);
        if (end < 0) return;
        const pdu = this.buf.slice(0, end).trim();
        const cancelled = this.buf[end] === '\x1b';
        this.buf = this.buf.slice(end + 1);
        const { len } = this.pduMode;
        this.pduMode = null;
        if (cancelled) this.ok();
        else void this.submit(pdu, len);
        continue;
      }
      // Outside a message ESC means nothing to a dongle: dropped, as real ones do.
      if (this.buf.includes('\x1b')) this.buf = this.buf.split('\x1b').join('');
      const cr = this.buf.indexOf('\r');
      if (cr < 0) return;
      const cmd = this.buf.slice(0, cr).replace(/\n/g, '').trim();
      this.buf = this.buf.slice(cr + 1);
      if (!cmd) continue;
      if (this.echo) this.write(`${cmd}\r`);
      this.commands.push(cmd);
      this.command(cmd);
    }
  }

  private error(kind: 'CME' | 'CMS', code: number): void {
    this.line(this.cmee ? `+${kind} ERROR: ${code}` : 'ERROR');
  }

  private command(raw: string): void {
    const cmd = raw.toUpperCase();
    if (cmd === 'AT') return this.ok();
    if (/^ATE[01]$/.test(cmd)) { this.echo = cmd.endsWith('1'); return this.ok(); }
    if (/^AT\+CMEE=\d$/.test(cmd)) { this.cmee = Number(cmd.slice(-1)); return this.ok(); }
    if (cmd === 'AT+CGMI') { this.line((this.opts.identity ?? IDENTITY[this.dialect])[0]); return this.ok(); }
    if (cmd === 'AT+CGMM') { this.line(`${(this.opts.identity ?? IDENTITY[this.dialect])[1]} (kefu simulator)`); return this.ok(); }
    if (cmd === 'AT+CPIN?') {
      if (this.sim === 'absent') return this.error('CME', 10);
      this.line(`+CPIN: ${this.sim === 'ready' ? 'READY' : this.sim === 'pin' ? 'SIM PIN' : 'SIM PUK'}`);
      return this.ok();
    }
    const pin = /^AT\+CPIN="?([^"]*)"?$/.exec(raw);
    if (pin) {
      if (this.sim === 'pin' && pin[1] === this.opts.pin) { this.sim = 'ready'; return this.ok(); }
      return this.error('CME', this.sim === 'pin' ? 16 : 3);
    }
    const needSim = this.sim !== 'ready';
    if (/^AT\+C(MGF|NMI|MGS|MGR|MGL|MGD|SCA|PMS|SMS|NMA)/.test(cmd) && needSim) return this.error('CMS', 310);
    if (cmd === 'AT+CMGF=0') return this.ok();
    if (cmd.startsWith('AT+CMGF')) return this.error('CMS', 303);
    const csms = /^AT\+CSMS=(\d)$/.exec(cmd);
    if (csms) { this.csms = Number(csms[1]); this.line(`+CSMS: 1,1,1`); return this.ok(); }
    const cnmi = /^AT\+CNMI=(\d),(\d),(\d),(\d),(\d)$/.exec(cmd);
    if (cnmi) { this.cnmi = { mt: Number(cnmi[2]), ds: Number(cnmi[4]) }; this.ok(); this.flushBacklog(); return; }
    if (cmd === 'AT+CNMA') { this.cnmaCount++; return this.ok(); }
    if (cmd === 'AT+CSCA?') { this.line(this.smsc ? `+CSCA: "${this.smsc}",${this.smsc.startsWith('+') ? 145 : 129}` : '+CSCA: "",129'); return this.ok(); }
    if (/^AT\+CREG=\d$/.test(cmd)) return this.ok();
    if (cmd === 'AT+CREG?') { this.line(`+CREG: 1,${this.dialect === 'quectel' && this.registration !== 3 ? 0 : this.registration}`); return this.ok(); }
    if (cmd === 'AT+CEREG?') {
      if (this.dialect === 'huawei' || this.dialect === 'zte') return this.error('CME', 4); // 3G mode: no LTE registration
      this.line(`+CEREG: 0,${this.registration}`);
      return this.ok();
    }
    if (cmd === 'AT+CSQ') { this.line(`+CSQ: ${this.csq},99`); return this.ok(); }
    if (cmd === 'AT+CPMS?') { const m = this.inboxMem, u = this.store.used, t = this.store.capacity; this.line(`+CPMS: "${m}",${u},${t},"${m}",${u},${t},"${m}",${u},${t}`); return this.ok(); }
    const cpms = /^AT\+CPMS="(SM|ME|SR|MT)"/.exec(cmd);
    if (cpms) {
      this.mem1 = cpms[1] === 'ME' ? 'ME' : 'SM';
      this.noise();
      const u = this.read.used, t = this.read.capacity;
      this.line(`+CPMS: ${u},${t},${u},${t},${u},${t}`);
      return this.ok();
    }
    if (cmd.startsWith('AT+CPMS=')) return this.error('CMS', 302);
    if (cmd === 'AT+CMGL=4') {
      for (const m of this.read.list()) { this.write(`\r\n+CMGL: ${m.index},1,,${m.pdu.length / 2 - 1}\r\n${m.pdu}`); this.noise(); }
      return this.ok();
    }
    const cmgr = /^AT\+CMGR=(\d+)$/.exec(cmd);
    if (cmgr) {
      const m = this.read.get(Number(cmgr[1]));
      if (!m) return this.error('CMS', 321);
      this.write(`\r\n+CMGR: 1,,${m.pdu.length / 2 - 1}\r\n${m.pdu}`);
      return this.ok();
    }
    const cmgd = /^AT\+CMGD=(\d+)(?:,\d)?$/.exec(cmd);
    if (cmgd) { this.read.delete(Number(cmgd[1])); this.ok(); this.flushBacklog(); return; }
    const cmgs = /^AT\+CMGS=(\d+)$/.exec(cmd);
    if (cmgs) {
      if (this.registration !== 1 && this.registration !== 5) return this.error('CMS', 331); // no network service
      this.pduMode = { len: Number(cmgs[1]) };
      const behind = this.withPrompt.shift();
      if (!behind) { this.write('\r\n> '); return; }
      // the prompt and what comes behind it in one write, so the host reads them together
      this.together(() => { this.write('\r\n> '); behind(); });
      return;
    }
    this.line('ERROR');
  }

  private async submit(pdu: string, len: number): Promise<void> {
    let msg: Submit;
    try {
      const p = parse(pdu);
      if (!(p instanceof Submit) || pdu.length / 2 - 1 !== len) throw new Error('length');
      msg = p;
    } catch {
      return this.error('CMS', 304); // invalid PDU mode parameter
    }
    await sleep(this.sendDelayMs);
    const outcome = this.outcomes.shift() ?? { ok: true };
    if (!outcome.ok) return this.error('CMS', outcome.cms);
    const mr = this.mr = (this.mr + 1) & 0xff;
    const h = msg.data.parts[0]?.header;
    const to = `+${msg.address.phone ?? ''}`;
    const statusReport = msg.type.statusReportRequest === 1;
    this.sent.push({ to, text: msg.data.getText(), mr, statusReport, part: h ? { ref: h.getPointer() ?? 0, total: h.getSegments() ?? 1, seq: h.getCurrent() ?? 1 } : null });
    const report = () => this.inbound(statusReportPdu(mr, to, 0), 'report');
    // a report with no delay comes in the same write as the answer to the send
    this.together(() => {
      this.line(`+CMGS: ${mr}`);
      this.ok();
      if (statusReport && this.reportDelayMs === 0) report();
    });
    if (statusReport && this.reportDelayMs) this.later(this.reportDelayMs, report);
  }

  /** A message or report from the network, routed as +CNMI says (stored when storage has room). */
  private inbound(pdu: string, kind: 'message' | 'report'): void {
    const direct = kind === 'message' ? this.cnmi.mt === 2 || this.cnmi.mt === 3 : this.cnmi.ds === 1;
    if (direct && this.port) {
      this.write(`\r\n+${kind === 'message' ? 'CMT: ' : 'CDS: '}${kind === 'message' ? ',' : ''}${pdu.length / 2 - 1}\r\n${pdu}\r\n`);
      return;
    }
    if (this.store.full) {
      // The network keeps it and retries once there is room; Huawei says so.
      this.backlog.push(`${kind}:${pdu}`);
      if (this.dialect === 'huawei') this.line('^SMMEMFULL: "SM"');
      return;
    }
    const index = this.store.add(pdu, kind);
    const indicate = kind === 'message' ? this.cnmi.mt === 1 : this.cnmi.ds === 2;
    if (indicate) this.line(`+${kind === 'message' ? 'CMTI' : 'CDSI'}: "${this.inboxMem}",${index}`);
  }

  private flushBacklog(): void {
    while (this.backlog.length && !this.store.full) {
      const [kind, pdu] = this.backlog.shift()!.split(':') as ['message' | 'report', string];
      this.inbound(pdu, kind);
    }
  }
}

/** A pty pair with the simulator on one end: what tests and `--demo` need. */
export async function startSimulatedDongle(opts: Omit<DongleSimOptions, 'pty'> & { ptyDir?: string } = {}): Promise<{ simulator: DongleSimulator; driverPath: string; pty: PtyPair; close(): Promise<void> }> {
  const { ptyDir, ...rest } = opts;
  const pty = await createPtyPair(ptyDir ? { dir: ptyDir } : {});
  const simulator = await DongleSimulator.open({ ...rest, pty });
  return { simulator, driverPath: pty.driverPath, pty, async close() { await simulator.close(); await pty.close(); } };
}
