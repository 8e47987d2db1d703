/**
 * The far side of a class 2.0 fax modem on a pty, with the remote fax
 * machine behind it: answers AT+F commands as a modem doing T.30 would,
 * keeps the pages a DTE sends (AT+FDT) and delivers scripted pages to a DTE
 * receiving (AT+FDR), DLE-framed in direct bit order. Beside the voice
 * simulator (sim-engine.ts), for tests and the demo line.
 *
 * Scripting: `remote(number, behaviour)` says what answers when a number is
 * dialled (a fax machine, busy, no answer); `ring(pages)` makes a fax
 * machine call in, with the coded pages it will send.
 */
import { SerialPort } from 'serialport';
import { createPtyPair } from './pty.ts';
import type { FaxPage } from '../../src/core/fax/tiff.ts';
import { DC2, DleDeframer, dleFrame } from './fax2-protocol.ts';

export type RemoteFax = { kind: 'fax'; stationId: string; rejectPage?: number } | { kind: 'busy' } | { kind: 'no-answer' };

/** A document the simulator took from the DTE. */
export interface SimReceivedFax { number: string; pages: Buffer[]; complete: boolean }

export interface Fax2SimOptions {
  path: string;
  baudRate?: number;
  /** What AT+FCLASS=? lists; a class-1-only modem answers ERROR to AT+FCLASS=2.0. */
  classes?: string[];
}

export class Fax2Simulator {
  private port: SerialPort | null = null;
  private buf = '';
  private fclass = '0';
  private bitOrder = 0;
  private readonly remotes = new Map<string, RemoteFax>();
  private call: { number: string; remote: Extract<RemoteFax, { kind: 'fax' }>; pages: Buffer[] } | null = null;
  private incoming: { stationId: string; pages: FaxPage[]; next: number; answered: boolean } | null = null;
  private deframer: DleDeframer | null = null;
  private awaitingDc2: FaxPage | null = null;
  private ringTimer: NodeJS.Timeout | null = null;
  /** Documents DTEs sent, in order. */
  readonly received: SimReceivedFax[] = [];
  /** Every AT command, in order. */
  readonly commands: string[] = [];
  localId = '';

  constructor(private readonly opts: Fax2SimOptions) {}

