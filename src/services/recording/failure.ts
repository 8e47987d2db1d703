/**
 * A recording that cannot be made or kept (folder unwritable, disk full,
 * database down) fails alone: the row is marked `failed` with the reason,
 * `recording.failed` goes out, one log line says why. The call goes on.
 */
import type { Logger } from 'pino';
import type { EventBus } from '../../core/events/bus.ts';
import type { RecordingRepo } from '../../db/repos/recordings.ts';

/** "what: CODE message" without a stack, for the failure column and the event. */
export function failureReason(what: string, err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return `${what}: ${code && !message.startsWith(code) ? `${code} ` : ''}${message}`.slice(0, 1000);
}

/** One recording's failure latch: the first call marks, announces and logs; later ones do nothing. */
export class RecordingFault {
  private reason: string | null = null;
  private marked: Promise<void> = Promise.resolve();

  constructor(
    private readonly id: string,
    private readonly callId: string,
    private readonly repo: RecordingRepo,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  get failed(): boolean { return this.reason !== null; }

  /** Marks the recording failed (once). Never rejects; resolves once the row is marked (or marking failed). */
  fail(what: string, err: unknown): Promise<void> {
    if (this.reason !== null) return this.marked;
    const reason = failureReason(what, err);
    this.reason = reason;
    this.marked = this.repo.fail(this.id, reason).then(
      () => { this.log.error({ err, reason }, 'recording failed; the call goes on'); },
      (markErr: unknown) => { this.log.error({ err, reason, markErr }, 'recording failed (and could not be marked failed); the call goes on'); },
    ).finally(() => { this.bus.emit('recording.failed', { recordingId: this.id, callId: this.callId, reason }); });
    return this.marked;
  }

  /** Resolves once a failure (if any) is recorded. */
  settled(): Promise<void> { return this.marked; }
}
