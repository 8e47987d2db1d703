/**
 * A USB GSM/LTE dongle (Huawei E-series, ZTE MF-series, SIMCom/Quectel) over
 * its AT port, in 27.005 PDU mode. Turns wire traffic into typed events and
 * runs sends; decides nothing about business rules (queueing, retries, DNC
 * are the SMS service's).
 */
import { KefuError, isKefuError } from '../../src/core/errors.ts';
import type { ReceivedSms, SmsDongle, SmsDongleEvent, SmsDongleState, SmsDongleStatus, SmsSendResult } from '../../src/core/sms/port.ts';
import { ModemConnection, type CommandResult } from '../v253-modem/connection.ts';
import { silentLogger } from '../v253-modem/logger.ts';
import { encodeSubmit } from './codec.ts';
import { StoredInbox } from './inbox.ts';
import { transition, type DongleInput } from './machine.ts';
import { resolveOptions, type GsmDongleOptions, type ResolvedOptions } from './options.ts';
import { isSimAbsent, isUnsolicitedReg, parseCmgs, parseCpin, parseCpms, parseCsca, parseCsq, parseReg, parseStoredIndication } from './at-replies.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** +CMS ERROR 322: memory full (27.005 §3.2.5). */
export const CMS_MEMORY_FULL = '322';

export class GsmDongle implements SmsDongle {
  readonly id: string;
  private readonly o: ResolvedOptions;
  private conn: ModemConnection | null = null;
  private st: SmsDongleStatus;
  private readonly listeners = new Set<(e: SmsDongleEvent) => void>();
  private readonly inbox: StoredInbox;
  private expectPdu: 'cmt' | 'cds' | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private reopenTimer: NodeJS.Timeout | null = null;
  private reopenDelay: number;
  private stopped = true;
  private nextRef = Math.floor(Math.random() * 0x10000);
  private pinTried = false;

  constructor(opts: GsmDongleOptions) {
    this.o = resolveOptions(opts, silentLogger);
    this.id = opts.id;
    this.reopenDelay = this.o.reopenMinMs;
    this.st = { id: this.id, state: 'closed', sim: 'unknown', registration: 'unknown', signal: { csq: null, dbm: null }, smsc: null, identity: null, storage: null, problem: null };
    this.inbox = new StoredInbox({
      conn: () => this.conn, emit: (e) => this.emit(e), logger: this.o.logger, storage: (s) => { this.st.storage = s; },
    }, this.o.concatTimeoutMs);
  }

  setReceiver(receiver: (message: ReceivedSms) => Promise<void>): void {
    this.inbox.setReceiver(receiver);
  }

  status(): SmsDongleStatus {
    return { ...this.st, signal: { ...this.st.signal }, storage: this.st.storage ? { ...this.st.storage } : null };
  }

  on(listener: (e: SmsDongleEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.pinTried = false;
    await this.openAndInit();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.pollTimer = this.reopenTimer = null;
    this.inbox.drain();
    const c = this.conn;
    this.conn = null;
    this.apply({ type: 'stop' });
    await c?.close();
  }

  async send(to: string, text: string, opts: { statusReport: boolean }): Promise<SmsSendResult> {
    const conn = this.conn;
    if (this.st.state !== 'ready' || !conn) throw new KefuError('LINE_OFFLINE', `dongle ${this.id} cannot send: ${this.st.state}${this.st.problem ? ` (${this.st.problem})` : ''}`, { dongleId: this.id, state: this.st.state });
    const ref = this.nextRef++ & 0xffff;
    const enc = encodeSubmit(to, text, { statusReport: opts.statusReport, ref });
    const references: number[] = [];
    for (const part of enc.parts) {
      const r = await conn.command(`AT+CMGS=${part.tpduLength}`, { promptReply: Buffer.from(`${part.pdu}\x1a`, 'latin1'), timeoutMs: this.o.sendTimeoutMs });
      if (r.result.code !== 'OK') {
        const cms = r.result.code === 'CMS ERROR' ? r.result.detail : null;
        if (cms === CMS_MEMORY_FULL) this.storageFull();
        throw new KefuError('MODEM_ERROR', `dongle ${this.id}: part ${references.length + 1}/${enc.parts.length} refused: ${r.result.code}${r.result.detail ? ' ' + r.result.detail : ''}`, { dongleId: this.id, cms, sentParts: references.length });
      }
      const mr = parseCmgs(r.lines);
      if (mr === null) throw new KefuError('MODEM_ERROR', `dongle ${this.id}: +CMGS gave no message reference`, { dongleId: this.id, cms: null });
      references.push(mr);
    }
    return { references, parts: enc.parts.length, encoding: enc.encoding };
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  private async openAndInit(): Promise<void> {
    if (this.stopped) return;
    this.apply({ type: 'open' });
    try {
      const conn = await ModemConnection.open({
        path: this.o.path, baudRate: this.o.baudRate, timeoutMs: 5000, commandTimeoutMs: this.o.commandTimeoutMs,
        logger: this.o.logger, isUnsolicited: (t) => this.isUnsolicited(t),
      });
      if (this.stopped) { await conn.close(); return; }
      this.conn = conn;
      conn.attach({
        unsolicited: (t) => this.unsolicited(t), strayFinal: () => undefined, dle: () => undefined, audio: () => undefined, rxEnd: () => undefined,
        closed: (reason, intentional) => { if (!intentional) this.lost(reason); },
      });
      await this.init(conn);
      this.reopenDelay = this.o.reopenMinMs;
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message }, 'dongle open/init failed');
      this.lost((err as Error).message);
    }
  }

