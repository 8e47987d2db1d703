/**
 * `kefu serve --demo`: a simulated GSM dongle on a pty pair (the same driver
 * as real hardware), so a newcomer can send SMS from the console and make the
 * simulated network deliver one.
 */
import type { Logger } from 'pino';
import type { SmsConfig } from '../../config/schema.ts';
import type { SmsDongle } from '../../core/sms/port.ts';
import { createSmsDongle, startSimulatedDongle } from '../../drivers.ts';

export const DEMO_DONGLE_ID = 'demo-sms';

export interface SmsDemoControl {
  readonly dongleId: string;
  /** The simulated network delivers a message from `from` (long ones in parts). */
  receive(from: string, text: string): void;
}

export async function startDemoDongle(logger: Logger): Promise<{ cfg: SmsConfig; dongle: SmsDongle; control: SmsDemoControl; close(): Promise<void> }> {
  // 300 ms per part and a delivery report after 2 s: slow enough to watch the statuses change.
  const sim = await startSimulatedDongle({ sendDelayMs: 300, reportDelayMs: 2000 });
  const cfg: SmsConfig = {
    id: DEMO_DONGLE_ID, driver: 'gsm-dongle', port: sim.driverPath, baudRate: 115200, ratePerMinute: 30, inbound: 'store', reports: 'direct',
    deliveryReports: true, partTimeoutS: 60, maxAttempts: 3, retryAfterS: 10,
  };
  return {
    cfg, dongle: createSmsDongle(cfg, logger),
    control: { dongleId: DEMO_DONGLE_ID, receive: (from, text) => { sim.simulator.deliver({ from, text }); } },
    close: () => sim.close(),
  };
}
