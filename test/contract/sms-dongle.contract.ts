/**
 * The SmsDongle port contract (src/core/sms/port.ts), run against every
 * implementation: the gsm-dongle driver with the simulator on a pty always
 * (test/contract/gsm-dongle.test.ts), a real dongle and a person with a phone
 * when named (test/hardware/gsm-dongle.hardware.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isKefuError } from '../../src/core/errors.ts';
import type { ReceivedSms, SmsDongle, SmsDongleEvent } from '../../src/core/sms/port.ts';
import { until as waitUntil } from '../helpers/wait.ts';

export interface SmsFarSide {
  dongle: SmsDongle;
  /** The number messages are sent to (E.164 with +); the far side checks they arrived. */
  peer: string;
  /** Resolves once the peer got `text` (the simulator checks its log; a person confirms). */
  peerGot(text: string): Promise<void>;
  /** The peer sends `text` to the dongle's SIM. */
  peerSends(text: string): Promise<void>;
  /** Whether the network sends delivery reports. */
  reports: boolean;
  pull(): Promise<void>;
  plugIn(): Promise<void>;
  patienceMs: number;
  close(): Promise<void>;
}

export function smsDongleContract(name: string, setup: () => Promise<SmsFarSide>): void {
  describe(`SmsDongle contract: ${name}`, () => {
    let far: SmsFarSide | null = null;
    let events: SmsDongleEvent[] = [];
    afterEach(async () => { await far?.dongle.stop(); await far?.close(); far = null; });

    const open = async (): Promise<SmsFarSide> => {
      far = await setup();
      events = [];
      far.dongle.on((e) => events.push(e));
      await far.dongle.start();
      await until(far, 'ready', () => far!.dongle.status().state === 'ready');
      return far;
    };
    const until = async (f: SmsFarSide, what: string, probe: () => boolean): Promise<void> => {
      await waitUntil(what, probe, { timeoutMs: f.patienceMs, intervalMs: 50, detail: () => `status ${JSON.stringify(f.dongle.status())}` });
    };

    it('starts: SIM ready, registered, signal and SMS centre known', async () => {
      const f = await open();
      const s = f.dongle.status();
      expect(s.sim).toBe('ready');
      expect(['home', 'roaming']).toContain(s.registration);
      expect(s.signal.csq).not.toBeNull();
      expect(s.smsc).toMatch(/^\+?\d+$/);
    });

    it('sends a short 7-bit and a long Chinese message; one reference per part', async () => {
      const f = await open();
      const short = `kefu contract ${Date.now() % 100000}`;
      const a = await f.dongle.send(f.peer, short, { statusReport: f.reports });
      expect(a).toMatchObject({ parts: 1, encoding: 'gsm7' });
      expect(a.references).toHaveLength(1);
      await f.peerGot(short);
      const long = '客服系统合同测试：这是一条很长的中文短信，用来检查分段发送和接收是否正确。'.repeat(3);
      const b = await f.dongle.send(f.peer, long, { statusReport: false });
      expect(b.encoding).toBe('ucs2');
      expect(b.parts).toBeGreaterThan(1);
      expect(b.references).toHaveLength(b.parts);
      await f.peerGot(long);
      if (f.reports) {
        await until(f, 'a delivery report', () => events.some((e) => e.type === 'status-report' && e.report.reference === a.references[0]));
      }
    });

    it('receives a short and a long Chinese message, whole', async () => {
      const f = await open();
      const got: ReceivedSms[] = [];
      f.dongle.setReceiver(async (m) => { got.push(m); });
      const long = '您好，我想咨询一下订单的配送时间，谢谢。'.repeat(5);
      await f.peerSends('hello kefu');
      await f.peerSends(long);
      await until(f, 'two messages', () => got.length >= 2);
      expect(got.map((m) => m.text)).toEqual(['hello kefu', long]);
      expect(got.every((m) => !m.incomplete)).toBe(true);
      expect(got[0]!.from).toBe(f.peer);
    });

    it('pulled: gone, sends refused with LINE_OFFLINE; plugged back: ready and sending', async () => {
      const f = await open();
      await f.pull();
      await until(f, 'gone', () => f.dongle.status().state === 'gone');
      const err = await f.dongle.send(f.peer, 'while pulled', { statusReport: false }).catch((e: unknown) => e);
      expect(isKefuError(err, 'LINE_OFFLINE')).toBe(true);
      await f.plugIn();
      await until(f, 'ready again', () => f.dongle.status().state === 'ready');
      await expect(f.dongle.send(f.peer, 'back again', { statusReport: false })).resolves.toMatchObject({ parts: 1 });
    });
  });
}
