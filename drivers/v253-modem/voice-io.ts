/**
 * Voice-mode steps on a connection: start and stop +VRX, stream audio in
 * +VTX at real time, and leave voice mode at the end of a call.
 */
import { isKefuError } from '../../src/core/errors.ts';
import type { ModemConnection } from './connection.ts';
import { CAN, ETX, dleCode, shield } from './dle.ts';
import { enableCallerId } from './probe-sequence.ts';

/** 8-bit methods: one byte per sample at 8 kHz. */
export const BYTES_PER_SECOND = 8000;
/** Bytes per write while streaming: 20 ms. */
const CHUNK = 160;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts +VRX; resolves once CONNECT arrived and voice data flows. */
export async function startRx(conn: ModemConnection): Promise<void> {
  await conn.run('AT+VRX', { voice: 'rx', timeoutMs: 5000 });
}

/**
 * Stops +VRX: DLE ! (repeated `repeat` times per attempt, and again when the
 * modem does not end the stream), then the modem sends DLE ETX and OK.
 */
export async function stopRx(conn: ModemConnection, repeat: number, waitRxEnd: (ms: number) => Promise<boolean>): Promise<void> {
  if (!conn.receiving) return;
  // Registered before any byte goes out so the OK after DLE ETX finds its waiter.
  const done = conn.command('<DLE>! (end of +VRX)', { raw: Buffer.alloc(0), timeoutMs: 3000 });
  done.catch(() => undefined);
  const stop = Buffer.concat(Array.from({ length: repeat }, () => dleCode('!')));
  for (let attempt = 0; attempt < 5 && conn.receiving; attempt++) {
    await conn.write(stop);
    if (await waitRxEnd(400)) break;
  }
  try {
    await done;
  } catch (err) {
    // Some modems end the stream without OK; the stream ending is what counts.
    if (!isKefuError(err, 'MODEM_TIMEOUT') || conn.receiving) throw err;
  }
}

export interface StreamOptions {
  /** Audio sent ahead of real time so the modem's buffer never runs dry. */
  leadMs: number;
  /** Checked before every chunk; true stops streaming. */
  shouldStop(): boolean;
  /** Called after each chunk was handed to the OS, with its offset in `data`. */
  onChunk(offset: number, length: number): void;
}

/** Streams encoded audio (in +VTX after CONNECT), paced at real time. Returns the bytes sent. */
export async function streamAudio(conn: ModemConnection, data: Buffer, opts: StreamOptions): Promise<number> {
  const t0 = Date.now();
  const lead = (opts.leadMs * BYTES_PER_SECOND) / 1000;
  let sent = 0;
  while (sent < data.length) {
    if (opts.shouldStop()) break;
    const due = ((sent - lead) * 1000) / BYTES_PER_SECOND - (Date.now() - t0);
    if (due > 0) {
      await sleep(due);
      if (opts.shouldStop()) break;
    }
    const chunk = data.subarray(sent, sent + CHUNK);
    // The write callback is the flow control: it fires once the OS took the bytes.
    await conn.write(shield(chunk));
    opts.onChunk(sent, chunk.length);
    sent += chunk.length;
  }
  return sent;
}

/**
 * Ends +VTX: DLE ETX after the data (DLE CAN first when aborting, which
 * drops what the modem still buffers), repeated `repeat` times. Waits for OK,
 * which the modem sends once its buffer has played out.
 */
export async function endTx(conn: ModemConnection, repeat: number, aborted: boolean, bufferedMs: number): Promise<void> {
  const one = aborted ? Buffer.concat([dleCode(CAN), dleCode(ETX)]) : dleCode(ETX);
  const seq = Buffer.concat(Array.from({ length: repeat }, () => one));
  const timeoutMs = (aborted ? 0 : bufferedMs) + 2000;
  try {
    await conn.run('<DLE><ETX> (end of +VTX)', { raw: seq, timeoutMs });
  } catch (err) {
    if (!isKefuError(err, 'MODEM_TIMEOUT')) throw err;
    // Modems that need the sequence repeated get it once more.
    await conn.run('<DLE><ETX> (end of +VTX, repeated)', { raw: seq, timeoutMs: 2000 });
  }
}

/** Puts the line on-hook and the modem back into data class with caller ID on. */
export async function goOnHook(conn: ModemConnection, callerIdCommand: string | null): Promise<void> {
  await conn.command('ATH0');
  await conn.command('AT+FCLASS=0');
  // Some modems (Conexant) drop caller-ID reporting on resets and class changes.
  if (callerIdCommand) await enableCallerId(conn, callerIdCommand);
}