  private lost(reason: string): void {
    if (this.stopped) return;
    this.st.problem = `device gone: ${reason}`;
    if (this.pollTimer) { clearInterval(this.pollTimer); this.pollTimer = null; }
    const c = this.conn;
    this.conn = null;
    if (c?.isOpen) void c.close();
    this.apply({ type: 'gone' });
    if (this.reopenTimer) return;
    const delay = this.reopenDelay;
    this.reopenDelay = Math.min(this.reopenDelay * 2, this.o.reopenMaxMs);
    this.reopenTimer = setTimeout(() => { this.reopenTimer = null; void this.openAndInit(); }, delay);
  }

  private async init(conn: ModemConnection): Promise<void> {
    // A process stopped between AT+CMGS and the PDU leaves the dongle taking every
    // byte as message text until Ctrl-Z or ESC. ESC first cancels such a half-entered
    // message (the dongle answers OK); otherwise the dongle ignores it and stays quiet.
    await conn.command('<ESC>', { raw: Buffer.from([0x1b]), timeoutMs: 1000 })
      .catch((e: unknown) => { if (isKefuError(e, 'DEVICE_GONE')) throw e; });
    let alive = false;
    for (let i = 0; i < 3 && !alive; i++) alive = await conn.command('AT', { timeoutMs: 1000 }).then((r) => r.result.code === 'OK', (e: unknown) => { if (isKefuError(e, 'DEVICE_GONE')) throw e; return false; });
    if (!alive) throw new KefuError('MODEM_TIMEOUT', 'the device does not answer AT');
    await conn.command('ATE0');
    await conn.command('AT+CMEE=1');
    const man = await this.lines(conn, 'AT+CGMI');
    const model = await this.lines(conn, 'AT+CGMM');
    this.st.identity = [...man, ...model].map((l) => l.replace(/^\+CGM[IM]:\s*/, '')).join(' ').trim() || null;
    if (!(await this.unlockSim(conn))) return this.startPolling(conn);
    await conn.run('AT+CMGF=0');
    if (this.o.inbound === 'direct') await conn.command('AT+CSMS=1');
    await conn.run(`AT+CNMI=2,${this.o.inbound === 'direct' ? 2 : 1},0,${this.o.reports === 'store' ? 2 : 1},0`);
    this.st.smsc = parseCsca(await this.lines(conn, 'AT+CSCA?'));
    if (!this.st.smsc) this.st.problem = 'no SMS centre number (+CSCA) on the SIM';
    await conn.command('AT+CREG=1');
    await this.poll(conn);
    this.startPolling(conn);
  }

  /** True when the SIM is ready (after sending the configured PIN if it asked). */
  private async unlockSim(conn: ModemConnection): Promise<boolean> {
    for (let i = 0; i < 10; i++) {
      const r = await conn.command('AT+CPIN?');
      const sim = r.result.code === 'OK' ? parseCpin(r.lines) : r.result.code === 'CME ERROR' && isSimAbsent(r.result.detail) ? 'absent' : 'error';
      this.st.sim = sim;
      if (sim === 'ready') { this.pinTried = false; this.apply({ type: 'sim', sim: 'ready' }); return true; }
      if (sim === 'absent' || sim === 'error') {
        this.st.problem = sim === 'absent' ? 'no SIM card in the dongle' : `SIM error (${r.result.code} ${r.result.detail})`;
        this.apply({ type: 'sim', sim: 'error' });
        return false;
      }
      if (sim === 'puk-required' || !this.o.pin || this.pinTried) {
        this.st.problem = sim === 'puk-required' ? 'SIM blocked: it wants its PUK (unblock it in a phone)'
          : this.pinTried ? 'SIM PIN rejected: check sms[].pin (not retried: a SIM locks after 3 wrong PINs)' : 'SIM wants a PIN: set sms[].pin';
        this.apply({ type: 'sim', sim: 'locked' });
        return false;
      }
      this.pinTried = true;
      // The PIN goes out as raw bytes so that the command name logged never holds it.
      const pr = await conn.command('AT+CPIN=<pin>', { raw: Buffer.from(`AT+CPIN="${this.o.pin}"\r`, 'latin1') });
      if (pr.result.code !== 'OK') continue; // CPIN? again reports what the SIM wants now
      await sleep(200); // a SIM answers +CPIN? with its old state for a moment after the PIN
    }
    this.apply({ type: 'sim', sim: 'error' });
    return false;
  }

