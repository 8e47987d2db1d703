/**
 * SMS: the persistent outbound queue (rows in status queued survive a
 * restart), one sender per dongle with its rate limit, do-not-contact
 * (the blacklist, direction outbound, as campaigns check it), inbound
 * messages and delivery reports from the dongles, the customer's timeline,
 * and the `sms.received` / `sms.status` events.
 */
import type { Logger } from 'pino';
import type { SmsConfig } from '../../config/schema.ts';
import type { EventBus } from '../../core/events/bus.ts';
import { KefuError, isKefuError } from '../../core/errors.ts';
import type { ReceivedSms, SmsDongle, SmsDongleStatus, SmsStatusReport } from '../../core/sms/port.ts';
import { needsCustomer, renderTemplate, templateFields } from '../../core/sms/template.ts';
import type { Repos } from '../../db/repos/index.ts';
import { publicSms, type SmsMessage, type SmsRow } from '../../db/repos/sms.ts';
import type { BlacklistService } from '../blacklist.ts';
import type { NumberService } from '../numbers.ts';
import { RateWindow } from './rate.ts';

/** Longest text after a template is filled (about 10 UCS-2 parts). */
export const MAX_TEXT = 700;
/** Messages waiting in the queue at most; more are refused with 429. */
export const MAX_QUEUED = 10_000;
/** +CMS ERROR codes that will not change on a retry (23.040 §9.2.3.22 / 27.005 §3.2.5): unassigned number, barred, rejected, bad PDU... */
const PERMANENT_CMS = new Set(['1', '8', '10', '21', '27', '28', '29', '30', '50', '96', '304', '305']);

export interface SmsDeps { repos: Repos; numbers: NumberService; blacklist: BlacklistService; bus: EventBus; logger: Logger }
export interface Refusal { to: string; code: string; message: string }
export interface DongleView extends SmsDongleStatus { queued: number; ratePerMinute: number; nextSendAt: string | null }

interface Sender {
  cfg: SmsConfig; dongle: SmsDongle; rate: RateWindow; busy: boolean; off: () => void;
  /** The send under way, until its outcome is written (a delivery report can come before that). */
  sending: Promise<void> | null;
}

export class SmsService {
  private readonly senders = new Map<string, Sender>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly work = new Set<Promise<unknown>>();

  constructor(private readonly d: SmsDeps, dongles: Array<{ cfg: SmsConfig; dongle: SmsDongle }>) {
    for (const { cfg, dongle } of dongles) {
      const s: Sender = { cfg, dongle, rate: new RateWindow(cfg.ratePerMinute, 60_000), busy: false, off: () => undefined, sending: null };
      // Stored before the dongle deletes it from the SIM (a failed insert leaves it there for the next sweep).
      dongle.setReceiver((m) => this.onReceived(s, m));
      s.off = dongle.on((e) => {
        if (e.type === 'status-report') this.track(this.onReport(s, e.report));
        else if (e.type === 'state' && e.status.state === 'ready') this.kick();
      });
      this.senders.set(cfg.id, s);
    }
  }

