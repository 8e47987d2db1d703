/**
 * Fax through a modem that does T.30 itself (service class 2.0, or class 2
 * for the report names): the DTE side. One AT command in flight, matched to
 * its final result with a time-out that names the command; page data moves
 * DLE-framed in direct bit order (AT+FBO=0). Sends and receives whole
 * multi-page TIFFs (fax2-protocol.ts for the wire, src/core/fax/tiff.ts for
 * the pages).
 */
import { SerialPort } from 'serialport';
import { KefuError } from '../../src/core/errors.ts';
import type { FaxOutcome } from '../../src/core/fax/records.ts';
import { cleanStationId } from '../../src/core/fax/station.ts';
import { readFaxPages, writeFaxTiff, type FaxPage } from '../../src/core/fax/tiff.ts';
import { countT4Rows } from '../../src/core/fax/t4.ts';
import { DC2, DleDeframer, dleFrame, hangupText, parseFax2Report, reverseBits } from './fax2-protocol.ts';

const FINAL = /^(OK|ERROR|CONNECT|NO CARRIER|BUSY|NO ANSWER|NO DIALTONE|NO DIAL TONE)$/;
/** Largest page (coded) accepted from the line. */
const MAX_PAGE_BYTES = 4 * 1024 * 1024;

export interface Class2FaxOptions {
  path: string;
  baudRate?: number;
  /** Our station id (AT+FLI). */
  stationId?: string;
  /** Most pages received in one fax. Default 50. */
  maxPages?: number;
  /** Time-out of a plain command. Default 5000 ms. */
  commandTimeoutMs?: number;
  /** Time-out of dialling/answering and of each page. Default 90 000 ms. */
  sessionTimeoutMs?: number;
}

interface Result { final: string; lines: string[] }

export class Class2FaxModem {
  private port: SerialPort | null = null;
  private text = '';
  private readonly lines: string[] = [];
  private lineWaiter: (() => void) | null = null;
  private deframer: DleDeframer | null = null;
  private dataWaiter: (() => void) | null = null;

  constructor(private readonly opts: Class2FaxOptions) {}

