/**
 * The V.253 modem driver passes the LineDriver contract with the modem
 * simulator on the far side of a real pty pair, once per simulated dialect.
 */
import { V253LineDriver } from '../../drivers/v253-modem/driver.ts';
import { DIALECT_NAMES } from '../../drivers/v253-modem/dialects.ts';
import { createPtyPair } from '../../drivers/v253-modem/pty.ts';
import { ModemSimulator } from '../../drivers/v253-modem/simulator.ts';
import { lineDriverContract } from './line-driver.contract.ts';

const speech = (ms: number): Buffer => {
  const n = (ms * 8000) / 1000;
  const b = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * 300 * i) / 8000)), i * 2);
  return b;
};

for (const dialect of DIALECT_NAMES) {
  lineDriverContract(`v253-modem, simulated ${dialect}`, async () => {
    const pty = await createPtyPair();
    const sim = await ModemSimulator.open({ pty, dialect });
    const driver = new V253LineDriver({
      id: `contract-${dialect}`, path: pty.driverPath, commandTimeoutMs: 600, ringTimeoutMs: 400, callerIdQuietMs: 200,
      reconnect: { minMs: 100, maxMs: 400 }, dialRingbackGapMs: 500,
    });
    return {
      driver,
      callerNumber: (suggested) => suggested,
      ring: (o) => sim.ring({ number: o.number, rings: o.rings, intervalMs: 300 }),
      press: (d) => sim.pressDigits(d, { gapMs: 60 }),
      speak: (ms) => sim.sendAudio(speech(ms)),
      hangUp: () => sim.hangUp(),
      async nextDial(o) {
        if (o === 'answer') sim.answerOutbound(); else if (o === 'busy') sim.busyOutbound(); else sim.noAnswerOutbound();
        return '13800138005';
      },
      pull: () => sim.disappear(),
      plugIn: () => sim.reappear(),
      patienceMs: 10_000,
      async close() { await sim.close(); await pty.close(); },
    };
  });
}