  async start(): Promise<void> {
    const n = await this.d.repos.sms.requeueInterrupted();
    if (n) this.d.logger.warn({ messages: n }, 'SMS interrupted mid-send by a stop went back to the queue');
    for (const s of this.senders.values()) {
      // The rate window goes on across a restart.
      for (const at of await this.d.repos.sms.sentSince(s.cfg.id, 60_000)) s.rate.take(at.getTime());
      await s.dongle.start();
    }
    this.timer = setInterval(() => this.kick(), 1000);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const s of this.senders.values()) { s.off(); await s.dongle.stop(); }
    await Promise.allSettled([...this.work]);
  }

  /** Queues one message per recipient; refuses (per recipient) do-not-contact numbers and templates without a customer. */
  async send(req: { to: string[]; text?: string | undefined; template?: string | undefined }): Promise<{ items: SmsMessage[]; refused: Refusal[] }> {
    const body = req.text ?? req.template;
    if (body === undefined || (req.text !== undefined && req.template !== undefined)) throw new KefuError('BAD_REQUEST', 'body: give exactly one of text or template', { field: 'body.text' });
    if (req.template !== undefined) {
      const { unknown } = templateFields(req.template);
      if (unknown.length) throw new KefuError('BAD_REQUEST', `body.template: unknown field {{${unknown[0]}}} (known: name, company, title, email, number, attributes.KEY)`, { field: 'body.template' });
    }
    if (this.senders.size === 0) throw new KefuError('NOT_SUPPORTED', 'no SMS dongle is configured (config sms: [{ id, driver: gsm-dongle, port }])');
    const queued = await this.d.repos.sms.queuedCount();
    if (queued + req.to.length > MAX_QUEUED) throw new KefuError('RATE_LIMITED', `the SMS queue holds ${queued} messages (at most ${MAX_QUEUED}); try again later`);
    const items: SmsMessage[] = [];
    const refused: Refusal[] = [];
    const seen = new Set<string>();
    for (const [i, raw] of req.to.entries()) {
      const number = this.d.numbers.require(raw, `body.to[${i}]`);
      if (seen.has(number)) continue;
      seen.add(number);
      const dnc = this.d.blacklist.check(number, 'outbound');
      if (dnc.blocked) {
        refused.push({ to: number, code: 'DO_NOT_CONTACT', message: `${number} is on the do-not-contact list (${dnc.match?.kind} ${dnc.match?.value}, outbound): not sent` });
        continue;
      }
      const customer = await this.d.repos.customers.findByPhone(number);
      if (req.template !== undefined && !customer && needsCustomer(req.template)) {
        refused.push({ to: number, code: 'NO_CUSTOMER', message: `${number} is not a customer: the template needs customer fields` });
        continue;
      }
      const text = req.template !== undefined ? renderTemplate(req.template, number, customer) : body;
      if (text.trim() === '') { refused.push({ to: number, code: 'EMPTY_TEXT', message: `the template gave no text for ${number}` }); continue; }
      if (text.length > MAX_TEXT) { refused.push({ to: number, code: 'TEXT_TOO_LONG', message: `the template gave ${text.length} characters for ${number} (at most ${MAX_TEXT})` }); continue; }
      const row = await this.d.repos.sms.queue({ number, text, customerId: customer?.id ?? null });
      if (customer) await this.timeline(row, customer.id);
      this.status(row, null);
      items.push(publicSms(row));
    }
    this.kick();
    return { items, refused };
  }

  async dongles(): Promise<DongleView[]> {
    const out: DongleView[] = [];
    for (const s of this.senders.values()) {
      const next = s.rate.nextFreeAt(Date.now());
      out.push({ ...s.dongle.status(), queued: await this.d.repos.sms.queuedCount(s.cfg.id), ratePerMinute: s.cfg.ratePerMinute, nextSendAt: next ? new Date(next).toISOString() : null });
    }
    return out;
  }

  /** The live status of one dongle, for diagnostics (null: not configured). */
  dongleStatus(id: string): SmsDongleStatus | null {
    return this.senders.get(id)?.dongle.status() ?? null;
  }

  // ---- sending -----------------------------------------------------------------------------------

  private kick(): void {
    if (this.stopped) return;
    for (const s of this.senders.values()) if (!s.busy && s.dongle.status().state === 'ready' && s.rate.allows(Date.now())) this.track(this.pump(s));
  }

  private async pump(s: Sender): Promise<void> {
    s.busy = true;
    try {
      while (!this.stopped && s.dongle.status().state === 'ready' && s.rate.allows(Date.now())) {
        const row = await this.d.repos.sms.claim(s.cfg.id);
        if (!row) return;
        this.status(row, 'queued');
        s.rate.take(Date.now());
        s.sending = this.sendOne(s, row);
        try { await s.sending; } finally { s.sending = null; }
      }
    } finally {
      s.busy = false;
    }
  }

  private async sendOne(s: Sender, row: SmsRow): Promise<void> {
    try {
      const r = await s.dongle.send(row.number, row.text, { statusReport: s.cfg.deliveryReports });
      const after = await this.d.repos.sms.markSent(row.id, { refs: r.references, parts: r.parts, encoding: r.encoding, final: false });
      this.status(after, 'sending');
    } catch (err) {
      const cms = isKefuError(err, 'MODEM_ERROR') ? (err.details as { cms?: string | null } | undefined)?.cms ?? null : null;
      const permanent = (cms !== null && PERMANENT_CMS.has(cms)) || err instanceof RangeError;
      const retry = !permanent && row.attempts < s.cfg.maxAttempts;
      // A device pulled mid-send is retried as soon as it is back; other failures after retryAfterS.
      const at = retry ? new Date(Date.now() + (isKefuError(err, 'DEVICE_GONE') || isKefuError(err, 'LINE_OFFLINE') ? 0 : s.cfg.retryAfterS * 1000)) : null;
      const message = err instanceof Error ? err.message : String(err);
      this.d.logger.warn({ smsId: row.id, dongleId: s.cfg.id, err: message, retry }, 'SMS send failed');
      const after = await this.d.repos.sms.markFailed(row.id, message, at);
      this.status(after, 'sending');
    }
  }

  // ---- inbound -----------------------------------------------------------------------------------

  private async onReceived(s: Sender, m: ReceivedSms): Promise<void> {
    const key = /\d/.test(m.from) && /^\+?[\d\s-]+$/.test(m.from) ? this.d.numbers.key(m.from) || m.from : m.from;
    const customer = /^\+?\d+$/.test(key) ? await this.d.repos.customers.findByPhone(key) : null;
    const row = await this.d.repos.sms.received({ number: key, text: m.text, parts: m.parts, encoding: m.encoding, dongleId: s.cfg.id, customerId: customer?.id ?? null, incomplete: m.incomplete });
    if (customer) await this.timeline(row, customer.id);
    this.d.bus.emit('sms.received', { ...publicSms(row), sentAt: m.sentAt, partsReceived: m.received });
  }

  private async onReport(s: Sender, r: SmsStatusReport): Promise<void> {
    if (r.outcome === 'pending') return;
    // the report of the message just sent may come before its references are written; a send that failed
    // was logged by its pump (track), and the report is looked up all the same
    await s.sending?.catch(() => undefined);
    const hit = await this.d.repos.sms.partDelivered(s.cfg.id, r.reference, r.outcome === 'delivered', r.outcome === 'failed' ? `delivery failed (TP-ST 0x${r.status.toString(16).padStart(2, '0')})` : null);
    if (!hit) { this.d.logger.info({ dongleId: s.cfg.id, reference: r.reference }, 'delivery report for no message we know'); return; }
    if (hit.after.status !== hit.before.status) this.status(hit.after, hit.before.status);
  }

  private async timeline(row: SmsRow, customerId: string): Promise<void> {
    const summary = `SMS ${row.direction === 'inbound' ? 'from' : 'to'} ${row.number}: ${row.text.slice(0, 100)}`;
    await this.d.repos.interactions.add({ customerId, kind: 'sms', refId: row.id, summary, data: { direction: row.direction, number: row.number } });
  }

  private status(row: SmsRow, previous: string | null): void {
    this.d.bus.emit('sms.status', { id: row.id, number: row.number, status: row.status, previous, dongleId: row.dongleId, customerId: row.customerId, error: row.error, parts: row.parts });
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch((err: unknown) => this.d.logger.error({ err }, 'SMS work failed'));
    this.work.add(q);
    void q.finally(() => this.work.delete(q));
  }
}
