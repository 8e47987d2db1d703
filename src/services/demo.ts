/**
 * `kefu serve --demo`: one simulated voice modem on a real pty pair (socat),
 * driven by the same V.253 driver as real hardware. The API's "simulate an
 * incoming call" drives the simulator, i.e. the far side of the wire.
 */
import type { Logger } from 'pino';
import { requireDemoTools } from './demo-tools.ts';
import type { LineConfig } from '../config/schema.ts';
import type { DemoControl } from '../http/context.ts';
import { createLineDriver, startSimulatedModem } from '../drivers.ts';
import { normalizeNumber } from '../core/numbers/normalize.ts';
import { KefuError } from '../core/errors.ts';
import type { Telephony } from './telephony/telephony.ts';

export const DEMO_LINE_ID = 'demo';
/** The caller stays on the line at most this long unless told otherwise. */
const MAX_DEMO_CALL_MS = 120_000;

/**
 * With `attach` false (`kefu serve --demo-device`) only the simulated modem is
 * started: its pty is listed among the serial ports, and the set-up wizard
 * adds the line on it like on real hardware.
 */
export async function startDemoLine(telephony: Telephony, logger: Logger, defaultRegion = 'CN', opts: {
  attach?: boolean; ptyDir?: string; flow?: string;
  /** What the demo caller says (`simulate/say`): text to telephone PCM (the daemon's TTS). */
  speak?: (text: string, voice: 'en-us' | 'cmn') => Promise<Buffer>;
} = {}): Promise<{ control: DemoControl; close(): Promise<void> }> {
  const attach = opts.attach ?? true;
  requireDemoTools(process.env.PATH);
  // Without attach the path is stable (under the data folder), so a line the wizard stored finds the device again after a restart.
  const sim = await startSimulatedModem({ dialect: 'conexant', ...(opts.ptyDir && !attach ? { ptyDir: opts.ptyDir } : {}) });
  const line: LineConfig = {
    id: DEMO_LINE_ID, name: 'Demo line (simulated modem)', driver: 'v253-modem', port: sim.driverPath, baudRate: 115200,
    channels: 1, record: true, inbound: { flow: opts.flow ?? 'main', answerAfterRings: 2, ringGapMs: 8000 },
  };
  if (attach) await telephony.addLine(line, createLineDriver(line, logger));
  const log = logger.child({ lineId: DEMO_LINE_ID, component: 'demo' });
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => Promise<void>) => {
    const t = setTimeout(() => { timers.delete(t); fn().catch((err: unknown) => log.warn({ err }, 'demo step failed')); }, ms);
    timers.add(t);
  };

  let pulled = false;
  const control: DemoControl = {
    get lineId() { return attach ? DEMO_LINE_ID : telephony.lineOnPort(sim.driverPath)?.id ?? null; },
    attached: attach,
    devicePath: sim.driverPath,
    async unplug() {
      if (pulled) return;
      pulled = true;
      await sim.simulator.disappear();
    },
    async replug() {
      if (!pulled) return;
      pulled = false;
      await sim.simulator.reappear();
    },
    async call(opts) {
      const since = Date.now();
      const national = opts.number ? normalizeNumber(opts.number, { defaultRegion }).national : null;
      void sim.simulator.ring({
        ...(national ? { number: national, format: 'formatted' as const } : { format: 'private' as const }),
        ...(opts.name ? { name: opts.name } : {}), rings: 6, intervalMs: 1500,
      }).catch((err: unknown) => log.warn({ err }, 'demo ring failed'));
      void sim.simulator.waitFor('vrx-start', { since, timeoutMs: 30_000 }).then(async () => {
        if (opts.digits) await sim.simulator.pressDigits(opts.digits, { gapMs: 300 });
        later(opts.hangupAfterMs ?? MAX_DEMO_CALL_MS, () => sim.simulator.hangUp());
      }, () => undefined);
    },
    press: (digits) => sim.simulator.pressDigits(digits, { gapMs: 300 }),
    async say(text, voice) {
      if (!opts.speak) throw new KefuError('NOT_SUPPORTED', 'the demo caller cannot speak: no text-to-speech');
      // Queued as the caller's audio: the modem sends it while it listens (+VRX), as a real line would.
      const pcm = await opts.speak(text, voice);
      void sim.simulator.sendAudio(pcm).catch((err: unknown) => log.warn({ err }, 'demo speech failed'));
    },
    hangup: () => sim.simulator.hangUp(),
  };
  return {
    control,
    async close() {
      for (const t of timers) clearTimeout(t);
      await sim.close();
    },
  };
}
