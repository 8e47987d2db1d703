/** The gsm-dongle driver passes the SmsDongle contract with the dongle simulator on the far side of a real pty pair. */
import { GsmDongle } from '../../drivers/gsm-dongle/driver.ts';
import { startSimulatedDongle } from '../../drivers/gsm-dongle/simulator.ts';
import { smsDongleContract } from './sms-dongle.contract.ts';
import { until } from '../helpers/wait.ts';

const PEER = '+8613912345678';

smsDongleContract('gsm-dongle, simulated', async () => {
  const s = await startSimulatedDongle({ reportDelayMs: 50 });
  const dongle = new GsmDongle({ id: 'contract', path: s.driverPath, reopenMinMs: 100, reopenMaxMs: 400, statusPollMs: 500 });
  // the simulator keeps each part as the network took it: the parts of the message, joined
  const waitSent = async (text: string): Promise<void> => {
    await until(`the network took "${text.slice(0, 30)}…"`, () => s.simulator.sent.some((_, i) => s.simulator.sent.slice(i).map((p) => p.text).join('').startsWith(text) && s.simulator.sent[i]!.to === PEER), { timeoutMs: 10_000, intervalMs: 20 });
  };
  return {
    dongle, peer: PEER, reports: true, patienceMs: 10_000,
    peerGot: waitSent,
    async peerSends(text) { s.simulator.deliver({ from: PEER, text }); },
    pull: () => s.simulator.unplug(),
    plugIn: () => s.simulator.replug(),
    close: () => s.close(),
  };
});