  private startPolling(conn: ModemConnection): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = setInterval(() => {
      if (this.conn === conn) void this.poll(conn).catch((err: unknown) => this.o.logger.debug({ err: (err as Error).message }, 'status poll failed'));
    }, this.o.statusPollMs);
  }

  /** Signal, registration, storage; re-checks the SIM when it was not ready. */
  private async poll(conn: ModemConnection): Promise<void> {
    if (this.st.state === 'sim-locked' || this.st.state === 'sim-error') {
      if (!(await this.unlockSim(conn))) return;
      await this.init(conn);
      return;
    }
    this.st.signal = parseCsq(await this.lines(conn, 'AT+CSQ'));
    const regs = [...await this.lines(conn, 'AT+CREG?'), ...await this.lines(conn, 'AT+CEREG?')].map(parseReg).filter((r) => r !== null);
    const reg = regs.find((r) => r === 'home' || r === 'roaming') ?? regs[0] ?? 'unknown';
    this.setRegistration(reg);
    this.st.storage = parseCpms(await this.lines(conn, 'AT+CPMS?'));
    const store = this.st.storage;
    if (store && store.total > 0 && store.used >= store.total) this.storageFull();
    // Messages no indication announced (a lost +CMTI, a slot freed late) are picked up here.
    else if (store && store.used > this.inbox.inHandCount) this.inbox.sweep();
  }

  private setRegistration(reg: SmsDongleStatus['registration']): void {
    this.st.registration = reg;
    const yes = reg === 'home' || reg === 'roaming';
    const was = this.st.state;
    this.apply({ type: 'registered', yes });
    if (yes && was !== 'ready' && this.st.state === 'ready') {
      if (this.st.problem?.startsWith('device gone') || this.st.problem?.startsWith('SIM')) this.st.problem = null;
      this.inbox.sweep(); // messages stored while we were away
    }
  }

  // ---- inbound ---------------------------------------------------------------------------------

  private isUnsolicited(text: string): boolean {
    if (this.expectPdu) return /^[0-9A-Fa-f]+$/.test(text);
    return /^\+(CMTI|CDSI|CMT|CDS):/.test(text) || text.startsWith('^') || isUnsolicitedReg(text);
  }

  private unsolicited(text: string): void {
    if (this.expectPdu) {
      const kind = this.expectPdu;
      this.expectPdu = null;
      if (/^[0-9A-Fa-f]+$/.test(text)) { this.inbox.direct(text); if (kind === 'cmt' || kind === 'cds') void this.ack(); return; }
    }
    if (/^\+CMT:/.test(text)) { this.expectPdu = 'cmt'; return; }
    if (/^\+CDS:/.test(text)) { this.expectPdu = 'cds'; return; }
    const stored = parseStoredIndication(text);
    if (stored) { this.inbox.indication(stored.mem, stored.index); return; }
    if (/^\^SMMEMFULL/i.test(text)) { this.storageFull(); return; }
    if (isUnsolicitedReg(text)) {
      const reg = parseReg(text);
      if (reg) this.setRegistration(reg);
    }
  }

  /** +CNMA: the host took a directly routed message (phase 2+, AT+CSMS=1). */
  private async ack(): Promise<void> {
    if (this.o.inbound !== 'direct' || !this.conn) return;
    await this.conn.command('AT+CNMA').catch((err: unknown) => {
      // the network repeats an unacknowledged message, and the joiner drops a part it already has
      this.o.logger.warn({ err, dongleId: this.id }, 'dongle: +CNMA (acknowledge a received message) failed');
    });
  }

  private storageFull(): void {
    this.st.problem = 'message storage full: reading and deleting stored messages';
    this.inbox.sweep(() => { if (this.st.problem?.startsWith('message storage full')) this.st.problem = null; });
  }

  // ---- plumbing --------------------------------------------------------------------------------

  private async lines(conn: ModemConnection, cmd: string): Promise<string[]> {
    const r: CommandResult = await conn.command(cmd);
    return r.result.code === 'OK' ? r.lines : [];
  }

  private apply(input: DongleInput): void {
    const from = this.st.state;
    const to = transition(from, input);
    if (to === null) return;
    this.st.state = to;
    this.o.logger.info({ dongleId: this.id, from, event: input.type, to }, 'dongle state');
    this.emit({ type: 'state', status: this.status(), from: from as SmsDongleState });
  }

  private emit(e: SmsDongleEvent): void {
    for (const l of this.listeners) {
      try { l(e); } catch (err) { this.o.logger.error({ err }, 'dongle listener threw'); }
    }
  }
}
