/**
 * The SmsDongle contract against a real GSM/LTE dongle with a SIM, and a
 * person with a phone as the far side: `npm run contract:hardware` with
 * KEFU_CONTRACT_DONGLE=/dev/ttyUSB2 (the dongle's AT port),
 * KEFU_CONTRACT_PHONE=+86138... (the person's phone, E.164), and
 * KEFU_CONTRACT_SIM_PIN when the SIM asks for one.
 */
import { GsmDongle } from '../../drivers/gsm-dongle/driver.ts';
import { smsDongleContract } from '../contract/sms-dongle.contract.ts';
import { ask, need } from './person.ts';

smsDongleContract('gsm-dongle on real hardware', async () => {
  const path = need('KEFU_CONTRACT_DONGLE', 'the AT port of the dongle under test');
  const peer = need('KEFU_CONTRACT_PHONE', 'the number (E.164, +86...) of the phone the person holds');
  return {
    dongle: new GsmDongle({ id: 'contract-hardware', path, pin: process.env.KEFU_CONTRACT_SIM_PIN ?? null }),
    peer, reports: true, patienceMs: 120_000,
    async peerGot(text) { ask(`Check that the phone received: "${text.slice(0, 40)}…"`); },
    async peerSends(text) { ask(`From the phone, send this SMS to the dongle's number: "${text}"`); },
    async pull() { ask('Unplug the dongle (USB) now.'); },
    async plugIn() { ask('Plug the dongle back in.'); },
    async close() { /* nothing to put away */ },
  };
});
