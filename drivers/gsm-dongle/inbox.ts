/**
 * Received messages and delivery reports on their way from the dongle to the
 * receiver: read from storage (+CMTI/+CDSI → +CMGR, and sweeps with +CMGL),
 * or taken as routed directly (+CMT/+CDS); long messages joined; a stored
 * slot deleted (+CMGD) only once the receiver stored the message. Reads and
 * deletes run one job at a time, so nothing is read twice.
 */
import type { ReceivedSms, SmsDongleEvent } from '../../src/core/sms/port.ts';
import type { ModemConnection } from '../v253-modem/connection.ts';
import type { Logger } from '../v253-modem/logger.ts';
import { parseCmgl, parseCmgr, parseCpms } from './at-replies.ts';
import { decodePdu } from './codec.ts';
import { Concatenator, type JoinedMessage } from './concat.ts';

export interface InboxHost {
  conn(): ModemConnection | null;
  emit(e: SmsDongleEvent): void;
  logger: Logger;
  /** The storage figures +CPMS gave after a sweep. */
  storage(s: { used: number; total: number } | null): void;
}

/** PDUs remembered per slot, at most. */
const MAX_REMEMBERED = 1000;

export class StoredInbox {
  private readonly concat: Concatenator;
  private receiver: ((m: ReceivedSms) => Promise<void>) | null = null;
  /** Storage slots ("SM:3") read and being handed over or deleted: not read again meanwhile. */
  private readonly inHand = new Set<string>();
  /**
   * The PDU last handed over from each slot. A +CMTI queued behind a sweep that
   * already read its slot (or a slot since reused) must not deliver it twice.
   */
  private readonly lastAt = new Map<string, string>();
  private chain: Promise<void> = Promise.resolve();
  private sweeping = false;

  constructor(private readonly host: InboxHost, concatTimeoutMs: number) {
    this.concat = new Concatenator({ timeoutMs: concatTimeoutMs, deliver: (m) => void this.deliverJoined(m) });
  }

  setReceiver(receiver: (message: ReceivedSms) => Promise<void>): void {
    this.receiver = receiver;
  }

  /** Slots being handed over: the store holds more than this when something was not announced. */
  get inHandCount(): number {
    return this.inHand.size;
  }

  /** +CMTI / +CDSI: a message or report stored at `index` of `mem`. */
  indication(mem: string, index: number): void {
    this.serial(() => this.readStored(mem, index));
  }

  /** +CMT / +CDS: the PDU itself (not stored on the device). */
  direct(hex: string): void {
    this.handlePdu(hex, null);
  }

  /** Reads every stored message and report (+CMGL=4) in SM and ME, hands them over; `done` when finished. */
  sweep(done?: () => void): void {
    const conn = this.host.conn();
    if (!conn || this.sweeping) return;
    this.sweeping = true;
    this.serial(async () => {
      for (const mem of ['SM', 'ME']) {
        // One memory argument: only the read/delete memory changes, never where new messages are stored.
        const sel = await conn.command(`AT+CPMS="${mem}"`);
        if (sel.result.code !== 'OK') continue;
        const r = await conn.command('AT+CMGL=4', { timeoutMs: 30_000 });
        if (r.result.code !== 'OK') continue;
        for (const m of parseCmgl(r.lines)) if (!this.inHand.has(`${mem}:${m.index}`)) this.handlePdu(m.pdu, `${mem}:${m.index}`);
      }
      const st = await conn.command('AT+CPMS?');
      this.host.storage(st.result.code === 'OK' ? parseCpms(st.lines) : null);
      done?.();
    }, () => { this.sweeping = false; });
  }

  /** Delivers the parts still waiting (incomplete): on stop. */
  drain(): void {
    this.concat.drain();
  }

  /** Decodes a received PDU; `storedAt` ("SM:3") when it was read from storage, null when routed directly. */
  private handlePdu(hex: string, storedAt: string | null): void {
    let d;
    try { d = decodePdu(hex); } catch (err) {
      this.host.logger.warn({ err: (err as Error).message }, 'undecodable PDU dropped');
      if (storedAt) this.free([storedAt]);
      return;
    }
    if (storedAt) {
      if (this.lastAt.get(storedAt) === hex) { if (!this.inHand.has(storedAt)) this.free([storedAt]); return; }
      if (this.lastAt.size >= MAX_REMEMBERED) this.lastAt.delete(this.lastAt.keys().next().value as string);
      this.lastAt.set(storedAt, hex);
      this.inHand.add(storedAt);
    }
    if (d.kind === 'deliver') { this.concat.add({ ...d, storedAt }); return; }
    this.host.emit({ type: 'status-report', report: { reference: d.reference, recipient: d.recipient, outcome: d.outcome, status: d.status } });
    if (storedAt) this.free([storedAt]);
  }

  /** A whole (or timed-out) message: out as an event, stored by the receiver, then freed on the device. */
  private async deliverJoined(m: JoinedMessage): Promise<void> {
    const { stored, ...message } = m;
    this.host.emit({ type: 'received', message });
    if (this.receiver) {
      try {
        await this.receiver(message);
      } catch (err) {
        this.host.logger.error({ err: (err as Error).message, stored }, 'received SMS not stored: left on the device for the next sweep');
        for (const slot of stored) { this.inHand.delete(slot); this.lastAt.delete(slot); }
        return;
      }
    }
    if (stored.length) this.free(stored);
  }

  /** Deletes storage slots ("SM:3"), one job after the reads already queued. */
  private free(slots: string[]): void {
    this.serial(async () => {
      const conn = this.host.conn();
      if (!conn) return;
      for (const slot of slots) {
        const [mem, index] = slot.split(':') as [string, string];
        await conn.command(`AT+CPMS="${mem}"`);
        await conn.command(`AT+CMGD=${index}`);
        this.inHand.delete(slot);
      }
    });
  }

  private async readStored(mem: string, index: number): Promise<void> {
    const conn = this.host.conn();
    const m = mem.replace(/[^A-Z]/gi, '') || 'SM';
    const slot = `${m}:${index}`;
    if (!conn || this.inHand.has(slot)) return;
    await conn.command(`AT+CPMS="${m}"`);
    const r = await conn.command(`AT+CMGR=${index}`);
    const pdu = r.result.code === 'OK' ? parseCmgr(r.lines) : null;
    if (pdu) this.handlePdu(pdu, slot);
  }

  private serial(job: () => Promise<void>, done?: () => void): void {
    this.chain = this.chain.then(job).catch((err: unknown) => {
      this.host.logger.warn({ err: (err as Error).message }, 'reading stored messages failed');
    }).finally(() => done?.());
  }
}
