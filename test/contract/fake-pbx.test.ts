/**
 * The in-process fake PBX passes the same contract as the Asterisk driver,
 * so the services' unit tests built on it cannot drift from the real port.
 */
import { FakePbx } from '../support/fake-pbx.ts';
import { pbxContract } from './pbx.contract.ts';

pbxContract('in-process fake', async () => {
  const pbx = new FakePbx();
  const phones = { answer: 'PJSIP/answers', busy: 'PJSIP/busy', 'no-answer': 'PJSIP/rings' } as const;
  pbx.phone(phones.answer, 'answer');
  pbx.phone(phones.busy, 'busy');
  pbx.phone(phones['no-answer'], 'no-answer');
  const callees = { human: 'PJSIP/person@trunk', machine: 'PJSIP/machine@trunk', busy: 'PJSIP/busy@trunk', 'no-answer': 'PJSIP/rings@trunk', congestion: 'PJSIP/congestion@trunk', keypress: 'PJSIP/presses@trunk' } as const;
  pbx.phone(callees.human, 'answer');
  pbx.phone(callees.keypress, 'answer');
  pbx.phone(callees.machine, 'machine');
  pbx.phone(callees.busy, 'busy');
  pbx.phone(callees['no-answer'], 'no-answer');
  pbx.phone(callees.congestion, 'congestion');
  const offs: Array<() => void> = [];
  // the keypress callee presses 5 once its leg is ours
  offs.push(pbx.on((e) => { if (e.type === 'legEntered' && pbx.leg(e.leg.id)?.endpoint === callees.keypress) pbx.press(e.leg.id, '5'); }));
  return {
    pbx,
    phone: (b) => phones[b],
    callee: (k) => callees[k],
    async callIn(o) {
      const id = pbx.callIn({ number: o.number, ...(o.name ? { name: o.name } : {}) });
      // the caller presses their keys once we answered
      if (o.dtmf) {
        const off = pbx.on((e) => { if (e.type === 'legAnswered' && e.legId === id) { off(); pbx.press(id, o.dtmf!); } });
        offs.push(off);
      }
    },
    async farHangup(leg) { pbx.farHangup(leg.id); },
    async bridgeMembers(id) { return pbx.bridgeMembers(id); },
    async kill() { pbx.linkDown(); },
    async restore() { pbx.linkUp({ restarted: true }); },
    sounds: { short: 'beep', long: 'demo-congrats' },
    patienceMs: 2000,
    async close() { for (const off of offs) off(); },
  };
});
