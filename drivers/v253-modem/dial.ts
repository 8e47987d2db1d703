/**
 * Voice-mode dialling per V.253: `ATD<number>;` in class 8. The outcome comes
 * either as a result code (VCON when answered, BUSY, NO DIALTONE, NO ANSWER)
 * or, on modems that answer OK at once, from what +VRX brings: call-progress
 * DLE codes (DLE b busy, DLE d dial tone, DLE r ringback; ringback that stops
 * means the far end picked up) and the line's audio itself, classified by
 * ear (src/core/call-progress). Many voice modems send no DLE r at all, and
 * none of them knows a colour ring-back tone from an answer: the audio is
 * the clue that always exists. Telling call progress is the line's job, so
 * it is done here; what to do with a machine is the caller's.
 */
import { CallProgressDetector, type DetectorOptions, type Heard } from '../../src/core/call-progress/detector.ts';
import type { DialOutcome } from '../../src/core/ports.ts';
import type { VoiceFormat } from './codec.ts';
import type { ModemConnection } from './connection.ts';
import type { DleEvent } from './dle.ts';
import { startRx } from './voice-io.ts';

export interface DialOptions {
  format: VoiceFormat;
  timeoutMs: number;
  ringbackGapMs: number;
  signal: AbortSignal | undefined;
  /** Aborted when the call ends for another reason (device gone). */
  callSignal: AbortSignal;
  /** Installs (or removes, with null) the receiver of DLE events. */
  setTap(tap: ((e: DleEvent) => void) | null): void;
  /** Installs (or removes, with null) the receiver of +VRX audio (telephone PCM) while dialling. */
  setAudioTap(tap: ((pcm: Buffer) => void) | null): void;
  /** Classifier settings; null: do not listen, decide from DLE codes only. */
  detect: DetectorOptions | null;
  /** Each decision heard, in order. */
  onHeard(h: Heard): void;
}

/** What a final decision by ear means for the dial. */
export function outcomeOf(h: Heard): DialOutcome {
  switch (h.kind) {
    case 'answered-live':
    case 'answered-machine':
      return 'answered';
    case 'busy':
    case 'congestion':
      // Modems report the fast busy (reorder) as BUSY too: try again later.
      return 'busy';
    case 'silence':
      return h.deadLine ? 'no-dialtone' : 'answered';
    default:
      return 'no-answer';
  }
}

const RESULTS: Partial<Record<string, DialOutcome>> = {
  VCON: 'answered',
  BUSY: 'busy',
  'NO DIALTONE': 'no-dialtone',
  'NO ANSWER': 'no-answer',
  'NO CARRIER': 'no-answer',
};

export async function runDial(conn: ModemConnection, number: string, opts: DialOptions): Promise<DialOutcome> {
  await conn.run('AT+FCLASS=8');
  await conn.run(opts.format.command);
  // Any character sent while the modem dials makes it abort the dial.
  const abortDial = (): void => void conn.write(Buffer.from('\r')).catch(() => undefined);
  opts.signal?.addEventListener('abort', abortDial, { once: true });
  let code: string;
  try {
    const r = await conn.command(`ATD${number};`, { timeoutMs: opts.timeoutMs });
    code = r.result.code;
  } finally {
    opts.signal?.removeEventListener('abort', abortDial);
  }
  if (opts.signal?.aborted || opts.callSignal.aborted) return 'failed';
  if (code === 'VCON') {
    await startRx(conn);
    return 'answered';
  }
  if (code !== 'OK') return RESULTS[code] ?? 'failed';
  await startRx(conn);
  return watchProgress(opts);
}

/** Follows call-progress codes and audio in +VRX until an outcome is clear. */
function watchProgress(opts: DialOptions): Promise<DialOutcome> {
  return new Promise<DialOutcome>((resolve) => {
    const t0 = Date.now();
    let lastRingback = 0;
    const detector = opts.detect ? new CallProgressDetector(opts.detect) : null;
    const finish = (o: DialOutcome): void => {
      clearInterval(timer);
      opts.setTap(null);
      opts.setAudioTap(null);
      opts.signal?.removeEventListener('abort', onAbort);
      opts.callSignal.removeEventListener('abort', onAbort);
      resolve(o);
    };
    const onAbort = (): void => finish('failed');
    const timer = setInterval(() => {
      const now = Date.now();
      if (lastRingback && now - lastRingback >= opts.ringbackGapMs) finish('answered');
      else if (now - t0 >= opts.timeoutMs) finish('no-answer');
    }, 50);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    opts.callSignal.addEventListener('abort', onAbort, { once: true });
    opts.setTap((e) => {
      if (e.type === 'tone' && e.tone === 'ringback') lastRingback = Date.now();
      else if (e.type === 'tone' && e.tone === 'busy') finish('busy');
      else if (e.type === 'tone' && e.tone === 'dialtone') finish(lastRingback ? 'failed' : 'no-dialtone');
      else if (e.type === 'hangup') finish('failed');
    });
    if (detector) {
      opts.setAudioTap((pcm) => {
        for (const h of detector.push(pcm)) {
          // The modem reporting ringback knows better than an ear that heard nothing.
          if (h.kind === 'silence' && h.deadLine && lastRingback) continue;
          opts.onHeard(h);
          if (h.final) finish(outcomeOf(h));
        }
      });
    }
    if (opts.signal?.aborted || opts.callSignal.aborted) finish('failed');
  });
}
