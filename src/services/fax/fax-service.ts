/**
 * Faxes, sent and received, on the backends that do T.30 themselves (the
 * FaxTransport port: Asterisk's res_fax; a class 2.0 modem line). Owns the
 * fax rows, the documents in the private fax folder, the retry schedule and
 * the `fax.status` / `fax.received` events.
 *
 * Sending: the PDF is kept as given, converted to TIFF-F, and tried up to
 * `fax.retry.maxAttempts` times. Receiving: the backend writes the TIFF to
 * the spool folder; once the session is over it moves into the fax folder
 * with a PDF made from it, and the fax joins the customer's timeline.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../../config/schema.ts';
import type { FaxEvent, FaxTransport } from '../../core/ports.ts';
import type { FaxOutcome } from '../../core/fax/records.ts';
import { nextAttemptDelayMs } from '../../core/fax/retry.ts';
import { tiffPages } from '../../core/fax/tiff.ts';
import { dialDigits } from '../../core/numbers/normalize.ts';
import { KefuError } from '../../core/errors.ts';
import type { EventBus } from '../../core/events/bus.ts';
import type { Repos } from '../../db/repos/index.ts';
import type { FaxRow } from '../../db/repos/fax.ts';
import type { NumberService } from '../numbers.ts';
import type { BlacklistService } from '../blacklist.ts';
import { ensurePrivateFolder } from '../files/private-folder.ts';
import { dialString } from '../pbx/click-to-dial.ts';
import { faxTiffToPdf, pdfPageCount, pdfToFaxTiff } from './documents.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A line faxes can go out on: its transport and how a number is dialled on it. */
export interface FaxLine { id: string; transport: FaxTransport; dial(digits: string): string }

interface Deps { config: Readonly<Config>; logger: Logger; bus: EventBus; repos: Repos; numbers: NumberService; blacklist: Pick<BlacklistService, 'check'> }

