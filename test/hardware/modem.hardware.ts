/**
 * The LineDriver contract against a real voice modem on a real phone line,
 * with a technician on a phone as the far side: `npm run contract:hardware`
 * with KEFU_CONTRACT_MODEM=/dev/ttyACM0 (the modem), KEFU_CONTRACT_CALLER
 * (the number of the phone that calls in, as caller ID shows it) and
 * KEFU_CONTRACT_DIAL_ANSWER / _BUSY / _NOANSWER (numbers the modem may dial
 * that answer, are busy, and ring out).
 */
import { V253LineDriver } from '../../drivers/v253-modem/driver.ts';
import { lineDriverContract } from '../contract/line-driver.contract.ts';
import { ask, need } from './person.ts';

lineDriverContract('v253-modem on real hardware', async () => {
  const path = need('KEFU_CONTRACT_MODEM', 'the serial device of the modem under test');
  const caller = need('KEFU_CONTRACT_CALLER', 'the number of the phone that calls the line, as caller ID shows it');
  const dial = {
    answer: need('KEFU_CONTRACT_DIAL_ANSWER', 'a number that answers when the modem dials it'),
    busy: need('KEFU_CONTRACT_DIAL_BUSY', 'a number that is busy'),
    'no-answer': need('KEFU_CONTRACT_DIAL_NOANSWER', 'a number that rings and is not answered'),
  };
  return {
    driver: new V253LineDriver({ id: 'contract-hardware', path }),
    callerNumber: () => caller,
    async ring() { ask(`Call the line from ${caller} now and let it ring until it is answered or dropped.`); },
    async press(digits) { ask(`On the phone, press ${digits.split('').join(' ')}.`); },
    async speak() { ask('Say something into the phone.'); },
    async hangUp() { ask('Hang up the phone.'); },
    async nextDial(o) {
      if (o === 'answer') ask(`The modem dials ${dial.answer}: answer it.`);
      else if (o === 'busy') ask(`The modem dials ${dial.busy}: it should be busy.`);
      else ask(`The modem dials ${dial['no-answer']}: let it ring, do not answer.`);
      return dial[o];
    },
    async pull() { ask('Unplug the modem (USB) now.'); },
    async plugIn() { ask('Plug the modem back in.'); },
    patienceMs: 90_000,
    async close() { /* the person puts the phone down */ },
  };
});
