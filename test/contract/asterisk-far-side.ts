/**
 * The far side of the Asterisk driver for the Pbx contract: a carrier
 * Asterisk (the lab's, or one set up the same way in front of real hardware)
 * places callers into the PBX and plays the phones we ring; the PBX's own AMI
 * hangs a leg up from outside. Killing and restoring the PBX is up to whoever
 * runs it (the lab restarts its instance; a real one restarts itself).
 */
import pino from 'pino';
import { AmiClient, type AmiOptions } from '../../drivers/asterisk/ami-client.ts';
import { AriClient, type AriOptions } from '../../drivers/asterisk/ari-client.ts';
import { AsteriskPbx } from '../../drivers/asterisk/pbx.ts';
import { callee } from '../helpers/callees.ts';
import type { PbxFarSide } from './pbx.contract.ts';

export interface AsteriskFarSideOptions {
  ari: AriOptions;
  /** The PBX's AMI (whole-call recording, and hanging a leg up from outside). */
  pbxAmi: AmiOptions;
  /** The carrier's AMI: it originates callers into the PBX with dialplans/lab/carrier-extensions.conf. */
  carrierAmi: AmiOptions;
  /** What the carrier dials to reach the PBX, e.g. PJSIP/8000@pbx. */
  callInto: string;
  /** Seat extensions on the carrier (context from-pbx) and the dial strings the PBX reaches them by. */
  phones: { answer: [ext: string, dial: string]; busy: [ext: string, dial: string]; 'no-answer': [ext: string, dial: string] };
  /** The dial string by which the PBX reaches a number on the carrier (its scripted callees, test/helpers/callees.ts), e.g. `(n) => \`PJSIP/${n}@carrier\``. */
  dialOut(number: string): string;
  kill(): Promise<void>;
  restore(): Promise<void>;
  /** How the far end hangs a leg up; default: the PBX's AMI hangs the channel up from outside our application. */
  farHangup?(leg: { id: string; name: string; callerNumber: string }): Promise<void>;
}

const BEHAVIOUR = { answer: 'answer', busy: 'busy', 'no-answer': 'noanswer' } as const;

export async function asteriskFarSide(o: AsteriskFarSideOptions): Promise<PbxFarSide> {
  const carrier = new AmiClient(o.carrierAmi);
  await carrier.connect();
  const pbxAmi = new AmiClient(o.pbxAmi);
  await pbxAmi.connect();
  const ari = new AriClient(o.ari);
  for (const b of ['answer', 'busy', 'no-answer'] as const) await carrier.action('Setvar', { Variable: `AGENT_${o.phones[b][0]}`, Value: BEHAVIOUR[b] });
  let calls = 0;
  const pbx = new AsteriskPbx({ ...o.ari, reconnect: { minMs: 100, maxMs: 500 } }, { ...o.pbxAmi }, pino({ level: process.env.KEFU_CONTRACT_LOG ?? 'silent' }));
  return {
    pbx,
    phone: (b) => o.phones[b][1],
    // a short ring; people and machines stay on well past the detection
    callee: (k) => o.dialOut(k === 'keypress' ? callee(k, { ringS: 1, digit: '5', talkS: 9, n: ++calls % 100 }) : callee(k, { ringS: 1, talkS: 20, n: ++calls % 100 })),
    async callIn(c) {
      // the carrier's caller context: waits PRE_WAIT s after the answer, presses DTMF, holds HOLD s
      await carrier.action('Originate', {
        Channel: o.callInto, Context: 'caller', Exten: 's', Priority: 1, CallerID: `"${c.name ?? ''}" <${c.number}>`,
        Variable: [`DTMF=${c.dtmf ?? ''}`, 'PRE_WAIT=1', 'HOLD=60', 'SAY=', 'RECORD_TO='], Async: 'true', Timeout: 30000,
      });
    },
    farHangup: o.farHangup ?? (async (leg) => { await pbxAmi.action('Hangup', { Channel: leg.name, Cause: 16 }); }),
    async bridgeMembers(id) { return (await ari.request<{ channels: string[] }>('GET', `/bridges/${encodeURIComponent(id)}`)).channels; },
    kill: o.kill,
    async restore() {
      await o.restore();
      await pbxAmi.connect();
    },
    sounds: { short: 'beep', long: 'demo-congrats' },
    patienceMs: 10_000,
    async close() {
      await carrier.close();
      await pbxAmi.close().catch(() => undefined); // the PBX may be down after the kill test: nothing left to log off from
      await ari.close();
    },
  };
}