  async start(): Promise<void> {
    const port = new SerialPort({ path: this.opts.path, baudRate: this.opts.baudRate ?? 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('data', (d: Buffer) => this.onData(d));
    this.port = port;
  }

  async stop(): Promise<void> {
    if (this.ringTimer) clearInterval(this.ringTimer);
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
  }

  remote(number: string, behaviour: RemoteFax): void { this.remotes.set(number, behaviour); }

  /** A fax machine calls: RING every `everyMs` until answered; it sends `pages`. */
  ring(pages: FaxPage[], stationId = '+86 21 5555 0000', everyMs = 1000): void {
    this.incoming = { stationId, pages, next: 0, answered: false };
    const ring = () => { if (this.incoming && !this.incoming.answered) this.send('\r\nRING\r\n'); };
    ring();
    this.ringTimer = setInterval(ring, everyMs);
  }

  private send(s: string | Buffer): void { this.port?.write(s); }
  private reply(...lines: string[]): void { this.send(lines.map((l) => `\r\n${l}\r\n`).join('')); }

  private onData(d: Buffer): void {
    if (this.awaitingDc2) {
      const i = d.indexOf(DC2);
      if (i < 0) return;
      const page = this.awaitingDc2;
      this.awaitingDc2 = null;
      this.sendPage(page);
      d = d.subarray(i + 1);
    }
    if (this.deframer) {
      this.deframer.push(d);
      if (!this.deframer.done) return;
      this.call?.pages.push(this.deframer.data);
      d = this.deframer.rest;
      this.deframer = null;
      this.reply('OK');
    }
    this.buf += d.toString('latin1');
    let i: number;
    while ((i = this.buf.indexOf('\r')) >= 0) {
      const cmd = this.buf.slice(0, i).trim();
      this.buf = this.buf.slice(i + 1);
      if (cmd) this.command(cmd);
    }
  }

  private sendPage(page: FaxPage): void {
    const inc = this.incoming!;
    const last = inc.next >= inc.pages.length;
    this.send(dleFrame(page.data));
    this.reply('+FPS:1,0,0,0,0', `+FET:${last ? 2 : 0}`, 'OK');
  }

  private command(cmd: string): void {
    this.commands.push(cmd);
    const u = cmd.toUpperCase();
    const classes = this.opts.classes ?? ['0', '1', '1.0', '2', '2.0', '8'];
    if (u === 'AT' || u === 'ATZ' || u === 'ATE0' || u.startsWith('AT+FCC') || u.startsWith('AT+FIS')) { this.reply('OK'); return; }
    if (u === 'AT+FCLASS=?') { this.reply(classes.join(','), 'OK'); return; }
    const fc = /^AT\+FCLASS=([\d.]+)$/.exec(u);
    if (fc) { if (classes.includes(fc[1]!)) { this.fclass = fc[1]!; this.reply('OK'); } else this.reply('ERROR'); return; }
    const faxMode = this.fclass === '2.0' || this.fclass === '2';
    const bo = /^AT\+FBO=(\d)$/.exec(u);
    if (bo) { this.bitOrder = Number(bo[1]); this.reply(faxMode ? 'OK' : 'ERROR'); return; }
    const li = /^AT\+FLI="(.*)"$/i.exec(cmd);
    if (li) { this.localId = li[1]!; this.reply(faxMode ? 'OK' : 'ERROR'); return; }
    if (u === 'ATH' || u === 'ATH0') { this.hangup(false); this.reply('OK'); return; }
    if (!faxMode) { this.reply('ERROR'); return; }
    if (u.startsWith('ATD')) { this.dial(u.slice(3).replace(/^T/, '')); return; }
    if (u === 'ATA') { this.answer(); return; }
    if (u === 'AT+FDT') {
      if (!this.call) { this.reply('ERROR'); return; }
      this.reply('CONNECT');
      this.deframer = new DleDeframer(8 * 1024 * 1024);
      return;
    }
    const et = /^AT\+FET=(\d)$/.exec(u);
    if (et && this.call) {
      const n = this.call.pages.length;
      const reject = this.call.remote.rejectPage === n;
      if (reject) { this.reply('+FPS:2,0,0,0,0', '+FHS:54', 'OK'); this.hangup(false); return; }
      if (et[1] === '2') { this.reply('+FPS:1,0,0,0,0', '+FHS:00', 'OK'); this.hangup(true); return; }
      this.reply('+FPS:1,0,0,0,0', 'OK');
      return;
    }
    if (u === 'AT+FDR') {
      const inc = this.incoming;
      if (!inc?.answered) { this.reply('ERROR'); return; }
      if (inc.next >= inc.pages.length) { this.reply('+FHS:00', 'OK'); this.incoming = null; return; }
      const page = inc.pages[inc.next++]!;
      this.reply('CONNECT');
      this.awaitingDc2 = page;
      return;
    }
    this.reply('ERROR');
  }

  private dial(number: string): void {
    const r = this.remotes.get(number) ?? { kind: 'no-answer' };
    setTimeout(() => {
      if (r.kind === 'busy') { this.reply('BUSY'); return; }
      if (r.kind === 'no-answer') { this.reply('+FHS:11', 'NO CARRIER'); return; }
      this.call = { number, remote: r, pages: [] };
      this.reply('+FCO', `+FCI:"${r.stationId}"`, '+FCS:1,5,0,2,0,0,0,0', 'OK');
    }, 20);
  }

  private answer(): void {
    const inc = this.incoming;
    if (!inc) { this.reply('NO CARRIER'); return; }
    inc.answered = true;
    if (this.ringTimer) { clearInterval(this.ringTimer); this.ringTimer = null; }
    setTimeout(() => this.reply('+FCO', `+FTI:"${inc.stationId}"`, '+FCS:1,5,0,2,0,0,0,0', 'OK'), 20);
  }

  private hangup(complete: boolean): void {
    if (this.call) this.received.push({ number: this.call.number, pages: this.call.pages, complete });
    this.call = null;
  }
}

/** A class 2.0 fax modem simulator on a new pty pair (the demo's fax line). */
export async function startSimulatedFaxModem(opts: { ptyDir?: string } = {}): Promise<{ simulator: Fax2Simulator; driverPath: string; close(): Promise<void> }> {
  const pty = await createPtyPair(opts.ptyDir ? { dir: opts.ptyDir } : {});
  const simulator = new Fax2Simulator({ path: pty.simulatorPath });
  await simulator.start();
  return { simulator, driverPath: pty.driverPath, async close() { await simulator.stop(); await pty.close(); } };
}
