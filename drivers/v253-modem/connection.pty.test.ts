/**
 * The connection over a real pty pair when the device vanishes while bytes
 * are still waiting to go out: every pending write and command settles.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isKefuError } from '../../src/core/errors.ts';
import { ModemConnection } from './connection.ts';
import { createPtyPair, type PtyPair } from './pty.ts';
import { silentLogger } from './logger.ts';

describe('ModemConnection when the device vanishes mid-write', () => {
  let pty: PtyPair | null = null;
  afterEach(async () => { await pty?.close(); pty = null; });

  it('rejects writes the OS has not taken yet with DEVICE_GONE, so nothing queued behind them waits forever', async () => {
    pty = await createPtyPair();
    const conn = await ModemConnection.open({ path: pty.driverPath, baudRate: 115200, timeoutMs: 5000, logger: silentLogger });
    let closed: string | null = null;
    conn.attach({ unsolicited() {}, strayFinal() {}, dle() {}, audio() {}, rxEnd() {}, closed: (reason) => { closed = reason; } });
    // Nobody reads the modem's end: the pty buffers fill and later writes wait in the OS.
    const writes: Array<Promise<unknown>> = [];
    const chunk = Buffer.alloc(4096, 0x7f);
    for (let i = 0; i < 256; i++) writes.push(conn.write(chunk).then(() => 'ok', (e: unknown) => e));
    const command = conn.command('ATI').then(() => 'ok', (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 300));
    await pty.close({ keepDir: true });
    const settled = await Promise.race([
      Promise.all([...writes, command]),
      new Promise((r) => setTimeout(() => r('still pending after 10 s'), 10_000)),
    ]);
    expect(settled).not.toBe('still pending after 10 s');
    const results = settled as unknown[];
    expect(results.filter((r) => r === 'ok').length).toBeLessThan(256);
    for (const r of results.filter((x) => x !== 'ok')) expect(isKefuError(r, 'DEVICE_GONE')).toBe(true);
    expect(closed).not.toBeNull();
    await conn.close();
  });
});
