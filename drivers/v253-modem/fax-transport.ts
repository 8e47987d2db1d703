/**
 * A class 2.0 fax modem behind the FaxTransport port: one session at a time
 * (a send waits for a reception to end and the other way round); between
 * sessions it listens for RING and answers as a fax by itself, so a fax that
 * calls is received without a person. Reopens the port with a pause when the
 * device is gone.
 */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { FaxEvent, FaxTransport } from '../../src/core/ports.ts';
import { isKefuError, KefuError } from '../../src/core/errors.ts';
import { Class2FaxModem } from './fax2-modem.ts';

interface SendJob { faxId: string; number: string; file: string; dialled: (r: 'answered' | 'no-answer' | 'busy' | 'failed') => void }

export interface ModemFaxOptions { id: string; path: string; baudRate?: number; logger: Logger; maxPages?: number }

export class ModemFaxTransport implements FaxTransport {
  private readonly listeners = new Set<(e: FaxEvent) => void>();
  private readonly jobs: SendJob[] = [];
  private modem: Class2FaxModem | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private settings = { spoolDir: '', stationId: '' };

  constructor(private readonly opts: ModemFaxOptions) {}

  on(listener: (e: FaxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: FaxEvent): void {
    for (const l of this.listeners) { try { l(e); } catch (err) { this.opts.logger.error({ err }, 'fax event listener failed'); } }
  }

  start(opts: { spoolDir: string; stationId: string }): Promise<void> {
    this.settings = opts;
    this.stopped = false;
    this.loop = this.run();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const j of this.jobs.splice(0)) j.dialled('failed');
    await this.loop;
    await this.modem?.close();
    this.modem = null;
  }

  send(o: { faxId: string; dial: string; file: string; callerId: string; timeoutS: number }): Promise<'answered' | 'no-answer' | 'busy' | 'failed'> {
    if (this.stopped) return Promise.resolve('failed');
    return new Promise((resolve) => this.jobs.push({ faxId: o.faxId, number: o.dial, file: o.file, dialled: resolve }));
  }

  receive(): Promise<void> {
    return Promise.reject(new KefuError('NOT_SUPPORTED', `line ${this.opts.id}: a fax modem answers faxes by itself`));
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.modem) {
          const m = new Class2FaxModem({ path: this.opts.path, baudRate: this.opts.baudRate ?? 115200, stationId: this.settings.stationId, maxPages: this.opts.maxPages ?? 50 });
          await m.open();
          this.modem = m;
          this.opts.logger.info({ lineId: this.opts.id }, 'fax modem ready (class 2.0)');
        }
        const job = this.jobs.shift();
        if (job) { await this.sendJob(this.modem, job); continue; }
        const rang = await this.modem.waitRing(300).then(() => true, (err: unknown) => { if (isKefuError(err, 'MODEM_TIMEOUT')) return false; throw err; });
        if (rang) await this.receiveCall(this.modem);
      } catch (err) {
        this.opts.logger.warn({ err, lineId: this.opts.id }, 'fax modem fault; reopening');
        await this.modem?.close().catch(() => undefined); // the device is in trouble already
        this.modem = null;
        if (!this.stopped) await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }

  private async sendJob(modem: Class2FaxModem, job: SendJob): Promise<void> {
    let connected = false;
    try {
      const out = await modem.send(job.number, await readFile(job.file), () => { connected = true; job.dialled('answered'); });
      if (connected) this.emit({ type: 'done', faxId: job.faxId, outcome: out });
      else job.dialled(out.resultCode === 'BUSY' ? 'busy' : out.resultCode === 'NO_ANSWER' ? 'no-answer' : 'failed');
    } catch (err) {
      if (connected) this.emit({ type: 'done', faxId: job.faxId, outcome: { ok: false, pages: 0, remoteStationId: null, resultCode: 'MODEM_ERROR', resultText: String((err as Error).message), bitRate: null } });
      else job.dialled('failed');
      throw err;
    }
  }

  private async receiveCall(modem: Class2FaxModem): Promise<void> {
    const faxId = randomUUID();
    const file = join(this.settings.spoolDir, `${faxId}.tif`);
    this.emit({ type: 'receiving', faxId, legId: null, number: null, file, detected: 'line' });
    try {
      const r = await modem.receive();
      if (r.tiff) await writeFile(file, r.tiff, { mode: 0o600 });
      this.emit({ type: 'done', faxId, outcome: r.outcome });
    } catch (err) {
      this.emit({ type: 'done', faxId, outcome: { ok: false, pages: 0, remoteStationId: null, resultCode: 'MODEM_ERROR', resultText: String((err as Error).message), bitRate: null } });
      throw err;
    }
  }
}
