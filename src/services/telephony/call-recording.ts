/**
 * The recording of one call session: by policy when the call is answered,
 * on demand from the API, taken over with the call from another daemon
 * (the PBX's own recording), sealed when the call ends. One at a time.
 */
import type { Logger } from 'pino';
import type { LineConfig } from '../../config/schema.ts';
import type { CallControl } from '../../core/ports.ts';
import { KefuError } from '../../core/errors.ts';
import type { ActiveRecording, RecordingService } from '../recording/recorder.ts';

export class CallRecording {
  private active: ActiveRecording | null = null;

  constructor(private readonly o: {
    callId: string; line: LineConfig; driver: CallControl; recordings: RecordingService; log: Logger;
    /** Settles once the call record exists (the recording row refers to it). */
    created: Promise<void>;
    number: () => string | null;
  }) {}

  /** Audio of a line the daemon records itself (a modem line). */
  write(pcm: Buffer): void { this.active?.write(pcm); }

  /** The policy's recording when the call is answered (none when the policy says so). */
  startByPolicy(): void { this.active = this.begin(false); }

  /** API: start recording now, whatever the policy says; CONFLICT when one runs already. */
  startOnDemand(): string {
    if (this.active) throw new KefuError('CONFLICT', `call ${this.o.callId} is being recorded already (recording ${this.active.id})`);
    this.active = this.begin(true)!;
    return this.active.id;
  }

  /** API: the recording in progress stops; returns it, to be sealed in the call's write order. */
  async stop(): Promise<ActiveRecording> {
    const rec = this.active;
    if (!rec) throw new KefuError('CONFLICT', `call ${this.o.callId} is not being recorded`);
    this.active = null;
    await this.o.driver.stopRecording?.().catch((err: unknown) => this.o.log.warn({ err }, 'stopping the recording failed'));
    return rec;
  }

  /** A call taken over from another daemon: the recording that daemon started goes on here (sealed at once if the call ended first). */
  resume(ended: () => boolean): void {
    void this.o.recordings.resumeExternal(this.o.callId, ended).then((rec) => { this.active = rec; })
      .catch((err: unknown) => this.o.log.warn({ err }, 'the recording of a call taken over could not be found'));
  }

  /** The call ends: the recording to seal, if any. */
  take(): ActiveRecording | null {
    const rec = this.active;
    this.active = null;
    return rec;
  }

  private begin(onDemand: boolean): ActiveRecording | null {
    const { callId, line, driver, recordings, created } = this.o;
    return driver.recordTo
      ? recordings.startExternal(callId, line, this.o.number(), created, (path) => driver.recordTo!(path), onDemand)
      : recordings.start(callId, line, this.o.number(), created, onDemand);
  }
}
