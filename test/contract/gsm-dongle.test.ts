/** The gsm-dongle driver passes the SmsDongle contract with the dongle simulator on the far side of a real pty pair. */
import { GsmDongle } from '../../drivers/gsm-dongle/driver.ts';
import { startSimulatedDongle } from '../../drivers/gsm-dongle/simulator.ts';
import { smsDongleContract } from './sms-dongle.contract.ts';

const PEER = '+8613912345678';

smsDongleContract('gsm-dongle, simulated', async () => {
  const s = await startSimulatedDongle({ reportDelayMs: 50 });
  const dongle = new GsmDongle({ id: 'contract', path: s.driverPath, reopenMinMs: 100, reopenMaxMs: 400, statusPollMs: 500 });
  const waitSent = async (text: string) => {
    const t0 = Date.now();
    // the simulator keeps each part as the network took it: the parts of the message, joined
    while (!s.simulator.sent.some((_, i) => s.simulator.sent.slice(i).map((p) => p.text).join('').startsWith(text) && s.simulator.sent[i]!.to === PEER)) {
      if (Date.now() - t0 > 10_000) throw new Error(`the network never took "${text.slice(0, 30)}…"`);
      await new Promise((r) => setTimeout(r, 20));
    }
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
