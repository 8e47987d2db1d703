/**
 * Voice-mode dialling per V.253: `ATD<number>;` in class 8. The outcome comes
 * either as a result code (VCON when answered, BUSY, NO DIALTONE, NO ANSWER)
 * or, on modems that answer OK at once, from call-progress DLE codes in +VRX:
 * DLE b busy, DLE d dial tone, DLE r ringback; ringback that stops means the
 * far end picked up.
 */
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

/** Follows call-progress codes in +VRX until an outcome is clear. */
function watchProgress(opts: DialOptions): Promise<DialOutcome> {
  return new Promise<DialOutcome>((resolve) => {
    const t0 = Date.now();
    let lastRingback = 0;
    const finish = (o: DialOutcome): void => {
      clearInterval(timer);
      opts.setTap(null);
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
    if (opts.signal?.aborted || opts.callSignal.aborted) finish('failed');
  });
}
