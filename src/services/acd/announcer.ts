/**
 * Periodic announcements to a waiting caller: every `announceEveryS` the
 * music stops, the caller hears their position, the estimated wait and the
 * exit key (TTS through the call's prompt resolver and play path), and the
 * music resumes. An agent answering or the caller leaving cuts it short.
 */
import type { Logger } from 'pino';
import type { EventBus } from '../../core/events/bus.ts';
import { announcementText, estimatedWaitS } from '../../core/acd/announce.ts';
import type { QueueRow } from '../../core/acd/records.ts';
import type { CallSession } from '../telephony/session.ts';

/** What the announcer needs of a waiting caller. */
export interface WaitingCaller {
  call: CallSession; channelId: string; queue: QueueRow; since: number; connected: boolean;
  announcing: AbortController | null; announceTimer: NodeJS.Timeout | null;
}

export interface AnnouncerDeps {
  bus: EventBus;
  log: Logger;
  moh(w: WaitingCaller, on: boolean): Promise<void>;
  isWaiting(w: WaitingCaller): boolean;
  /** 1 = next to be answered. */
  position(w: WaitingCaller): number;
  staffed(q: QueueRow): number;
  handleTimesMs(q: QueueRow): readonly number[];
}

export class Announcer {
  constructor(private readonly d: AnnouncerDeps) {}

  /** Plan the next announcement for `w` (a no-op when its queue does not announce). */
  schedule(w: WaitingCaller): void {
    const every = w.queue.settings.announceEveryS;
    if (!every) return;
    w.announceTimer = setTimeout(() => {
      w.announceTimer = null;
      void this.announce(w)
        .catch((err: unknown) => this.d.log.warn({ err, callId: w.call.id }, 'queue announcement failed'))
        .finally(() => { if (this.d.isWaiting(w)) this.schedule(w); });
    }, every * 1000);
  }

  /** Stop announcing to `w` (answered, left, gone): the timer is cleared and a prompt playing is cut. */
  cancel(w: WaitingCaller): void {
    if (w.announceTimer) clearTimeout(w.announceTimer);
    w.announceTimer = null;
    w.announcing?.abort();
    w.announcing = null;
  }

  /** What `w` would hear now, and the figures in it. */
  compose(w: WaitingCaller): { text: string | null; position: number; estimatedWaitS: number | null; voice: 'en-us' | 'cmn' } {
    const s = w.queue.settings;
    const position = this.d.position(w);
    const wait = estimatedWaitS({ position, staffed: this.d.staffed(w.queue), handleTimesMs: this.d.handleTimesMs(w.queue), wrapUpS: s.wrapUpS });
    const voice = s.announceVoice ?? 'en-us';
    const text = announcementText({
      voice, position: s.announcePosition === false ? null : position, waitS: s.announceWait === false ? null : wait,
      exit: s.exitKey ? { key: s.exitKey, to: s.overflow?.type ?? 'hangup' } : null,
    });
    return { text, position, estimatedWaitS: wait, voice };
  }

  private async announce(w: WaitingCaller): Promise<void> {
    if (!this.d.isWaiting(w)) return;
    const a = this.compose(w);
    if (!a.text) return;
    const ctl = new AbortController();
    w.announcing = ctl;
    this.d.bus.emit('queue.announcement', { callId: w.call.id, queueId: w.queue.id, position: a.position, estimatedWaitS: a.estimatedWaitS, text: a.text });
    await this.d.moh(w, false);
    try {
      await w.call.say({ text: a.text, voice: a.voice }, ctl.signal);
    } finally {
      if (w.announcing === ctl) w.announcing = null;
      if (this.d.isWaiting(w) && !ctl.signal.aborted) await this.d.moh(w, true);
    }
  }
}