  async open(): Promise<void> {
    const port = new SerialPort({ path: this.opts.path, baudRate: this.opts.baudRate ?? 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(new KefuError('DEVICE_GONE', `${this.opts.path}: ${err.message}`)) : resolve())));
    port.on('data', (d: Buffer) => this.onData(d));
    this.port = port;
    await this.command('ATE0');
    await this.command('AT+FCLASS=2.0');
    await this.command('AT+FBO=0');
    if (this.opts.stationId) await this.command(`AT+FLI="${this.opts.stationId.replace(/"/g, '')}"`);
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
  }

  private onData(d: Buffer): void {
    if (this.deframer) {
      this.deframer.push(d);
      if (!this.deframer.done) return;
      const rest = this.deframer.rest;
      this.dataWaiter?.();
      d = rest;
    }
    this.text += d.toString('latin1');
    let i: number;
    while ((i = this.text.search(/[\r\n]/)) >= 0) {
      const line = this.text.slice(0, i).trim();
      this.text = this.text.slice(i + 1);
      if (line) this.lines.push(line);
    }
    if (this.text.length > 4096) this.text = this.text.slice(-4096); // a line never ends: keep the tail only
    this.lineWaiter?.();
  }

  private async nextLine(timeoutMs: number, what: string): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new KefuError('MODEM_TIMEOUT', `${what}: no answer from the modem in ${timeoutMs} ms`);
      await new Promise<void>((resolve) => { const t = setTimeout(resolve, left); this.lineWaiter = () => { clearTimeout(t); resolve(); }; });
      this.lineWaiter = null;
    }
    return this.lines.shift()!;
  }

  private write(data: string | Buffer): void {
    if (!this.port) throw new KefuError('DEVICE_GONE', `${this.opts.path} is not open`);
    this.port.write(data);
  }

  /** Lines up to the final result of what was sent (a command, or page data). */
  private async until(what: string, timeoutMs: number): Promise<Result> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.nextLine(timeoutMs, what);
      if (FINAL.test(line)) return { final: line, lines };
      lines.push(line);
    }
  }

  async command(cmd: string, timeoutMs = this.opts.commandTimeoutMs ?? 5000): Promise<Result> {
    this.write(`${cmd}\r`);
    const r = await this.until(cmd, timeoutMs);
    if (r.final === 'ERROR' && !cmd.startsWith('ATD') && !cmd.startsWith('ATA')) throw new KefuError('MODEM_ERROR', `${cmd}: ERROR`);
    return r;
  }

  /** Waits for a RING (a caller) up to `timeoutMs`. */
  async waitRing(timeoutMs: number): Promise<void> {
    for (;;) if ((await this.nextLine(timeoutMs, 'waiting for RING')) === 'RING') return;
  }

  /** Dial `number` and send the pages of `tiff`. */
  async send(number: string, tiff: Buffer, onConnected?: () => void): Promise<FaxOutcome> {
    const pages = readFaxPages(tiff);
    if (pages.length === 0) throw new KefuError('UNPROCESSABLE', 'document: no pages');
    const session = this.opts.sessionTimeoutMs ?? 90_000;
    const dial = await this.command(`ATD${number.replace(/[^0-9*#+,]/g, '')}`, session);
    const s = this.reports(dial.lines);
    if (dial.final !== 'OK' || !s.connected) return outcome(false, 0, s.remoteId, dial.final === 'BUSY' ? 'BUSY' : dial.final === 'NO ANSWER' || dial.final === 'NO CARRIER' ? 'NO_ANSWER' : 'NO_FAX', s.hangup);
    onConnected?.();
    let sent = 0;
    for (let i = 0; i < pages.length; i++) {
      const start = await this.command('AT+FDT', session);
      if (start.final !== 'CONNECT') return this.end(sent, s.remoteId, 'PROTOCOL_ERROR', this.reports(start.lines).hangup);
      const p = pages[i]!;
      this.write(dleFrame(p.fillOrder === 2 ? p.data : reverseBits(p.data)));
      const data = await this.until(`page ${i + 1} data`, session);
      if (data.final !== 'OK') return this.end(sent, s.remoteId, 'PROTOCOL_ERROR', this.reports(data.lines).hangup);
      const post = await this.command(`AT+FET=${i + 1 < pages.length ? 0 : 2}`, session);
      const r = this.reports(post.lines);
      if (r.pageStatus !== 1) return this.end(sent, s.remoteId, 'PAGE_REJECTED', r.hangup);
      sent++;
      if (r.hangup !== null && i + 1 < pages.length) return this.end(sent, s.remoteId, 'HANGUP', r.hangup);
    }
    return outcome(true, sent, s.remoteId, 'OK', 0);
  }

  /** Answer a ringing line as a fax and receive; resolves with the pages as a TIFF (null when none came). */
  async receive(): Promise<{ outcome: FaxOutcome; tiff: Buffer | null }> {
    const session = this.opts.sessionTimeoutMs ?? 90_000;
    const answer = await this.command('ATA', session);
    const s = this.reports(answer.lines);
    if (answer.final !== 'OK' || !s.connected) return { outcome: outcome(false, 0, s.remoteId, 'NO_FAX', s.hangup), tiff: null };
    const pages: FaxPage[] = [];
    const session0 = s.session;
    for (;;) {
      if (pages.length >= (this.opts.maxPages ?? 50)) { await this.command('ATH'); break; }
      this.deframer = null;
      const start = await this.command('AT+FDR', session);
      const r0 = this.reports(start.lines);
      if (start.final !== 'CONNECT') {
        const done = r0.hangup === 0 && pages.length > 0;
        return { outcome: outcome(done, pages.length, s.remoteId, done ? 'OK' : 'PROTOCOL_ERROR', r0.hangup), tiff: pages.length ? writeFaxTiff(pages) : null };
      }
      const deframer = new DleDeframer(MAX_PAGE_BYTES);
      const got = new Promise<void>((resolve) => { this.dataWaiter = resolve; });
      this.deframer = deframer;
      this.write(Buffer.from([DC2]));
      await withTimeout(got, session, `page ${pages.length + 1} data`);
      this.deframer = null;
      this.dataWaiter = null;
      const post = await this.until(`page ${pages.length + 1} status`, session);
      const r = this.reports(post.lines);
      const fine = (session0?.[0] ?? 1) === 1;
      const twoD = (session0?.[4] ?? 0) > 0;
      const data = deframer.data;
      pages.push({ width: 1728, height: countT4Rows(data, 2, twoD), xRes: 204, yRes: fine ? 196 : 98, compression: 3, t4Options: twoD ? 1 : 0, fillOrder: 2, data });
      if (r.postPage === 2 || r.postPage === null) {
        const end = await this.command('AT+FDR', session);
        const h = this.reports(end.lines).hangup ?? 0;
        return { outcome: outcome(h === 0, pages.length, s.remoteId, h === 0 ? 'OK' : 'HANGUP', h), tiff: writeFaxTiff(pages) };
      }
    }
    return { outcome: outcome(false, pages.length, s.remoteId, 'TOO_MANY_PAGES', null), tiff: writeFaxTiff(pages) };
  }

  private async end(pages: number, remoteId: string | null, code: string, hangup: number | null): Promise<FaxOutcome> {
    await this.command('ATH').catch(() => undefined); // the session failed already; hanging up is best effort
    return outcome(false, pages, remoteId, code, hangup);
  }

  private reports(lines: string[]): { connected: boolean; remoteId: string | null; session: number[] | null; pageStatus: number | null; postPage: number | null; hangup: number | null } {
    const r = { connected: false, remoteId: null as string | null, session: null as number[] | null, pageStatus: null as number | null, postPage: null as number | null, hangup: null as number | null };
    for (const l of lines) {
      const x = parseFax2Report(l);
      if (!x) continue;
      if (x.kind === 'connect') r.connected = true;
      else if (x.kind === 'remoteId') r.remoteId = cleanStationId(x.id);
      else if (x.kind === 'session') r.session = x.params;
      else if (x.kind === 'pageStatus') r.pageStatus = x.status;
      else if (x.kind === 'postPage') r.postPage = x.message;
      else r.hangup = x.status;
    }
    return r;
  }
}

function outcome(ok: boolean, pages: number, remoteStationId: string | null, code: string, hangup: number | null): FaxOutcome {
  const text = code === 'OK' ? 'sent or received in full' : hangup !== null ? hangupText(hangup) : code.toLowerCase().replace(/_/g, ' ');
  return { ok, pages, remoteStationId, resultCode: code, resultText: text, bitRate: null };
}

async function withTimeout(p: Promise<void>, ms: number, what: string): Promise<void> {
  let t: NodeJS.Timeout | undefined;
  try {
    await Promise.race([p, new Promise<never>((_, reject) => { t = setTimeout(() => reject(new KefuError('MODEM_TIMEOUT', `${what}: nothing from the modem in ${ms} ms`)), ms); })]);
  } finally { clearTimeout(t); }
}