export class FaxService {
  readonly dir: string;
  readonly spoolDir: string;
  private readonly lines = new Map<string, FaxLine>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Outbound sessions waiting for their `done`. */
  private readonly waiting = new Map<string, (o: FaxOutcome) => void>();
  /** Inbound sessions: the backend's id -> our fax id and the file it writes. */
  private readonly inbound = new Map<string, { id: string; file: string; created: Promise<unknown> }>();
  private readonly unsubscribe: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly d: Deps) {
    this.dir = d.config.fax.dir ?? resolve(d.config.dataDir, 'fax');
    this.spoolDir = d.config.fax.spoolDir ?? resolve(d.config.dataDir, 'fax-spool');
  }

  /** An Asterisk trunk line: numbers are dialled through its endpoint. */
  static pbxLine(line: { id: string; endpoint?: string | undefined }, transport: FaxTransport): FaxLine {
    return { id: line.id, transport, dial: (digits) => dialString(line.endpoint ?? '', digits) };
  }

  /** A class 2.0 fax modem: numbers are dialled as digits. */
  static modemLine(id: string, transport: FaxTransport): FaxLine {
    return { id, transport, dial: (digits) => digits };
  }

  addLine(line: FaxLine): void {
    this.lines.set(line.id, line);
    if ([...this.lines.values()].filter((l) => l.transport === line.transport).length === 1) {
      this.unsubscribe.push(line.transport.on((e) => { void this.onEvent(line, e); }));
    }
  }

  lineIds(): string[] { return [...this.lines.keys()]; }

  async start(): Promise<void> {
    await ensurePrivateFolder(this.dir);
    await mkdir(this.spoolDir, { recursive: true, mode: 0o700 });
    for (const t of new Set([...this.lines.values()].map((l) => l.transport))) await t.start({ spoolDir: this.spoolDir, stationId: this.d.config.fax.stationId });
    // A restart cut these off: receptions are lost (the far end will resend); sends go again.
    for (const f of await this.d.repos.fax.interrupted()) await this.finish(f, 'failed', this.failure('INTERRUPTED', 'kefu restarted during the fax'));
    for (const f of await this.d.repos.fax.pending()) this.schedule(f.id, f.nextAttemptAt ? Date.parse(f.nextAttemptAt) - Date.now() : 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const u of this.unsubscribe) u();
    for (const t of new Set([...this.lines.values()].map((l) => l.transport))) await t.stop();
  }

  /**
   * Receive a fax on a leg that is in our application (an IVR fax node on
   * `lineId`): false when that line cannot (no fax transport, or the PBX
   * refused the hand-over), true once the leg went to reception.
   */
  async receiveOnLeg(lineId: string, legId: string): Promise<boolean> {
    const line = this.lines.get(lineId);
    if (!line) return false;
    const id = randomUUID();
    try {
      await line.transport.receive(legId, { faxId: id, file: join(this.spoolDir, `${id}.tif`) });
      return true;
    } catch (err) {
      this.d.logger.warn({ err, lineId, legId }, 'could not hand the call to fax reception');
      return false;
    }
  }

  /** Queue a PDF to `number`; resolves with the queued fax once its pages are ready to send. */
  async send(input: { pdf: Buffer; number: string; lineId?: string | undefined }): Promise<FaxRow> {
    if (input.pdf.length === 0) throw new KefuError('BAD_REQUEST', 'document: empty body, expected a PDF', { field: 'document' });
    if (input.pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new KefuError('UNPROCESSABLE', 'document: not a PDF (it must start with %PDF-)', { field: 'document' });
    const number = this.d.numbers.require(input.number, 'number');
    // Do-not-contact covers faxes as it covers calls and SMS (the blacklist, outbound).
    const dnc = this.d.blacklist.check(number, 'outbound');
    if (dnc.blocked) throw new KefuError('UNPROCESSABLE', `${number} is on the do-not-contact list (${dnc.match?.kind} ${dnc.match?.value}, outbound): not sent`, { field: 'number', reason: 'do-not-contact' });
    const line = this.pickLine(input.lineId);
    const id = randomUUID();
    const folder = join(this.dir, id);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    try {
      await writeFile(join(folder, 'document.pdf'), input.pdf, { mode: 0o600 });
      const pages = await pdfPageCount(join(folder, 'document.pdf'));
      if (pages > this.d.config.fax.maxPages) throw new KefuError('UNPROCESSABLE', `document: ${pages} pages, at most ${this.d.config.fax.maxPages} (fax.maxPages)`, { field: 'document' });
      await pdfToFaxTiff(join(folder, 'document.pdf'), join(folder, 'fax.tif'));
      const customer = await this.d.repos.customers.findByPhone(number);
      const row = await this.d.repos.fax.createOutbound({
        id, number, lineId: line.id, customerId: customer?.id ?? null, pages, maxAttempts: this.d.config.fax.retry.maxAttempts,
        sourceFile: `${id}/document.pdf`, tiffFile: `${id}/fax.tif`, pdfFile: `${id}/document.pdf`,
      });
      this.status(row);
      this.schedule(id, 0);
      return row;
    } catch (err) {
      await rm(folder, { recursive: true, force: true });
      throw err;
    }
  }

  private pickLine(lineId: string | undefined): FaxLine {
    if (lineId !== undefined) {
      const l = this.lines.get(lineId);
      if (!l) throw new KefuError('BAD_REQUEST', `line: "${lineId}" is not a line that can fax (${this.lineIds().join(', ') || 'none configured'})`, { field: 'line' });
      return l;
    }
    const first = this.lines.values().next();
    if (first.done) throw new KefuError('UNPROCESSABLE', 'no line can fax: configure an Asterisk line or a class 2.0 fax modem');
    return first.value;
  }

  private schedule(id: string, inMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(id));
    const t = setTimeout(() => { this.timers.delete(id); void this.attempt(id).catch((err: unknown) => this.attemptFault(id, err)); }, Math.max(0, inMs));
    t.unref();
    this.timers.set(id, t);
  }

  private async attempt(id: string): Promise<void> {
    const queued = await this.d.repos.fax.get(id);
    if (queued.status !== 'queued' && queued.status !== 'sending') return;
    const line = this.lines.get(queued.lineId ?? '') ?? this.lines.values().next().value;
    if (!line) { await this.finish(queued, 'failed', this.failure('NO_LINE', `line ${queued.lineId} can no longer fax`)); return; }
    const row = await this.d.repos.fax.startAttempt(id);
    this.status(row);
    const spool = join(this.spoolDir, `${id}.tif`);
    await copyFile(join(this.dir, row.tiffFile!), spool);
    const done = this.waitDone(id);
    let outcome: FaxOutcome;
    try {
      const digits = dialDigits(row.number!, { defaultRegion: this.d.numbers.defaultRegion });
      const callerId = this.d.config.fax.stationId.replace(/\D/g, '');
      const r = await line.transport.send({ faxId: id, dial: line.dial(digits), file: spool, callerId: callerId ? `<${callerId}>` : '', timeoutS: this.d.config.fax.ringTimeoutS })
        .catch((err: unknown) => { this.d.logger.warn({ err, faxId: id }, 'fax backend failed to dial'); return 'failed' as const; });
      outcome = r === 'answered' ? await done.promise : this.failure(r === 'failed' ? 'DIAL_FAILED' : r.toUpperCase().replace('-', '_'), r === 'busy' ? 'the number was busy' : r === 'no-answer' ? 'no answer' : 'the call could not be placed');
    } finally {
      done.cancel();
      await rm(spool, { force: true });
    }
    if (outcome.ok) { await this.finish(row, 'sent', outcome); return; }
    const delay = nextAttemptDelayMs(this.d.config.fax.retry, row.attempts, outcome.resultCode);
    if (delay === null) { await this.finish(row, 'failed', outcome); return; }
    const again = await this.d.repos.fax.retryAt(id, new Date(Date.now() + delay), outcome);
    this.d.logger.info({ faxId: id, attempt: row.attempts, resultCode: outcome.resultCode, retryInMs: delay }, 'fax not sent; trying again later');
    this.status(again);
    this.schedule(id, delay);
  }

  /** An attempt that broke (the spool folder unwritable, the database away): failed, or tried again per fax.retry. */
  private async attemptFault(id: string, err: unknown): Promise<void> {
    this.d.logger.error({ err, faxId: id }, 'fax attempt failed');
    try {
      const row = await this.d.repos.fax.get(id);
      const outcome = this.failure('INTERNAL', `the attempt could not run: ${(err as Error).message}`.slice(0, 300));
      const delay = nextAttemptDelayMs(this.d.config.fax.retry, Math.max(1, row.attempts), outcome.resultCode);
      if (delay === null) { await this.finish(row, 'failed', outcome); return; }
      this.status(await this.d.repos.fax.retryAt(id, new Date(Date.now() + delay), outcome));
      this.schedule(id, delay);
    } catch (again) {
      this.d.logger.error({ err: again, faxId: id }, 'fax left as it was; it is tried again at the next start');
    }
  }

  /** The `done` of an outbound session, bounded by fax.sessionTimeoutS. */
  private waitDone(id: string): { promise: Promise<FaxOutcome>; cancel(): void } {
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<FaxOutcome>((resolveDone) => {
      this.waiting.set(id, resolveDone);
      timer = setTimeout(() => resolveDone(this.failure('TIMEOUT', 'the fax session did not end in time (fax.sessionTimeoutS)')), this.d.config.fax.sessionTimeoutS * 1000);
      timer.unref();
    });
    return { promise, cancel: () => { clearTimeout(timer); this.waiting.delete(id); } };
  }

  private async onEvent(line: FaxLine, e: FaxEvent): Promise<void> {
    try {
      if (e.type === 'done') {
        const waiter = this.waiting.get(e.faxId);
        if (waiter) { waiter(e.outcome); return; }
        await this.received(e.faxId, e.outcome);
        return;
      }
      const id = UUID.test(e.faxId) ? e.faxId : randomUUID();
      // `done` may come before the row exists (a short session): it waits for `created`
      const created = this.createInbound(id, line, e);
      this.inbound.set(e.faxId, { id, file: e.file, created });
      await created;
    } catch (err) {
      this.d.logger.error({ err, faxId: e.faxId, event: e.type }, 'fax event not handled');
    }
  }

  private async createInbound(id: string, line: FaxLine, e: Extract<FaxEvent, { type: 'receiving' }>): Promise<void> {
    const n = e.number ? this.d.numbers.normalize(e.number) : null;
    const number = n?.key || null;
    const customer = number ? await this.d.repos.customers.findByPhone(number) : null;
    const row = await this.d.repos.fax.createInbound({ id, number, lineId: line.id, customerId: customer?.id ?? null, callId: null, detected: e.detected });
    this.d.logger.info({ faxId: id, number, lineId: line.id, detected: e.detected }, 'receiving a fax');
    this.status(row);
  }

  private async received(backendId: string, outcome: FaxOutcome): Promise<void> {
    const session = this.inbound.get(backendId);
    if (!session) { this.d.logger.warn({ faxId: backendId }, 'fax done for a session kefu did not see start'); return; }
    this.inbound.delete(backendId);
    await session.created;
    const row = await this.d.repos.fax.get(session.id);
    const folder = join(this.dir, row.id);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    let files: { tiffFile: string | null; pdfFile: string | null } = { tiffFile: null, pdfFile: null };
    let pages = 0;
    const size = (await stat(session.file).catch(() => null))?.size ?? 0;
    if (size > 0) {
      const tiff = join(folder, 'received.tif');
      try {
        await rename(session.file, tiff).catch(async () => { await copyFile(session.file, tiff); await rm(session.file, { force: true }); });
        files = { tiffFile: `${row.id}/received.tif`, pdfFile: null };
        pages = tiffPages(await readFile(tiff)).length;
        await faxTiffToPdf(tiff, join(folder, 'received.pdf'));
        files = { tiffFile: `${row.id}/received.tif`, pdfFile: `${row.id}/received.pdf` };
      } catch (err) {
        // the pages could not be kept or read (disk full, a broken TIFF): the fax failed, the row says why
        this.d.logger.error({ err, faxId: row.id }, 'received fax not stored');
        await this.finish(row, 'failed', { ...outcome, ok: false, pages, resultCode: 'FILE_ERROR', resultText: `the pages could not be stored: ${(err as Error).message}`.slice(0, 300) }, files);
        return;
      }
    }
    const ok = outcome.ok && pages > 0;
    const final = await this.finish(row, ok || pages > 0 ? 'received' : 'failed', { ...outcome, pages: Math.max(pages, ok ? outcome.pages : 0) }, files);
    if (final.status === 'received') {
      this.d.bus.emit('fax.received', { faxId: final.id, number: final.number, lineId: final.lineId, customerId: final.customerId, pages: final.pages, remoteStationId: final.remoteStationId, status: outcome.ok ? 'complete' : 'partial' });
    }
  }

  private async finish(row: FaxRow, status: 'sent' | 'failed' | 'received', outcome: FaxOutcome, files?: { tiffFile: string | null; pdfFile: string | null }): Promise<FaxRow> {
    const f = await this.d.repos.fax.finish(row.id, status, outcome, files);
    this.status(f);
    this.d.logger.info({ faxId: f.id, direction: f.direction, status, pages: f.pages, resultCode: outcome.resultCode }, 'fax finished');
    if (f.customerId) {
      await this.d.repos.interactions.add({
        customerId: f.customerId, kind: 'fax', refId: f.id,
        summary: `${f.direction === 'inbound' ? 'Fax received' : 'Fax sent'}: ${f.pages ?? 0} page(s), ${status}`,
        data: { direction: f.direction, status, pages: f.pages, number: f.number, remoteStationId: f.remoteStationId },
      }).catch((err: unknown) => this.d.logger.warn({ err, faxId: f.id }, 'fax not added to the customer timeline'));
    }
    return f;
  }

  private status(f: FaxRow): void {
    this.d.bus.emit('fax.status', {
      faxId: f.id, direction: f.direction, status: f.status, number: f.number, lineId: f.lineId, pages: f.pages,
      attempts: f.attempts, resultCode: f.resultCode, resultText: f.resultText, nextAttemptAt: f.nextAttemptAt,
    });
  }

  private failure(code: string, text: string): FaxOutcome {
    return { ok: false, pages: 0, remoteStationId: null, resultCode: code, resultText: text, bitRate: null };
  }

  /** Absolute path of one of a fax's files. */
  filePath(relative: string): string { return join(this.dir, relative); }
}
