/**
 * CallControl over one Asterisk channel in our Stasis app: answer, reject
 * (hang up unanswered), play telephone PCM (written once as a WAV file that
 * Asterisk reads, then ARI play), hang up, whole-call recording through
 * the PBX (MixMonitor), and voicemail messages recorded by the PBX (fetched
 * as a stored recording and deleted from it). Everything through the Pbx port.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CallControl, Pbx } from '../../core/ports.ts';
import { quietly } from './quietly.ts';
import { decodeWav, writeWav } from '../../media/wav.ts';
import { isKefuError } from '../../core/errors.ts';

export class AsteriskChannelControl implements CallControl {
  private readonly playbacks = new Map<string, () => void>();
  private dtmfWaiter: ((digit: string) => void) | null = null;
  /** A readKey() waiting: resolved with null when the channel goes. */
  private keyGone: (() => void) | null = null;
  private readonly recordings = new Map<string, (ok: boolean) => void>();
  /** Keys pressed since the last recordMessage started (tells a key from silence as what ended it). */
  private keysWhileRecording = 0;
  private gone = false;

  constructor(
    private readonly channel: { id: string; name: string },
    private readonly pbx: Pbx,
    private readonly mediaDir: string,
    private readonly log: Logger,
  ) {
    mkdirSync(mediaDir, { recursive: true });
  }

  // ---- fed by the PBX service from ARI events ----
  playbackFinished(playbackId: string): void { this.playbacks.get(playbackId)?.(); }
  dtmf(digit: string): void {
    this.keysWhileRecording++;
    this.dtmfWaiter?.(digit);
    for (const fn of this.digitListeners) fn(digit);
  }

  private readonly digitListeners = new Set<(digit: string) => void>();
  /** Every digit from now on, until the returned function is called. */
  onDigit(fn: (digit: string) => void): () => void {
    this.digitListeners.add(fn);
    return () => this.digitListeners.delete(fn);
  }
  recordingDone(name: string, ok: boolean): void { this.recordings.get(name)?.(ok); }
  ended(): void {
    this.gone = true;
    this.keyGone?.();
    for (const done of this.playbacks.values()) done();
    // Asterisk finishes a recording when its channel hangs up; its event normally comes first, this is the backstop.
    const pending = [...this.recordings.values()];
    if (pending.length) setTimeout(() => { for (const done of pending) done(true); }, 2000).unref();
  }

  /** Called once the channel is answered (the PBX marks the caller's leg). */
  onAnswered: (() => void) | null = null;
  /** Hands the channel to fax reception (the fax service); null: this call cannot receive faxes. */
  faxReceiver: (() => Promise<boolean>) | null = null;

  /** Rings a number through the call's trunk and bridges it to the caller (the directory node); null: no trunk to dial on. */
  numberTransfer: ((digits: string) => Promise<boolean>) | null = null;

  async transfer(digits: string): Promise<boolean> {
    if (this.gone || !this.numberTransfer) return false;
    return this.numberTransfer(digits);
  }

  async receiveFax(): Promise<boolean> {
    if (this.gone || !this.faxReceiver) return false;
    return this.faxReceiver();
  }

  async answer(): Promise<void> {
    await this.pbx.answer(this.channel.id);
    this.onAnswered?.();
  }

  async reject(): Promise<void> {
    if (!this.gone) await this.pbx.hangup(this.channel.id, 'rejected').catch(quietly(this.log, 'PBX clean-up'));
  }

  async hangup(): Promise<void> {
    if (this.gone) return;
    await this.pbx.hangup(this.channel.id).catch(quietly(this.log, 'PBX clean-up'));
  }

  async recordTo(path: string): Promise<void> {
    await this.pbx.recordCall(this.channel, path);
  }

  async stopRecording(): Promise<void> {
    await this.pbx.stopCallRecording(this.channel);
  }

  async recordMessage(opts: { maxMs: number; beep: boolean; silenceMs?: number; anyKey?: boolean }): Promise<{ pcm: Buffer; endedBy: 'max' | 'hangup' | 'dtmf' | 'silence' }> {
    const name = `kefu-vm-${randomUUID()}`;
    const started = Date.now();
    const done = new Promise<boolean>((resolve) => this.recordings.set(name, resolve));
    this.keysWhileRecording = 0;
    try {
      await this.pbx.recordMessage(this.channel.id, {
        name, maxS: Math.ceil(opts.maxMs / 1000), beep: opts.beep, terminateOn: opts.anyKey ? 'any' : '#',
        ...(opts.silenceMs !== undefined ? { maxSilenceS: Math.max(1, Math.round(opts.silenceMs / 1000)) } : {}),
      });
    } catch (err) {
      this.recordings.delete(name);
      // 404/409: the channel hung up (or is leaving) under us: nothing recorded, not a fault.
      if (this.gone || isKefuError(err, 'NOT_FOUND') || isKefuError(err, 'CONFLICT')) return { pcm: Buffer.alloc(0), endedBy: 'hangup' };
      throw err;
    }
    const ok = await done;
    this.recordings.delete(name);
    const endedBy = this.gone ? 'hangup' as const : Date.now() - started >= opts.maxMs ? 'max' as const
      : this.keysWhileRecording > 0 || opts.silenceMs === undefined ? 'dtmf' as const : 'silence' as const;
    if (!ok) return { pcm: Buffer.alloc(0), endedBy };
    const wav = await this.pbx.takeRecording(name);
    return { pcm: wav ? decodeWav(wav).pcm : Buffer.alloc(0), endedBy };
  }

  /** The next digit the far end presses within `ms`, or null (none, or the channel went). */
  readKey(ms: number): Promise<string | null> {
    if (this.gone) return Promise.resolve(null);
    return new Promise((resolve) => {
      const done = (digit: string | null) => { clearTimeout(timer); this.dtmfWaiter = null; this.keyGone = null; resolve(digit); };
      const timer = setTimeout(() => done(null), ms);
      this.dtmfWaiter = (digit) => done(digit);
      this.keyGone = () => done(null);
    });
  }

  /** The prompt as a WAV Asterisk can read; one file per distinct audio. */
  private async file(pcm: Buffer): Promise<string> {
    const name = createHash('sha1').update(pcm).digest('hex');
    const path = join(this.mediaDir, `${name}.wav`);
    if (!existsSync(path)) {
      const tmp = `${path}.${randomUUID()}.tmp`;
      await writeWav(tmp, pcm);
      renameSync(tmp, path);
    }
    return path.slice(0, -'.wav'.length);
  }

  async play(pcm: Buffer, opts: { signal?: AbortSignal; interruptOnDtmf?: boolean } = {}): Promise<{ completed: boolean; interruptedBy: string | null }> {
    if (this.gone || opts.signal?.aborted) return { completed: false, interruptedBy: null };
    const media = await this.file(pcm);
    const id = randomUUID();
    let interruptedBy: string | null = null;
    let finished = false;
    const done = new Promise<void>((resolve) => {
      const finish = () => { finished = true; this.playbacks.delete(id); resolve(); };
      this.playbacks.set(id, finish);
      opts.signal?.addEventListener('abort', finish, { once: true });
      if (opts.interruptOnDtmf) this.dtmfWaiter = (digit) => { interruptedBy ??= digit; finish(); };
    });
    try {
      await this.pbx.play(this.channel.id, media, id);
    } catch {
      this.playbacks.delete(id);
      return { completed: false, interruptedBy: null };
    }
    await done;
    this.dtmfWaiter = null;
    const cut = interruptedBy !== null || opts.signal?.aborted === true || this.gone;
    if (cut) await this.pbx.stopPlayback(id).catch(quietly(this.log, 'PBX clean-up'));
    return { completed: finished && !cut, interruptedBy };
  }
}
