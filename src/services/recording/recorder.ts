/**
 * Call recordings: a WAV file per call written as the audio arrives (what
 * the caller said and what was played to them, in time order), its row in
 * the database from the first byte (a PBX's recording starts at once and its
 * row follows as soon as the database allows), and on finish the real sizes,
 * duration and SHA-256. A file a crash left open is repaired on the next start.
 * No fault here ever reaches the call: a recording that cannot be written
 * (folder unwritable, disk full, database error) is marked failed with the
 * reason and announced (recording.failed); the call goes on unrecorded.
 * Files are 0600 in 0700 folders.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Logger } from 'pino';
import type { Config, LineConfig } from '../../config/schema.ts';
import type { EventBus } from '../../core/events/bus.ts';
import type { RecordingRepo } from '../../db/repos/recordings.ts';
import type { ReportedRecording } from '../../db/repos/call-reports.ts';
import { pcmDurationMs } from '../../core/audio.ts';
import { WAV_HEADER_BYTES, repairWavHeader, writeWav } from '../../media/wav.ts';
import { WavWriter } from '../../media/wav-writer.ts';
import { whileDbDown } from '../../db/retry.ts';
import { shouldRecord } from './policy.ts';
import { RecordingFault } from './failure.ts';

export interface ActiveRecording {
  readonly id: string;
  write(pcm: Buffer): void;
  /** Close the file, patch its header, store duration and checksum, emit recording.ready (or recording.failed). Never rejects. */
  finish(): Promise<void>;
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The backend closes its file shortly after the call ends: wait until its size stops changing (at most ~3 s). */
async function waitForStableFile(path: string): Promise<void> {
  let last = -1;
  for (let i = 0; i < 30; i++) {
    const size = existsSync(path) ? statSync(path).size : -1;
    if (size >= WAV_HEADER_BYTES && size === last) return;
    last = size;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ROWLESS_KEPT = 1000;

export class RecordingService {
  readonly dir: string;
  /** Call id -> recordings whose row is not written (could not be, or not yet), until it is or a call report takes them. */
  private readonly rowless = new Map<string, ReportedRecording[]>();

  constructor(
    private readonly config: Readonly<Config>,
    private readonly repo: RecordingRepo,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {
    this.dir = resolve(config.recording.dir ?? join(config.dataDir, 'recordings'));
  }

  /** Where a new recording goes (the folder is made when the recording starts, not here: this never throws). */
  private pathFor(id: string, kind: 'calls' | 'voicemail'): string {
    const d = new Date();
    return join(this.dir, kind, `${d.getUTCFullYear()}`, `${d.getUTCMonth() + 1}`.padStart(2, '0'), `${d.getUTCDate()}`.padStart(2, '0'), `${id}.wav`);
  }

  private fault(id: string, callId: string): RecordingFault {
    return new RecordingFault(id, callId, this.repo, this.bus, this.logger.child({ callId, recordingId: id }));
  }

  /** Start recording a call if policy says so; null when it is not recorded. Never throws. */
  /** `after`: settles once the call record exists (the recording row refers to it). */
  start(callId: string, line: LineConfig, numberKey: string | null, after: Promise<unknown> = Promise.resolve(), onDemand = false): ActiveRecording | null {
    if (!onDemand && !shouldRecord(this.config, line, numberKey)) return null;
    const id = randomUUID();
    const path = this.pathFor(id, 'calls');
    const fault = this.fault(id, callId);
    // The row exists before the first byte, so a crash leaves a file we know about and repair.
    const ready: Promise<WavWriter | null> = after.then(() => this.repo.create({ id, callId, path }))
      .then(() => makeFolder(path))
      .then(() => WavWriter.open(path))
      .catch(async (err: unknown) => { await fault.fail('recording could not start', err); return null; });
    let writer: WavWriter | null = null;
    let early: Buffer[] | null = [];
    const put = (w: WavWriter, pcm: Buffer) => {
      if (!fault.failed) w.write(pcm).catch((err: unknown) => fault.fail('recording write failed', err));
    };
    void ready.then((w) => { writer = w; const queued = early ?? []; early = null; if (w) for (const pcm of queued) put(w, pcm); });
    return {
      id,
      write: (pcm) => { if (writer) put(writer, pcm); else early?.push(pcm); },
      finish: async () => {
        const w = await ready;
        if (!w) return fault.settled();
        try {
          const { dataBytes } = await w.close(); // waits for queued writes, patches the sizes
          if (fault.failed) return await fault.settled();
          await this.seal(id, callId, path, 'ready', dataBytes);
        } catch (err) {
          await fault.fail('recording could not be finished', err);
        }
      },
    };
  }

  /**
   * Recording done by the backend (Asterisk MixMonitor writes both directions
   * to `path`): it starts at once, and its row is written once the call's row
   * exists, waiting for the database like the call's own writes (a database
   * outage costs no audio). On finish: wait for the backend to close the
   * file, fix its header if needed, then seal it like ours. Until its row is
   * written it is the call's report's to carry (`takeRowless`: the call's
   * row refused because the node changed hands, or the daemon forgetting the
   * call before its writes were done).
   */
  startExternal(callId: string, line: LineConfig, numberKey: string | null, after: Promise<unknown>, begin: (path: string) => Promise<void>, onDemand = false): ActiveRecording | null {
    if (!onDemand && !shouldRecord(this.config, line, numberKey)) return null;
    const id = randomUUID();
    const path = this.pathFor(id, 'calls');
    const fault = this.fault(id, callId);
    const log = this.logger.child({ callId, recordingId: id });
    this.noteRowless(callId, { id, path });
    const row = after.then(() => whileDbDown(() => this.repo.create({ id, callId, path }), { onRetry: (err, n) => { if (n === 1) log.warn({ err }, 'database unavailable: the recording goes on, its row waits for the database'); } }))
      .then(() => { this.rowWritten(callId, id); return true; }, (err: unknown) => { log.warn({ err, path }, 'the recording\'s row could not be written: the file is kept for the call\'s report'); return false; });
    const started = makeFolder(path).then(() => begin(path)).then(() => true, async (err: unknown) => {
      if (await row) await fault.fail('recording could not start', err);
      else log.error({ err }, 'recording could not start');
      return false;
    });
    return {
      id,
      write: () => undefined,
      finish: async () => { if ((await started) && (await row)) await this.finishExternal(id, callId, path); },
    };
  }

  /** A recording whose row is not written yet (at most ROWLESS_KEPT calls' worth; older ones are logged and dropped). */
  private noteRowless(callId: string, r: ReportedRecording): void {
    const kept = this.rowless.get(callId) ?? [];
    this.rowless.delete(callId);
    this.rowless.set(callId, [...kept, r]);
    for (const [old, recs] of this.rowless) {
      if (this.rowless.size <= ROWLESS_KEPT) break;
      this.rowless.delete(old);
      this.logger.error({ callId: old, paths: recs.map((x) => x.path) }, 'recording with no row and no call report: its file stays where it was written');
    }
  }

  private rowWritten(callId: string, id: string): void {
    const left = (this.rowless.get(callId) ?? []).filter((r) => r.id !== id);
    if (left.length > 0) this.rowless.set(callId, left);
    else this.rowless.delete(callId);
  }

  /** The recordings of a call whose rows are not written, could not be or not yet (taken: a call report carries them once). */
  takeRowless(callId: string): ReportedRecording[] {
    const r = this.rowless.get(callId) ?? [];
    this.rowless.delete(callId);
    return r;
  }

  /**
   * Recordings an earlier owner of the node made and could not write, whose
   * rows the node's owner wrote from that owner's call report: sealed here
   * (the file is where that owner's PBX wrote it: docs/scale-out.md).
   */
  async sealReported(callId: string, recs: readonly ReportedRecording[]): Promise<void> {
    for (const r of recs) await this.finishExternal(r.id, callId, r.path);
  }

  /** Once the PBX stopped writing: fix the header if needed, then seal it like ours. */
  private async finishExternal(id: string, callId: string, path: string): Promise<void> {
    try {
      await waitForStableFile(path);
      if (!existsSync(path)) throw Object.assign(new Error(`the PBX wrote no file at ${path}`), { code: 'ENOENT' });
      const { dataBytes } = await repairWavHeader(path);
      await chmod(path, 0o600).catch(() => undefined); // the PBX's umask, not ours; its owner may differ
      await this.seal(id, callId, path, 'ready', dataBytes);
    } catch (err) {
      await this.fault(id, callId).fail('recording could not be finished', err);
    }
  }

  /**
   * The PBX's recording of a call whose conversation goes on under a new
   * owner of the node (takeover): sealed when the call ends, as if this
   * daemon had started it; sealed at once (null) when `ended()` says the call
   * ended while it was looked up. Null when the call has none in progress.
   */
  async resumeExternal(callId: string, ended: () => boolean): Promise<ActiveRecording | null> {
    const r = (await this.repo.unfinished()).find((x) => x.callId === callId);
    if (!r) return null;
    const rec: ActiveRecording = { id: r.id, write: () => undefined, finish: () => this.finishExternal(r.id, callId, r.path) };
    if (!ended()) return rec;
    void rec.finish();
    return null;
  }

  /** Checksum, store duration and size, announce. The file's header is already right. */
  private async seal(id: string, callId: string, path: string, state: 'ready' | 'repaired', dataBytes: number): Promise<void> {
    const sha256 = await sha256File(path);
    const durationMs = Math.round(pcmDurationMs(dataBytes));
    await this.repo.complete(id, { state, durationMs, bytes: dataBytes + WAV_HEADER_BYTES, sha256 });
    this.bus.emit('recording.ready', { recordingId: id, callId, durationMs, sha256 });
  }

  /** A voicemail message as its own recording of the call. Never rejects: a failure marks the recording failed. */
  async saveVoicemail(callId: string, pcm: Buffer): Promise<void> {
    const id = randomUUID();
    const path = this.pathFor(id, 'voicemail');
    const fault = this.fault(id, callId);
    try {
      await this.repo.create({ id, callId, path });
      await makeFolder(path);
      await writeWav(path, pcm);
      await this.seal(id, callId, path, 'ready', pcm.length);
    } catch (err) {
      await fault.fail('voicemail could not be saved', err);
    }
  }

  /** On start: recordings a crash left open become playable files with real sizes. */
  async repairUnfinished(opts: { keepCalls?: (callIds: string[]) => Promise<Set<string>> } = {}): Promise<number> {
    let n = 0;
    const all = await this.repo.unfinished();
    // with a cluster: recordings of calls still open may be another daemon's, still being written
    const keep = opts.keepCalls ? await opts.keepCalls(all.map((r) => r.callId)) : new Set<string>();
    for (const r of all.filter((x) => !keep.has(x.callId))) {
      try {
        if (!existsSync(r.path) || statSync(r.path).size < WAV_HEADER_BYTES) throw Object.assign(new Error(`no audio in ${r.path}`), { code: 'ENOENT' });
        const { dataBytes } = await repairWavHeader(r.path);
        await this.seal(r.id, r.callId, r.path, 'repaired', dataBytes);
        this.logger.info({ recordingId: r.id, callId: r.callId, dataBytes }, 'recording repaired after an unclean stop');
        n++;
      } catch (err) {
        await this.fault(r.id, r.callId).fail('recording left open by an unclean stop could not be repaired', err);
      }
    }
    return n;
  }
}

/**
 * The recording's folder, private to the daemon's user. A recursive mkdir
 * reports ENOENT for a read-only or otherwise unusable parent: then make the
 * folders one by one so the error names the real cause (EROFS, EACCES, ENOSPC).
 */
async function makeFolder(path: string): Promise<void> {
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const parts = dir.split(sep);
    for (let i = 2; i <= parts.length; i++) {
      await mkdir(parts.slice(0, i).join(sep) || sep, { mode: 0o700 }).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
    }
    throw err;
  }
}
