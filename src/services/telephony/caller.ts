/**
 * Who is calling, for one inbound call (session.ts): the number caller ID
 * gave (its E.164 key), the name, the customer record it matches and whether
 * the blacklist blocks it; and `call.ringing` with the screen pop, once,
 * after the customer lookup.
 */
import type { Logger } from 'pino';
import type { CallerId } from '../../core/ports.ts';
import type { CallRecord } from '../../core/call/records.ts';
import type { Customer } from '../../core/crm/records.ts';
import { customerSummary, type CustomerSummary } from '../../core/crm/summary.ts';
import type { LedgerCall } from '../calls/ledger.ts';
import type { TelephonyDeps } from './deps.ts';

export class Caller {
  number: string | null = null;
  name: string | null = null;
  customer: Customer | null = null;
  /** Set synchronously when caller ID matches the blacklist: this call is never answered into the IVR. */
  blocked = false;
  /** Settles once caller ID was looked up (customer, blacklist); null until caller ID came. */
  identified: Promise<void> | null = null;
  private announced = false;

  constructor(private readonly deps: TelephonyDeps, private readonly record: LedgerCall, private readonly where: { callId: string; lineId: string }, private readonly log: Logger) {}

  /** Caller ID came (once): blacklist from memory at once, then the customer lookup, the record and `call.ringing`; `onBlocked` after them when blocked. */
  learn(cid: CallerId, onBlocked: () => void): void {
    if (this.announced || this.identified) return;
    const key = cid.number ? this.deps.numbers.key(cid.number) : '';
    this.number = key || null;
    this.name = cid.name;
    const check = this.number ? this.deps.blacklist.check(this.number, 'inbound') : { blocked: false, match: null };
    this.blocked = check.blocked;
    const lookup = this.number ? this.deps.repos.customers.findByPhone(this.number) : Promise.resolve(null);
    this.identified = lookup.catch((err: unknown) => { this.log.warn({ err }, 'customer lookup failed'); return null; }).then((customer) => {
      this.customer = customer;
      this.announce(check.blocked);
      void this.record.update({
        number: this.number, callerName: this.name, withheld: cid.withheld, customerId: customer?.id ?? null,
        blacklistMatch: check.blocked ? check.match : null,
      });
      if (check.blocked) onBlocked();
    });
  }

  /** A call taken over: its row says who called (announced by the earlier owner); the customer is looked up again. */
  resume(row: CallRecord): void {
    this.announced = true;
    [this.number, this.name] = [row.number, row.callerName];
    const customer = row.customerId ? this.deps.repos.customers.get(row.customerId).catch(() => null) : Promise.resolve(null);
    this.identified = customer.then((c) => { this.customer = c; });
  }

  /** What events say about the caller's customer record (bounded), once caller ID was looked up. */
  summary(): CustomerSummary | null { return this.customer ? customerSummary(this.customer) : null; }

  /** `call.ringing` and, unless blacklisted, the screen pop: once. */
  announce(blacklisted = false): void {
    if (this.announced) return;
    this.announced = true;
    const customer = this.summary();
    this.record.ringing({ number: this.number, name: this.name, customer, blacklisted });
    if (!blacklisted) this.deps.bus.emit('screenpop', { agentId: null, callId: this.where.callId, lineId: this.where.lineId, number: this.number, customer });
  }
}
