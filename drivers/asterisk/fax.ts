/**
 * Fax on Asterisk (res_fax + res_fax_spandsp) behind the FaxTransport port.
 * The dialplan does the T.30 work (dialplans/pbx/extensions.conf, contexts
 * `kefu-fax` and `kefu-fax-done`); this driver
 * - originates outbound faxes over AMI straight into `kefu-fax,send`,
 * - hands inbound legs over with ARI `continue` to `kefu-fax,receive`,
 * - sets the globals KEFU_FAX_DIR (where received faxes go: a fax tone
 *   heard on a call in `from-lines` is received there by the dialplan alone)
 *   and KEFU_FAX_STATION,
 * - turns the dialplan's AMI user events KefuFaxStart / KefuFax into
 *   `receiving` / `done`.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { FaxEvent, FaxTransport } from '../../src/core/ports.ts';
import { isKefuError } from '../../src/core/errors.ts';
import { AmiClient, type AmiOptions } from './ami-client.ts';
import { AriClient, type AriOptions } from './ari-client.ts';
import type { AmiMessage } from './ami-parser.ts';
import { faxOutcome } from './fax-result.ts';

export const FAX_CONTEXT = 'kefu-fax';

export class AsteriskFax implements FaxTransport {
  private readonly ari: AriClient;
  private ami: AmiClient | null = null;
  private readonly listeners = new Set<(e: FaxEvent) => void>();
  private settings: { spoolDir: string; stationId: string } | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(ari: AriOptions, private readonly amiOptions: AmiOptions, private readonly log: Logger) {
    this.ari = new AriClient(ari);
  }

  on(listener: (e: FaxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: FaxEvent): void {
    for (const l of this.listeners) { try { l(e); } catch (err) { this.log.error({ err }, 'fax event listener failed'); } }
  }

  async start(opts: { spoolDir: string; stationId: string }): Promise<void> {
    this.settings = opts;
    this.stopped = false;
    await this.connect();
  }

  /** AMI with user events; again after every drop, with the globals set anew. */
  private async connect(): Promise<void> {
    if (this.stopped) return;
    const ami = new AmiClient({ ...this.amiOptions, events: 'user', onClose: () => { this.ami = null; this.later(); } });
    ami.on((m) => this.onAmi(m));
    try {
      await ami.connect();
      await ami.action('Setvar', { Variable: 'KEFU_FAX_DIR', Value: this.settings!.spoolDir });
      await ami.action('Setvar', { Variable: 'KEFU_FAX_STATION', Value: this.settings!.stationId });
      this.ami = ami;
      this.log.info('fax: connected to the PBX (AMI)');
    } catch (err) {
      this.log.warn({ err }, 'fax: AMI not reachable yet; retrying');
      await ami.close().catch(() => undefined); // a half-open socket: nothing to report
      this.later();
    }
  }

  private later(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => { this.retry = null; void this.connect(); }, 2000);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const ami = this.ami;
    this.ami = null;
    await ami?.close();
  }

  private onAmi(m: AmiMessage): void {
    if (m.Event !== 'UserEvent') return;
    const faxId = m.Fax ?? '';
    if (!faxId) return;
    if (m.UserEvent === 'KefuFaxStart') {
      const detected = m.Detected === 'cng' ? 'cng' : 'ivr';
      this.emit({ type: 'receiving', faxId, legId: m.Uniqueid ?? null, number: m.Number || null, file: m.File ?? '', detected });
    } else if (m.UserEvent === 'KefuFax') {
      this.emit({ type: 'done', faxId, outcome: faxOutcome(m) });
    }
  }

  async send(o: { faxId: string; dial: string; file: string; callerId: string; timeoutS: number }): Promise<'answered' | 'no-answer' | 'busy' | 'failed'> {
    const ami = this.ami;
    if (!ami) return 'failed';
    try {
      // Synchronous Originate: the response comes once the far end answered (the dialplan then runs SendFAX) or the dial failed.
      await ami.action('Originate', {
        Channel: o.dial, Context: FAX_CONTEXT, Exten: 'send', Priority: 1, ChannelId: randomUUID(), Timeout: o.timeoutS * 1000,
        CallerID: o.callerId, Variable: [`KEFU_FAX_ID=${o.faxId}`, `KEFU_FAX_FILE=${o.file}`],
      }, o.timeoutS * 1000 + 10_000);
      return 'answered';
    } catch (err) {
      if (isKefuError(err) && (err.details as { amiError?: string } | undefined)?.amiError) return 'no-answer';
      this.log.warn({ err, faxId: o.faxId }, 'fax: originate failed');
      return 'failed';
    }
  }

  /**
   * Dial a fax machine that sends when answered and receive from it (polling;
   * the bench times reception with it). Same results as `send`; `done` follows an answer.
   */
  async poll(o: { faxId: string; dial: string; file: string; callerId: string; timeoutS: number }): Promise<'answered' | 'no-answer' | 'failed'> {
    const ami = this.ami;
    if (!ami) return 'failed';
    try {
      await ami.action('Originate', {
        Channel: o.dial, Context: FAX_CONTEXT, Exten: 'receive', Priority: 1, ChannelId: randomUUID(), Timeout: o.timeoutS * 1000,
        CallerID: o.callerId, Variable: [`KEFU_FAX_ID=${o.faxId}`, `KEFU_FAX_FILE=${o.file}`, 'KEFU_FAX_DETECTED=poll'],
      }, o.timeoutS * 1000 + 10_000);
      return 'answered';
    } catch (err) {
      if (isKefuError(err) && (err.details as { amiError?: string } | undefined)?.amiError) return 'no-answer';
      return 'failed';
    }
  }

  async receive(legId: string, o: { faxId: string; file: string }): Promise<void> {
    const chan = `/channels/${encodeURIComponent(legId)}`;
    await this.ari.request('POST', `${chan}/variable`, { variable: 'KEFU_FAX_ID', value: o.faxId });
    await this.ari.request('POST', `${chan}/variable`, { variable: 'KEFU_FAX_FILE', value: o.file });
    await this.ari.request('POST', `${chan}/variable`, { variable: 'KEFU_FAX_DETECTED', value: 'ivr' });
    await this.ari.request('POST', `${chan}/continue`, { context: FAX_CONTEXT, extension: 'receive', priority: 1 });
  }
}
